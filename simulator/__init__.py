"""A contract-true SSBTEK for demo mode and tests: it validates questions against the project's
XSDs, answers only what was asked with deterministic synthetic people, and models latency and
faults."""
