"""The audit trail: one JSON line per person question, and one per refused request.

Each line says who asked (tenant, caseworker), in which case (`arende`), about whom (a keyed
HMAC-SHA256 of the personnummer, never the number), for what (agencies, LEFI classes and groups,
Skatteverket tax years) and how it went. It never holds a payload, a name or a field value.
Lines go to the logger `ssbtek_graphql.audit`, which `configure_audit_log` points at stdout or a
file.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from resolvers.codes import ErrorCode

AUDIT_LOGGER = "ssbtek_graphql.audit"

log = logging.getLogger(AUDIT_LOGGER)


@dataclass(frozen=True)
class AuditSettings:
    """The key of the person hash and where the lines go (None: stdout)."""

    secret: bytes
    file: str | None = None


@dataclass(frozen=True)
class AskedFor:
    """What one SSBTEK question asked for, as the audit line names it."""

    period: dict[str, str]
    agencies: list[str]
    lefi: dict[str, list[str]]
    skv_years: list[int]


class AuditTrail:
    """Writes audit lines; holds the key of the person hash."""

    def __init__(
        self, settings: AuditSettings, on_refused: Callable[[str], None] | None = None
    ) -> None:
        self._secret = settings.secret
        # Told the reason of every refusal (metrics); nothing by default.
        self.on_refused: Callable[[str], None] = on_refused or (lambda _reason: None)

    def person_hash(self, personnummer: str) -> str:
        """The keyed hash that stands for a person in the audit: the same for one number under
        one `SSBTEK_AUDIT_SECRET`, on every instance, and not reversible without that secret."""
        return hmac.new(self._secret, personnummer.encode(), hashlib.sha256).hexdigest()

    def question(
        self,
        *,
        tenant: str,
        caseworker: str,
        arende: str,
        personnummer: str,
        asked: AskedFor,
        outcome: str,
        agency_errors: dict[str, str | None],
        upstream_ms: float | None,
        korrelationsid: str | None,
        cache: str = "miss",
    ) -> None:
        """The line of one person question, answered (`outcome` "ok") or failed (its code);
        `cache` says whether SSBTEK was asked: "hit" (no), "partial" (for what the cache lacked,
        `upstreamMs` then that call's) or "miss" (all of it)."""
        written = _write(
            {
                "event": "question",
                "tenant": tenant,
                "caseworker": caseworker,
                "arende": arende,
                "person": self.person_hash(personnummer),
                "period": asked.period,
                "agencies": asked.agencies,
                "lefi": asked.lefi,
                "skvYears": asked.skv_years,
                "outcome": outcome,
                "agencyErrors": agency_errors,
                "upstreamMs": None if upstream_ms is None else round(upstream_ms, 1),
                "cache": cache,
                "korrelationsid": korrelationsid,
            }
        )
        if not written:
            # No answer without its audit line: the agencies logged the access, so must we.
            raise AuditUnavailable("the audit line of this question could not be written")

    def refused(
        self,
        *,
        reason: str,
        tenant: str | None = None,
        caseworker: str | None = None,
        detail: str | None = None,
    ) -> None:
        """The line of a refused request: no person, only who (if known), the reason code and,
        for the facade's own fixed refusals (authentication), why."""
        self.on_refused(reason)
        fields = {"event": "refused", "tenant": tenant, "caseworker": caseworker, "reason": reason}
        _write({**fields, **({"detail": detail} if detail else {})})


class AuditUnavailable(Exception):
    """A person question's audit line could not be written: its answer is not given."""

    code = ErrorCode.AUDIT_UNAVAILABLE


def _write(fields: dict[str, object]) -> bool:
    """Write one line; whether every audit destination took it."""
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    destinations = [h for h in log.handlers if isinstance(h, _Checked)]
    for handler in destinations:
        handler.failed = False
    line = {"time": stamp, **fields}
    # The fields ride along, so a JSON log formatter writes them without parsing the line again.
    log.info(json.dumps(line, ensure_ascii=False, separators=(",", ":")), extra={"fields": line})
    return not any(handler.failed for handler in destinations)


class _Checked(logging.Handler):
    """A handler that remembers whether its last line failed (logging itself only prints the
    failure to stderr and carries on)."""

    failed = False

    def handleError(self, record: logging.LogRecord) -> None:
        self.failed = True
        super().handleError(record)


class _FileHandler(_Checked, logging.FileHandler):
    """The audit file."""


def configure_audit_log(
    settings: AuditSettings, formatter: logging.Formatter | None = None
) -> None:
    """Send audit lines to `settings.file` or stdout, not to other loggers: bare JSON lines, or
    in the form `formatter` gives (the facade's JSON logs)."""
    for old in [h for h in log.handlers if getattr(h, "ssbtek_audit", False)]:
        log.removeHandler(old)  # a second app in one process replaces the first's destination
        with contextlib.suppress(OSError):  # a destination that fails on its last flush
            old.close()
    handler: logging.Handler = (
        _FileHandler(settings.file, encoding="utf-8") if settings.file else _StdoutHandler()
    )
    handler.ssbtek_audit = True  # type: ignore[attr-defined]  # a mark on the stdlib's handler
    handler.setFormatter(formatter or logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


class _StdoutHandler(_Checked, logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stdout` is when a line is written (it may be replaced)."""

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass
