"""The pace slows down for a rate limit, not for 429s that slowing down does not remove.

Each test runs workers against a simulated API on a fake clock: every worker sends, waits for
the answer, and after a 429 waits that answer's Retry-After before sending the same request again.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import pytest

from source_custom_contacts.pace import AdaptivePace

LATENCY = 0.05
RETRY_AFTER = 1.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FixedWindowLimit:
    """Answers 429 beyond `limit` requests in a window of a second, as many APIs count."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.window_start = 0.0
        self.count = 0

    def __call__(self, now: float, number: int) -> int:
        if now - self.window_start >= 1.0:
            self.window_start, self.count = now, 0
        self.count += 1
        return 429 if self.count > self.limit else 200


def every_nth_refused(n: int) -> Callable[[float, int], int]:
    return lambda now, number: 429 if number % n == 0 else 200


def simulate(
    api: Callable[[float, int], int], seconds: float, workers: int = 16
) -> tuple[AdaptivePace, int, list[float]]:
    """Runs the workers for `seconds`; returns the pace, the answers that got through, and the
    waits between each 429 and the retry of the same request."""
    clock = FakeClock()
    pace = AdaptivePace(clock=clock)
    ready = [(0.0, worker) for worker in range(workers)]
    retry_waits: list[float] = []
    refused_at: dict[int, float] = {}
    through = sent = 0
    while ready:
        clock.now, worker = heapq.heappop(ready)
        if clock.now >= seconds:
            break
        clock.now += pace.delay()
        if worker in refused_at:
            retry_waits.append(clock.now - refused_at.pop(worker))
        sent += 1
        status = api(clock.now, sent)
        clock.now += LATENCY
        pace.answered(status)
        if status == 429:
            refused_at[worker] = clock.now
            heapq.heappush(ready, (clock.now + RETRY_AFTER, worker))
        else:
            through += 1
            heapq.heappush(ready, (clock.now, worker))
    return pace, through, retry_waits


@pytest.mark.parametrize("limit", [5, 50, 200])
def test_given_a_steady_rate_limit_when_workers_send_then_at_least_80_percent_of_it_gets_through(limit):
    pace, through, _ = simulate(FixedWindowLimit(limit), seconds=60)

    assert through >= 0.8 * limit * 60
    assert pace.rate is not None


def test_given_a_steady_rate_limit_when_paced_then_most_requests_are_no_longer_refused():
    _, through, retry_waits = simulate(FixedWindowLimit(limit=50), seconds=60)

    assert len(retry_waits) < 0.1 * through


def test_given_sporadic_429s_whatever_the_rate_when_workers_send_then_they_do_not_slow_down():
    # Unpaced, each worker gets 12 answers through per 13 requests and one Retry-After.
    unpaced = 16 * 30 / (13 * LATENCY + RETRY_AFTER) * 12

    pace, through, _ = simulate(every_nth_refused(13), seconds=30)

    assert pace.rate is None
    assert through >= 0.95 * unpaced
    assert 0.05 < pace.background_share < 0.1


def test_given_429s_when_retried_then_each_waits_its_own_retry_after_and_little_more():
    _, _, retry_waits = simulate(every_nth_refused(13), seconds=10)

    assert retry_waits
    assert all(abs(wait - RETRY_AFTER) < 0.05 for wait in retry_waits)


def test_given_a_pace_when_a_request_reserves_its_slot_then_requests_leave_one_interval_apart():
    clock = FakeClock()
    pace = AdaptivePace(clock=clock, window_answers=2)
    pace.answered(429)
    clock.now = 1.0
    pace.answered(200)  # one got through in a second in which half were refused: pace at 1/s

    assert [pace.delay() for _ in range(3)] == [0.0, 1.0, 2.0]
