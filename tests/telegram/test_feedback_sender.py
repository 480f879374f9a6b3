"""The feedback sender's pacing (#17.5): consecutive sends start at least 1/rate apart, so no
second holds more than ``rate`` sends (checked on a fake clock, without waiting)."""

from __future__ import annotations

import itertools

from bot.telegram.feedback import MAX_RATE, Pacer


async def test_sends_are_spaced_so_no_second_holds_more_than_the_rate() -> None:
    """100 sends at once: each waits for its slot; any one-second window holds ≤ 25."""
    now = [1000.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(MAX_RATE, clock=lambda: now[0], sleep=sleep)
    starts = [await pacer.wait() for _ in range(100)]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 1 / MAX_RATE - 1e-9
    # (a send exactly one second after another belongs to the next second; 1e-9: rounding)
    busiest = max(sum(1 for s in starts if first <= s < first + 1.0 - 1e-9) for first in starts)
    assert busiest == 25
    assert MAX_RATE <= 25


async def test_a_pacer_that_was_idle_does_not_wait() -> None:
    """After a pause longer than a slot the next send starts at once."""
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(MAX_RATE, clock=lambda: now[0], sleep=sleep)
    await pacer.wait()
    now[0] += 5.0
    assert await pacer.wait() == 5.0
    assert slept == []
