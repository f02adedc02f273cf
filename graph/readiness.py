"""`/readyz`: whether this instance should be sent requests, and how the last calls to SSBTEK
went (`docs/operations.md`, Readiness)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from resolvers.codes import ErrorCode
from resolvers.errors import UpstreamBusy, UpstreamError
from resolvers.loader import Upstream

PROBE_EVERY_S = 30.0
PROBE_WAIT_S = 5.0


class Readiness:
    """The `/readyz` page of one application, and the last answer of SSBTEK's connectivity probe
    when `probe` (SSBTEK_READY_PROBE) asks for it."""

    def __init__(self, upstream: Upstream, demo: bool, probe: bool) -> None:
        self.upstream = upstream
        self.demo = demo
        self.probe = probe
        self._probed: tuple[float, str | None] | None = None  # when, and the failure's code
        self._probing = asyncio.Lock()

    async def page(self, request: Request) -> Response:
        """503 until start-up has loaded the WSDL and the keys (and while shutting down: the
        application's `state.ready`); then 200 with how the last SSBTEK calls went. With the
        probe it also asks SSBTEK's connectivity probe, at most every 30 s, and is 503 while
        that fails: for deployments that would rather take an instance out than let it answer
        UPSTREAM_UNAVAILABLE."""
        if not request.app.state.ready:
            return JSONResponse({"status": "not ready"}, status_code=503)
        health = self.upstream.health
        body: dict[str, Any] = {
            "status": "ready",
            "demo": self.demo,
            "wsdl": "loaded",
            "upstream": {
                "lastReached": _stamp(health.last_reached),
                "lastFailed": _stamp(health.last_failed),
                "lastFailureCode": health.last_failure_code,
                "failuresInARow": health.failures_in_a_row,
            },
        }
        if self.probe:
            probed = self._probed
            if probed is None or time.monotonic() - probed[0] > PROBE_EVERY_S:
                probed = await self._probe_once()
            body["probe"] = probed[1] or "ok"
            if probed[1] is not None:
                body["status"] = "not ready"
                return JSONResponse(body, status_code=503)
        return JSONResponse(body)

    async def _probe_once(self) -> tuple[float, str | None]:
        """Ask the probe for readiness: one probe at a time (others take its result), at most
        PROBE_WAIT_S; a busy queue means the way to SSBTEK works, so it counts as ready."""
        async with self._probing:
            probed = self._probed
            if probed is not None and time.monotonic() - probed[0] <= PROBE_EVERY_S:
                return probed
            try:
                async with asyncio.timeout(PROBE_WAIT_S):
                    await self.upstream.probe()
                probed = (time.monotonic(), None)
            except UpstreamBusy:
                probed = (time.monotonic(), None)
            except TimeoutError:
                probed = (time.monotonic(), ErrorCode.UPSTREAM_TIMEOUT)
            except UpstreamError as exc:
                probed = (time.monotonic(), exc.code)
            self._probed = probed
            return probed


def _stamp(moment: float | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")
