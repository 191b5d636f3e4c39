"""The settle wait, driven with an injected clock: no real time passes."""

from __future__ import annotations

from environments import SettlePolicy, wait_until_stable


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def screen(frames: list[tuple[float, str]], time: FakeTime):  # type: ignore[no-untyped-def]
    """A screen whose digest is frames[i][1] from time frames[i][0] on."""

    async def probe() -> str:
        current = frames[0][1]
        for start, digest in frames:
            if time.now >= start:
                current = digest
        return current

    return probe


async def test_unchanged_screen_settles_after_the_quiet_window() -> None:
    t = FakeTime()
    result = await wait_until_stable(screen([(0, "a")], t), before="a", policy=SettlePolicy(quiet=0.05),
                                     clock=t.clock, sleep=t.sleep)
    assert result.stable and not result.changed
    assert 50 <= result.waited_ms < 70


async def test_waits_until_an_animation_stops() -> None:
    t = FakeTime()
    frames = [(0, "a"), (0.02, "b"), (0.05, "c"), (0.09, "d")]  # gaps shorter than the quiet window
    result = await wait_until_stable(screen(frames, t), before="a", policy=SettlePolicy(quiet=0.06),
                                     clock=t.clock, sleep=t.sleep)
    assert result.stable and result.changed and result.digest == "d"
    assert result.waited_ms >= 150


async def test_a_screen_that_never_stops_is_bounded_by_the_timeout() -> None:
    t = FakeTime()

    async def flicker() -> str:
        return str(t.now)

    result = await wait_until_stable(flicker, before="x", policy=SettlePolicy(timeout=1.5),
                                     clock=t.clock, sleep=t.sleep)
    assert not result.stable and result.changed
    assert 1500 <= result.waited_ms < 1600


async def test_a_late_first_change_is_caught_within_the_grace() -> None:
    t = FakeTime()
    frames = [(0, "a"), (0.12, "b")]  # drawn after the 60 ms quiet window, as a busy app may
    without = await wait_until_stable(screen(frames, t), before="a", policy=SettlePolicy(quiet=0.06),
                                      clock=t.clock, sleep=t.sleep)
    assert not without.changed  # what a plain quiet window reports
    t = FakeTime()
    result = await wait_until_stable(screen(frames, t), before="a", policy=SettlePolicy(quiet=0.06, grace=0.15),
                                     clock=t.clock, sleep=t.sleep)
    assert result.changed and result.stable and result.digest == "b"


async def test_the_grace_does_not_hold_a_screen_that_already_changed() -> None:
    t = FakeTime()
    result = await wait_until_stable(screen([(0, "a"), (0.01, "b")], t), before="a",
                                     policy=SettlePolicy(quiet=0.06, grace=1.0), clock=t.clock, sleep=t.sleep)
    assert result.changed and result.waited_ms < 100
