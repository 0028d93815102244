"""A deterministic run of workers against a server, on a fake clock: how a pacing policy behaves
over seconds of traffic, without threads or real waits.

Each worker sends a request as soon as the policy lets it, waits `latency` for the answer, and
after a 429 waits Retry-After plus the CDK's extra second before it sends again (the request that
got the 429 waits; the others go on). The server decides each answer when the request arrives.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from destination_crm_contacts.transport.pacing import RateLimitPacing
from unit_tests.fakes import FakeTime

# The CDK's rate-limit backoff sleeps the Retry-After and one second more.
CDK_EXTRA_SECOND = 1.0


class SteadyLimit:
    """At most `per_second` requests in each whole second; 429 beyond, as the sandbox counts."""

    def __init__(self, per_second: int) -> None:
        self._per_second = per_second
        self._counts: dict[int, int] = {}

    def __call__(self, at: float) -> bool:
        second = int(at)
        self._counts[second] = self._counts.get(second, 0) + 1
        return self._counts[second] > self._per_second


class EveryNth:
    """Every n-th request is answered 429, whatever the rate: sporadic 429s by schedule."""

    def __init__(self, n: int) -> None:
        self._n = n
        self._count = 0

    def __call__(self, at: float) -> bool:
        self._count += 1
        return self._count % self._n == 0


class _Request:
    """One request as the policy sees it: an object to tell it by."""


@dataclass
class Run:
    # Arrival time at the server, and whether it was answered 429.
    requests: list[tuple[float, bool]] = field(default_factory=list)
    # Per worker, the time each of its 429s was answered and when it sent again.
    retries: list[tuple[float, float]] = field(default_factory=list)

    def through_per_second(self, start: float, end: float) -> float:
        through = sum(1 for at, limited in self.requests if start <= at < end and not limited)
        return through / (end - start)


def simulate(
    policy: RateLimitPacing,
    fake: FakeTime,
    server: Callable[[float], bool],
    *,
    workers: int,
    latency: float,
    seconds: float,
    retry_after: float = 1.0,
) -> Run:
    run = Run()
    start = fake.now
    events: list[tuple[float, int, str, int, bool]] = []
    order = 0
    for worker in range(workers):
        heapq.heappush(events, (start, order := order + 1, "ready", worker, False))
    limited_at: dict[int, float] = {}
    requests: dict[int, _Request] = {}
    while events:
        at, _, kind, worker, limited = heapq.heappop(events)
        if at > start + seconds:
            break
        fake.now = at
        if kind == "ready":
            if worker in limited_at:
                run.retries.append((limited_at.pop(worker), at))
            request = requests[worker] = _Request()
            policy.try_acquire(request, 1)
            sent = fake.now
            answer = server(sent)
            run.requests.append((sent, answer))
            heapq.heappush(events, (sent + latency, order := order + 1, "answer", worker, answer))
        else:
            policy.answered(requests[worker], rate_limited=limited)
            wait = retry_after + CDK_EXTRA_SECOND if limited else 0.0
            if limited:
                limited_at[worker] = at
            heapq.heappush(events, (at + wait, order := order + 1, "ready", worker, False))
    return run
