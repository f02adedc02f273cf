"""`/metrics` for Prometheus: operations, SSBTEK calls, agency errors, decode failures, the
upstream queue, the cache and the refusals of the limits.

No label ever holds a personnummer, a name, an `arende`, a caseworker or free text: every label
value comes from a small set the facade defines (codes, agency elements, backends, outcomes),
except the operation name, which is the client's; it is kept only when it is a plain GraphQL
name without a personnummer in it, and only for the first `MAX_OPERATION_NAMES` names seen (the
rest count as `other`), so the label sets stay bounded whatever clients send."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from resolvers.cache import PartCache
from resolvers.limiter import FairLimiter
from resolvers.loader import UpstreamObserver
from resolvers.privacy import plain_name

MAX_OPERATION_NAMES = 100
_CODE = re.compile(r"[A-Z][A-Z_]{2,40}")
# Seconds: from a cache hit (a few ms) to a slow SSBTEK (tens of seconds).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics(UpstreamObserver):
    """The facade's metrics, in a registry of its own (one per application)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.operations = Counter(
            "ssbtek_graphql_operations", "GraphQL operations by name and outcome (ok or the "
            "first error code).", ["operation", "outcome"], registry=r,
        )  # fmt: skip
        self.operation_seconds = Histogram(
            "ssbtek_graphql_operation_seconds", "Time to answer a GraphQL operation.",
            ["operation"], buckets=BUCKETS, registry=r,
        )  # fmt: skip
        self.first_payload_seconds = Histogram(
            "ssbtek_graphql_first_payload_seconds", "Time to the first payload of a GraphQL "
            "operation delivered in parts (@defer, @stream).", ["operation"], buckets=BUCKETS,
            registry=r,
        )  # fmt: skip
        self.calls = Counter(
            "ssbtek_graphql_ssbtek_calls", "SSBTEK calls by outcome (ok or the error code) and "
            "the number of agencies asked.", ["outcome", "agencies"], registry=r,
        )  # fmt: skip
        self.call_seconds = Histogram(
            "ssbtek_graphql_ssbtek_call_seconds", "Time of an SSBTEK call, its wait for a slot "
            "included.", buckets=BUCKETS, registry=r,
        )  # fmt: skip
        self.in_flight_gauge = Gauge(
            "ssbtek_graphql_ssbtek_in_flight", "SSBTEK calls under way (waiting or asking).",
            registry=r,
        )  # fmt: skip
        self.agency_errors = Counter(
            "ssbtek_graphql_agency_errors", "Agency parts that came as an error, by agency and "
            "where the error came from (kalla).", ["agency", "kalla"], registry=r,
        )  # fmt: skip
        self.decode_failures = Counter(
            "ssbtek_graphql_decode_failures", "Agency parts the facade could not read, by agency.",
            ["agency"], registry=r,
        )  # fmt: skip
        self.refused = Counter(
            "ssbtek_graphql_refused", "Requests refused, by code (limits, input, access).",
            ["code"], registry=r,
        )  # fmt: skip
        self._names: set[str] = set()
        self._lock = threading.Lock()

    def operation_label(self, name: object) -> str:
        """The operation name as a label value: bounded, and never personal."""
        if not isinstance(name, str) or not name:
            return "anonymous"
        if plain_name(name) is None:
            return "other"
        with self._lock:
            if name in self._names:
                return name
            if len(self._names) >= MAX_OPERATION_NAMES:
                return "other"
            self._names.add(name)
            return name

    def in_flight(self, change: int) -> None:
        self.in_flight_gauge.inc(change)

    def asked(self, outcome: str, agencies: int, started: float) -> None:
        self.calls.labels(outcome=outcome, agencies=str(agencies)).inc()
        self.call_seconds.observe(time.perf_counter() - started)

    def agency_error(self, agency: str, kalla: str) -> None:
        self.agency_errors.labels(agency=agency, kalla=kalla).inc()
        if kalla == "FACADE":
            self.decode_failures.labels(agency=agency).inc()

    def operation(self, name: object, outcome: str, started: float) -> None:
        """An operation answered: its name (as `operation_label` keeps it) and outcome."""
        label = self.operation_label(name)
        self.operations.labels(operation=label, outcome=outcome).inc()
        self.operation_seconds.labels(operation=label).observe(time.perf_counter() - started)

    def first_payload(self, name: object, started: float) -> None:
        """The first payload of an operation delivered in parts is sent."""
        self.first_payload_seconds.labels(operation=self.operation_label(name)).observe(
            time.perf_counter() - started
        )

    def refusal(self, reason: str) -> None:
        """A refusal as the audit names it (codes, comma-separated)."""
        for code in reason.split(","):
            self.refused.labels(code=code if _CODE.fullmatch(code) else "other").inc()

    def watch(self, limiter: FairLimiter, cache: PartCache) -> None:
        """Read the upstream queue and the cache's counters at each scrape."""
        self.registry.register(_Live(limiter, cache))


class _Live(Collector):
    """Figures kept by the limiter and the cache, read when Prometheus asks."""

    def __init__(self, limiter: FairLimiter, cache: PartCache) -> None:
        self.limiter = limiter
        self.cache = cache

    def collect(self) -> Iterator[Metric]:
        queue = GaugeMetricFamily(
            "ssbtek_graphql_upstream_queue", "Calls waiting for an SSBTEK slot."
        )
        queue.add_metric([], self.limiter.queued)
        yield queue
        shed = CounterMetricFamily(
            "ssbtek_graphql_upstream_shed", "Calls refused at once (UPSTREAM_BUSY)."
        )
        shed.add_metric([], self.limiter.shed)
        yield shed
        backend = self.cache.backend
        stats = self.cache.stats
        for name, value, text in (
            ("hits", stats.hits, "Cache lookups that found the part."),
            ("misses", stats.misses, "Cache lookups that did not."),
            ("evictions", stats.evictions, "Entries evicted by the memory bound."),
            ("backend_errors", stats.backend_errors, "Cache backend failures (Redis)."),
        ):
            family = CounterMetricFamily(f"ssbtek_graphql_cache_{name}", text, labels=["backend"])
            family.add_metric([backend], value)
            yield family
