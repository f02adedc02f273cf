"""Settings from the environment, validated once at start-up with messages that name the variable.

Every setting is read and checked before anything fails: a start that finds several missing or
wrong settings names them all at once (`SettingsError.problems`), not one per start. Unset
`SSBTEK_URL` means demo mode: the embedded simulator answers, and the municipality's identity has
demo defaults.
"""

from __future__ import annotations

import os
import re
import secrets
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from graph.auth import AuthMode, AuthSettings, UnusableKey, load_public_key_file
from graph.connections import ConnectionSettings
from graph.cors import header_problem
from graph.logs import FORMATS, default_format
from graph.trusted import ManifestError, TrustedDocuments, read_manifest
from resolvers.audit import AuditSettings
from resolvers.cache import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ENTRIES,
    DEFAULT_TTL_S,
    CacheSettings,
    parse_cache_key,
    redis_address,
)
from resolvers.client import ClientConfig, tls_context
from resolvers.contract import SsbtVersion
from resolvers.question import Bitrade, Requester
from schema.limits import Limits

_N = TypeVar("_N", int, float)

ORGNR = re.compile(r"^\d{4}[2-9]\d{7}$")

DEMO_REQUESTER = Requester(
    organisationsnummer="165550000000",
    namn="Demokommunen",
    aktorsid="demo-aktor",
    syfte="Handläggning av ekonomiskt bistånd (demo)",
    lagtext="11 kap. 11 § socialtjänstlagen (2001:453); demo",
)


class SettingsError(ValueError):
    """One or more settings are missing or wrong. Each of `problems` is one sentence that names
    its variable; the message is those sentences, one a line."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems: tuple[str, ...] = problems


@dataclass(frozen=True)
class HttpSettings:
    """`SSBTEK_INTROSPECTION`, `SSBTEK_GRAPHIQL`, `SSBTEK_ALLOWED_HOSTS`, `SSBTEK_CORS_ORIGINS`,
    `SSBTEK_CORS_HEADERS`, `SSBTEK_MAX_BODY_BYTES`, `SSBTEK_SHUTDOWN_GRACE_S`,
    `SSBTEK_TRUSTED_DOCUMENTS`, `SSBTEK_TRUSTED_ONLY`."""

    introspection: bool
    graphiql: bool
    allowed_hosts: tuple[str, ...]
    cors_origins: tuple[str, ...] = ()
    # Request headers allowed besides graph/cors.py CLIENT_HEADERS.
    cors_headers: tuple[str, ...] = ()
    max_body_bytes: int = 65_536
    # How long a stopping process keeps answering the operations it has (SIGTERM).
    shutdown_grace_s: int = 25
    # SSBTEK_TRUSTED_DOCUMENTS (read) and SSBTEK_TRUSTED_ONLY.
    trusted: TrustedDocuments = field(default_factory=TrustedDocuments)


@dataclass(frozen=True)
class Settings:
    """Everything the facade reads from its environment."""

    demo: bool
    client: ClientConfig
    requester: Requester
    auth: AuthSettings
    audit: AuditSettings
    http: HttpSettings
    cache: CacheSettings
    limits: Limits
    ready_probe: bool = False
    caller_questions_per_minute: int = 60  # SSBTEK_CALLER_QUESTIONS_PER_MINUTE; 0 is no budget
    log_format: str = "text"  # SSBTEK_LOG_FORMAT: text or json (graph/logs.py)
    metrics: bool = True  # SSBTEK_METRICS: serve /metrics (graph/metrics.py)
    connections: ConnectionSettings = field(default_factory=ConnectionSettings)
    # SSBTEK_FAST_EXECUTION: complete plain data in one pass (schema/execution.py)
    fast_execution: bool = True


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every `SSBTEK_*` variable; raise one SettingsError that names every
    missing or wrong one. A check that depends on another setting is made only when that setting
    could be read (a key file that does not exist is not also loaded, say)."""
    env = _Env(os.environ if environ is None else environ)
    url = env.get("SSBTEK_URL")
    demo = url is None
    if url is not None and not _is_http_url(url):
        env.problem("SSBTEK_URL", "SSBTEK_URL must be an http:// or https:// URL with a host")
    version = env.choice("SSBTEK_VERSION", ("11", "10"), default="11")
    client = ClientConfig(
        url=url or "http://simulator.invalid/ssbtek",
        version=SsbtVersion(version),
        wsdl=env.get("SSBTEK_WSDL"),
        connect_timeout_s=env.positive_float("SSBTEK_CONNECT_TIMEOUT_S", 5.0),
        timeout_s=env.positive_float("SSBTEK_TIMEOUT_S", 30.0),
        max_concurrency=env.positive_int("SSBTEK_MAX_CONCURRENCY", 8),
        max_answer_bytes=env.positive_int("SSBTEK_MAX_ANSWER_BYTES", 64 * 1024 * 1024),
        # The embedded simulator of demo mode is reached in-process: TLS settings do not apply.
        cert_file=None if demo else env.file("SSBTEK_CERT_FILE"),
        key_file=None if demo else env.file("SSBTEK_KEY_FILE"),
        ca_file=None if demo else env.file("SSBTEK_CA_FILE"),
    )
    if not demo and env.get("SSBTEK_KEY_FILE") and not env.get("SSBTEK_CERT_FILE"):
        env.problem("SSBTEK_KEY_FILE", "SSBTEK_KEY_FILE is set but SSBTEK_CERT_FILE is not")
    else:
        _check_tls(env, client)
    requester = _requester(env, demo)
    http = _http(env, demo)
    limits = _limits(env)
    _check_trusted_sizes(env, http.trusted, limits)
    settings = Settings(
        demo=demo,
        client=client,
        requester=requester,
        auth=_auth(env, demo, default_tenant=requester.organisationsnummer),
        audit=_audit(env, demo),
        http=http,
        cache=_cache(env),
        limits=limits,
        ready_probe=env.boolean("SSBTEK_READY_PROBE", default=False),
        caller_questions_per_minute=env.non_negative_int(
            "SSBTEK_CALLER_QUESTIONS_PER_MINUTE", Settings.caller_questions_per_minute
        ),
        log_format=env.choice("SSBTEK_LOG_FORMAT", FORMATS, default_format()),
        metrics=env.boolean("SSBTEK_METRICS", default=True),
        connections=_connections(env),
        fast_execution=env.boolean("SSBTEK_FAST_EXECUTION", default=True),
    )
    if env.problems:
        raise SettingsError(*env.problems)
    return settings


def _connections(env: _Env) -> ConnectionSettings:
    """How long a connection may take to send a request, and how many may be open at once
    (graph/connections.py): timeouts above zero, at most `MAX_CONNECTION_TIMEOUT_S`."""
    default = ConnectionSettings()

    def seconds(name: str, value: float) -> float:
        return env.bounded_float(name, value, 0, MAX_CONNECTION_TIMEOUT_S)

    return ConnectionSettings(
        header_timeout_s=seconds("SSBTEK_HEADER_TIMEOUT_S", default.header_timeout_s),
        body_timeout_s=seconds("SSBTEK_BODY_TIMEOUT_S", default.body_timeout_s),
        keepalive_timeout_s=seconds("SSBTEK_KEEPALIVE_TIMEOUT_S", default.keepalive_timeout_s),
        max_connections=env.positive_int("SSBTEK_MAX_CONNECTIONS", default.max_connections),
    )


MAX_CONNECTION_TIMEOUT_S = 300.0


def _limits(env: _Env) -> Limits:
    """What one operation may cost (schema/limits.py); each a whole number above zero."""
    default = Limits()
    return Limits(
        depth=env.positive_int("SSBTEK_MAX_DEPTH", default.depth),
        aliases=env.positive_int("SSBTEK_MAX_ALIASES", default.aliases),
        tokens=env.positive_int("SSBTEK_MAX_TOKENS", default.tokens),
        fields=env.positive_int("SSBTEK_MAX_FIELDS", default.fields),
        response_bytes=env.positive_int("SSBTEK_MAX_RESPONSE_BYTES", default.response_bytes),
        questions=env.positive_int("SSBTEK_MAX_QUESTIONS_PER_OPERATION", default.questions),
        questions_per_person=env.positive_int(
            "SSBTEK_MAX_QUESTIONS_PER_PERSON", default.questions_per_person
        ),
        document_bytes=env.positive_int("SSBTEK_MAX_DOCUMENT_BYTES", default.document_bytes),
        deferred=env.positive_int("SSBTEK_MAX_DEFERRED", default.deferred),
    )


MAX_CACHE_TTL_S = 3600.0


def _cache(env: _Env) -> CacheSettings:
    """The brief cache: in memory unless SSBTEK_CACHE_URL names Redis; TTL 0 turns it off."""
    ttl = env.non_negative_float("SSBTEK_CACHE_TTL_S", DEFAULT_TTL_S)
    if ttl > MAX_CACHE_TTL_S:
        env.problem(
            "SSBTEK_CACHE_TTL_S",
            f"SSBTEK_CACHE_TTL_S is at most {MAX_CACHE_TTL_S:.0f}: a brief cache",
        )
    url = env.get("SSBTEK_CACHE_URL")
    if url is not None:
        try:
            redis_address(url)
        except ValueError as exc:
            env.problem("SSBTEK_CACHE_URL", f"SSBTEK_CACHE_URL must be {exc}")
    raw_key = env.get("SSBTEK_CACHE_KEY")
    key = None
    if raw_key is not None:
        try:
            key = parse_cache_key(raw_key)
        except ValueError:
            env.problem(
                "SSBTEK_CACHE_KEY",
                "SSBTEK_CACHE_KEY must be 32 random bytes in base64 (standard or URL-safe), e.g. "
                "from: openssl rand -base64 32",
            )
    # Whether a key is needed depends on the TTL: not asked for when the TTL could not be read.
    if url is not None and raw_key is None and ttl > 0 and not env.failed("SSBTEK_CACHE_TTL_S"):
        env.problem(
            "SSBTEK_CACHE_KEY",
            "SSBTEK_CACHE_KEY must be set with SSBTEK_CACHE_URL: what Redis holds is encrypted",
        )
    return CacheSettings(
        url=url,
        ttl_s=ttl,
        max_entries=env.positive_int("SSBTEK_CACHE_MAX_ENTRIES", DEFAULT_MAX_ENTRIES),
        max_bytes=env.positive_int("SSBTEK_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES),
        key=key,
    )


# What SSBTEK_AUTH may say; demo mode is what its absence means without SSBTEK_URL.
AUTH_MODES = tuple(mode.value for mode in AuthMode if mode is not AuthMode.DEMO)


def _auth(env: _Env, demo: bool, default_tenant: str) -> AuthSettings:
    """Who may call: a bearer JWT, a trusted gateway's header, or (demo only) the demo caller.
    The `SSBTEK_JWT_*` variables are checked only when `SSBTEK_AUTH` says `jwt`."""
    mode = env.get("SSBTEK_AUTH")
    if mode is None:
        if not demo:
            env.problem(
                "SSBTEK_AUTH",
                "SSBTEK_AUTH must be set when SSBTEK_URL is set: 'jwt' (with SSBTEK_JWT_ISSUER, "
                "SSBTEK_JWT_AUDIENCE and SSBTEK_JWT_PUBLIC_KEY_FILE or SSBTEK_JWT_JWKS_URL) or "
                "'none' (a gateway authenticates and sends X-Handlaggare)",
            )
        return AuthSettings(mode=AuthMode.DEMO, tenant=default_tenant)
    chosen = env.choice("SSBTEK_AUTH", AUTH_MODES, default=mode)
    if env.failed("SSBTEK_AUTH") or chosen != AuthMode.JWT.value:
        # `none`, or a mode that is none of them (reported; its JWT settings are not read).
        return AuthSettings(mode=AuthMode.GATEWAY, tenant=default_tenant)
    key_file = env.file("SSBTEK_JWT_PUBLIC_KEY_FILE")
    jwks_url = env.get("SSBTEK_JWT_JWKS_URL")
    if (env.get("SSBTEK_JWT_PUBLIC_KEY_FILE") is None) == (jwks_url is None):
        env.problem(
            "SSBTEK_JWT_PUBLIC_KEY_FILE",
            "SSBTEK_AUTH=jwt needs exactly one of SSBTEK_JWT_PUBLIC_KEY_FILE and "
            "SSBTEK_JWT_JWKS_URL",
        )
    elif key_file is not None:
        try:
            load_public_key_file(key_file)
        except UnusableKey as exc:
            env.problem("SSBTEK_JWT_PUBLIC_KEY_FILE", key_file_problem(exc))
    if jwks_url is not None and not _is_http_url(jwks_url):
        env.problem("SSBTEK_JWT_JWKS_URL", "SSBTEK_JWT_JWKS_URL must be an http(s) URL with a host")
    issuer = env.get("SSBTEK_JWT_ISSUER")
    audience = env.get("SSBTEK_JWT_AUDIENCE")
    for name, value in (("SSBTEK_JWT_ISSUER", issuer), ("SSBTEK_JWT_AUDIENCE", audience)):
        if value is None:
            env.problem(name, f"{name} must be set when SSBTEK_AUTH=jwt")
    return AuthSettings(
        mode=AuthMode.JWT,
        tenant=default_tenant,
        public_key_file=key_file,
        jwks_url=jwks_url,
        issuer=issuer,
        audience=audience,
        caseworker_claim=env.get("SSBTEK_JWT_CASEWORKER_CLAIM") or AuthSettings.caseworker_claim,
        role=env.get("SSBTEK_JWT_ROLE") or AuthSettings.role,
        tenant_claim=env.get("SSBTEK_JWT_TENANT_CLAIM"),
        leeway_s=env.bounded_int("SSBTEK_JWT_LEEWAY_S", 30, 0, 60),
    )


def key_file_problem(exc: UnusableKey) -> str:
    """What is said of a `SSBTEK_JWT_PUBLIC_KEY_FILE` that cannot verify tokens."""
    return f"SSBTEK_JWT_PUBLIC_KEY_FILE cannot verify tokens: {exc}"


def _audit(env: _Env, demo: bool) -> AuditSettings:
    secret = env.get("SSBTEK_AUDIT_SECRET")
    if secret is None and not demo:
        env.problem(
            "SSBTEK_AUDIT_SECRET",
            "SSBTEK_AUDIT_SECRET must be set when SSBTEK_URL is set (the key of the audit "
            "log's person hash; at least 32 characters, the same on every instance)",
        )
    if secret is not None and len(secret) < 32:
        env.problem("SSBTEK_AUDIT_SECRET", "SSBTEK_AUDIT_SECRET must be at least 32 characters")
    audit_file = env.get("SSBTEK_AUDIT_FILE")
    if audit_file is not None:
        try:
            with open(audit_file, "a", encoding="utf-8"):
                pass
        except OSError:
            env.problem(
                "SSBTEK_AUDIT_FILE",
                "SSBTEK_AUDIT_FILE cannot be opened for appending (does its folder exist, and "
                "may the service write there?)",
            )
    return AuditSettings(
        # Demo mode without a secret gets a random one per process: its hashes correlate
        # within one run only.
        secret=(secret or secrets.token_hex(32)).encode(),
        file=audit_file,
    )


def _http(env: _Env, demo: bool) -> HttpSettings:
    origins = env.list("SSBTEK_CORS_ORIGINS")
    if not all(_is_origin(origin) for origin in origins):
        env.problem(
            "SSBTEK_CORS_ORIGINS",
            "SSBTEK_CORS_ORIGINS must be exact origins such as https://app.example.se "
            "(scheme, host and optional port, no path, no '*'), separated by commas",
        )
    cors_headers = env.list("SSBTEK_CORS_HEADERS")
    problem = header_problem(cors_headers)
    if problem is not None:
        env.problem("SSBTEK_CORS_HEADERS", problem)
    return HttpSettings(
        max_body_bytes=env.positive_int("SSBTEK_MAX_BODY_BYTES", HttpSettings.max_body_bytes),
        introspection=env.boolean("SSBTEK_INTROSPECTION", default=demo),
        graphiql=env.boolean("SSBTEK_GRAPHIQL", default=demo),
        allowed_hosts=tuple(h.lower() for h in env.list("SSBTEK_ALLOWED_HOSTS"))
        or DEFAULT_ALLOWED_HOSTS,
        cors_origins=tuple(origins),
        cors_headers=tuple(cors_headers),
        shutdown_grace_s=env.bounded_int(
            "SSBTEK_SHUTDOWN_GRACE_S", HttpSettings.shutdown_grace_s, 0, 300
        ),
        trusted=_trusted(env),
    )


def _trusted(env: _Env) -> TrustedDocuments:
    """The trusted documents, read and checked now: a manifest that cannot be read, or an entry
    that is not the SHA-256 of its document, stops start-up."""
    path = env.get("SSBTEK_TRUSTED_DOCUMENTS")
    only = env.boolean("SSBTEK_TRUSTED_ONLY", default=False)
    if path is None:
        if only:
            env.problem(
                "SSBTEK_TRUSTED_ONLY", "SSBTEK_TRUSTED_ONLY=true needs SSBTEK_TRUSTED_DOCUMENTS"
            )
        return TrustedDocuments()
    try:
        return TrustedDocuments(read_manifest(path), only)
    except ManifestError as exc:
        env.problem("SSBTEK_TRUSTED_DOCUMENTS", f"SSBTEK_TRUSTED_DOCUMENTS ({path}) {exc}")
        return TrustedDocuments()


def _check_trusted_sizes(env: _Env, trusted: TrustedDocuments, limits: Limits) -> None:
    """Every trusted document must be one the facade would read: none larger than
    SSBTEK_MAX_DOCUMENT_BYTES."""
    largest = max((len(d.encode()) for d in trusted.documents.values()), default=0)
    if largest > limits.document_bytes:
        env.problem(
            "SSBTEK_TRUSTED_DOCUMENTS",
            f"SSBTEK_TRUSTED_DOCUMENTS holds a document of {largest} bytes, more than "
            f"SSBTEK_MAX_DOCUMENT_BYTES ({limits.document_bytes}): raise that limit",
        )


DEFAULT_ALLOWED_HOSTS = ("localhost", "127.0.0.1", "::1")
_ORIGIN = re.compile(
    r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$|^https?://\[[0-9A-Fa-f:]+\](:\d{1,5})?$"
)


def _is_origin(text: str) -> bool:
    return bool(_ORIGIN.match(text))


def _is_http_url(text: str) -> bool:
    parsed = urlsplit(text)
    return parsed.scheme in ("http", "https") and bool(parsed.hostname)


def _check_tls(env: _Env, client: ClientConfig) -> None:
    """Load the TLS files once now, so that a bad one stops start-up with its variable named.
    The client certificate is tried only when its key file and the CA file were found."""
    if client.ca_file:
        try:
            ssl.create_default_context(cafile=client.ca_file)
        except (ssl.SSLError, OSError, ValueError):
            env.problem("SSBTEK_CA_FILE", "SSBTEK_CA_FILE could not be loaded as CA certificates")
            return
    if client.cert_file and not env.failed("SSBTEK_KEY_FILE", "SSBTEK_CA_FILE"):
        try:
            tls_context(client)
        except (ssl.SSLError, OSError, ValueError):
            env.problem(
                "SSBTEK_CERT_FILE",
                "SSBTEK_CERT_FILE and SSBTEK_KEY_FILE could not be loaded as a client certificate "
                "and its key",
            )


def _requester(env: _Env, demo: bool) -> Requester:
    def value(name: str, default: str) -> str:
        given = env.get(name)
        if given is not None:
            return given
        if not demo:
            env.problem(name, f"{name} must be set when SSBTEK_URL is set")
        return default

    orgnr = value("SSBTEK_INGIVARE_ORGNR", DEMO_REQUESTER.organisationsnummer)
    if not ORGNR.match(orgnr):
        env.problem(
            "SSBTEK_INGIVARE_ORGNR",
            "SSBTEK_INGIVARE_ORGNR must be 12 digits with 2-9 as the fifth digit",
        )
    try:
        bitraden = parse_bitraden(env.get("SSBTEK_PERSONUPPGIFTSBITRADE") or "")
    except SettingsError as exc:
        env.problem("SSBTEK_PERSONUPPGIFTSBITRADE", str(exc))
        bitraden = ()
    return Requester(
        organisationsnummer=orgnr,
        namn=value("SSBTEK_INGIVARE_NAMN", DEMO_REQUESTER.namn),
        aktorsid=value("SSBTEK_AKTORSID", DEMO_REQUESTER.aktorsid),
        syfte=value("SSBTEK_SYFTE", DEMO_REQUESTER.syfte),
        lagtext=value("SSBTEK_LAGTEXT", DEMO_REQUESTER.lagtext),
        bitraden=bitraden,
        lefi_version=env.get("SSBTEK_LEFI_VERSION") or "v9",
    )


def parse_bitraden(text: str) -> tuple[Bitrade, ...]:
    """`ORGNR:Namn;ORGNR:Namn` into processors, numbered in the order given."""
    bitraden = []
    for index, item in enumerate(filter(None, (p.strip() for p in text.split(";"))), start=1):
        orgnr, sep, namn = item.partition(":")
        if not sep or not ORGNR.match(orgnr.strip()) or not namn.strip():
            raise SettingsError(
                "SSBTEK_PERSONUPPGIFTSBITRADE must be 'ORGNR:Namn' items separated by ';', each "
                "ORGNR 12 digits with 2-9 as the fifth digit"
            )
        bitraden.append(Bitrade(orgnr.strip(), namn.strip(), ordningsnummer=index))
    return tuple(bitraden)


class _Env:
    """The environment as settings read it: values trimmed, blank as unset, and every problem
    found kept (`problems`) instead of raised, so that one start reports them all. A value that
    is wrong reads as its default, so that reading can go on."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.problems: list[str] = []
        self._failed: set[str] = set()

    def problem(self, name: str, message: str) -> None:
        """Keep `message`, which names the variable `name`."""
        self.problems.append(message)
        self._failed.add(name)

    def failed(self, *names: str) -> bool:
        """Whether any of these variables had a problem."""
        return not self._failed.isdisjoint(names)

    def get(self, name: str) -> str | None:
        value = self.environ.get(name)
        return value.strip() if value is not None and value.strip() else None

    def list(self, name: str) -> list[str]:
        """A comma-separated list; blank items are skipped."""
        return [item.strip() for item in (self.get(name) or "").split(",") if item.strip()]

    def boolean(self, name: str, default: bool) -> bool:
        value = self.get(name)
        if value is None:
            return default
        if value.lower() in ("true", "1", "yes", "on"):
            return True
        if value.lower() in ("false", "0", "no", "off"):
            return False
        self.problem(name, f"{name} must be true or false")
        return default

    def bounded_int(self, name: str, default: int, lowest: int, highest: int) -> int:
        return self._number(
            name, default, int, "a whole number", lambda v: lowest <= v <= highest,
            f"from {lowest} to {highest}",
        )  # fmt: skip

    def choice(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        """One of `allowed`; `default` when unset (and, after the problem is kept, when wrong)."""
        value = self.get(name) or default
        if value not in allowed:
            self.problem(name, f"{name} must be one of {', '.join(allowed)}")
            return default if default in allowed else allowed[0]
        return value

    def bounded_float(self, name: str, default: float, above: float, highest: float) -> float:
        """Seconds greater than `above` and at most `highest`."""
        return self._number(
            name, default, float, "a number of seconds", lambda v: above < v <= highest,
            f"greater than {above:g} and at most {highest:g}",
        )  # fmt: skip

    def non_negative_float(self, name: str, default: float) -> float:
        return self._number(
            name, default, float, "a number of seconds", lambda v: 0 <= v < float("inf"),
            "zero or more",
        )  # fmt: skip

    def positive_float(self, name: str, default: float) -> float:
        return self._number(
            name, default, float, "a number of seconds", lambda v: v > 0, "greater than zero"
        )

    def positive_int(self, name: str, default: int) -> int:
        return self._number(
            name, default, int, "a whole number", lambda v: v > 0, "greater than zero"
        )

    def non_negative_int(self, name: str, default: int) -> int:
        return self._number(name, default, int, "a whole number", lambda v: v >= 0, "zero or more")

    def _number(
        self,
        name: str,
        default: _N,
        kind: Callable[[str], _N],
        what: str,
        allowed: Callable[[_N], bool],
        rule: str,
    ) -> _N:
        """A number setting: `what` it must be, and the `rule` its value must follow."""
        raw = self.get(name)
        try:
            value = kind(raw) if raw is not None else default
        except ValueError:
            self.problem(name, f"{name} must be {what}")
            return default
        if not allowed(value):
            self.problem(name, f"{name} must be {rule}")
            return default
        return value

    def file(self, name: str) -> str | None:
        """A path that must name an existing file; None when unset or (a problem) missing."""
        value = self.get(name)
        if value is not None and not Path(value).is_file():
            self.problem(name, f"{name} names a file that does not exist")
            return None
        return value
