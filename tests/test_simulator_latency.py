"""The simulator's latency model: the slowest agency asked sets the wait; `--latency-fixed`
gives every question of the same agencies the same wait (benches compare clients on it)."""

from __future__ import annotations

from simulator.latency import LatencyModel


def test_a_fixed_model_waits_the_same_for_the_same_agencies() -> None:
    fixed = LatencyModel(enabled=True, fixed=True)
    assert fixed.delay(["TNS", "FK"]) == fixed.delay(["FK", "TNS"]) == fixed.delay(["FK", "TNS"])
    lefi_base = fixed.agencies["FK"][0]
    assert fixed.delay(["FK", "TNS"]) >= lefi_base + fixed.overhead_s


def test_a_drawn_model_varies_and_an_off_model_does_not_wait() -> None:
    drawn = LatencyModel(enabled=True)
    assert len({drawn.delay(["FK"]) for _ in range(20)}) > 1
    assert LatencyModel().delay(["FK"]) == 0.0
