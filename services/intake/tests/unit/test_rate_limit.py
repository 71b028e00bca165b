"""The moving window that limits public verifications, on a clock the test moves."""

from __future__ import annotations

import pytest

from casia_intake.service.rate_limit import MovingWindowLimit


class Seconds:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Seconds:
    return Seconds()


def test_the_hit_over_the_limit_is_refused_with_the_wait_until_the_oldest_leaves(clock: Seconds) -> None:
    limit = MovingWindowLimit(limit=3, window_seconds=60, now=clock)
    admitted = []
    for at in (0, 20, 40):
        clock.now = 1000 + at
        admitted.append(limit.admit("a"))

    clock.now = 1050
    refused = limit.admit("a")

    assert admitted == [None, None, None]
    assert refused == pytest.approx(10)


def test_the_window_moves_hit_by_hit_rather_than_resetting(clock: Seconds) -> None:
    limit = MovingWindowLimit(limit=3, window_seconds=60, now=clock)
    for at in (0, 20, 40):
        clock.now = 1000 + at
        limit.admit("a")

    clock.now = 1060  # the first hit has left the window; the two others have not
    first = limit.admit("a")
    second = limit.admit("a")

    assert first is None
    assert second == pytest.approx(20)


def test_a_refused_hit_is_not_counted(clock: Seconds) -> None:
    limit = MovingWindowLimit(limit=1, window_seconds=60, now=clock)
    limit.admit("a")
    for _ in range(5):
        clock.now += 10
        assert limit.admit("a") is not None

    clock.now = 1060

    assert limit.admit("a") is None


def test_each_key_has_its_own_window(clock: Seconds) -> None:
    limit = MovingWindowLimit(limit=1, window_seconds=60, now=clock)

    assert limit.admit("a") is None
    assert limit.admit("b") is None
    assert limit.admit("a") is not None


def test_keys_idle_for_a_window_are_forgotten(clock: Seconds) -> None:
    limit = MovingWindowLimit(limit=2, window_seconds=60, now=clock)
    for key in range(100):
        limit.admit(f"10.0.0.{key}")

    clock.now += 61
    limit.admit("10.0.1.1")

    assert limit.keys_held == 1


@pytest.mark.parametrize(("hits", "window"), [(0, 60.0), (1, 0.0)])
def test_a_limit_needs_a_hit_and_a_window(hits: int, window: float) -> None:
    with pytest.raises(ValueError, match="positive window"):
        MovingWindowLimit(limit=hits, window_seconds=window)
