"""How fast requests leave for one target: an even schedule, and the pace that adapts to 429s.

`EvenPacing` spreads calls at a fixed rate. `AdaptivePacing` decides that rate the way congestion
control does (AIMD): nothing is paced until the target answers 429; then every worker of the
target takes its turn in one schedule, at a rate taken from what got through, and each call that
gets through raises the rate a little, so a limit that was only transient does not slow the rest
of the sync. A configured `requests_per_second` is the ceiling of the pace and the pace from the
start.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

from airbyte_cdk.sources.streams.call_rate import BaseCallRatePolicy

# Paced under the configured rate: on a busy machine the network and the API's own scheduling
# bunch requests, and an API counting per second saw up to 6% more in one of its seconds than
# this side sent in any second.
PACING_MARGIN = 0.9
# The slowest pace a 429 leads to. An API allowing less than this also sends Retry-After, and
# the pause it asks for does the rest.
RATE_FLOOR = 1.0
# After a 429 the pace is at most this share of the pace that met it.
DECREASE = 0.5
# A second's worth of calls that get through raises the pace by this share of the last pace that
# met a 429, and by at least one call a second: a few seconds to climb back under the limit
# whatever its size.
INCREASE_SHARE = 0.1
MIN_INCREASE = 1.0
# What got through is counted over the last second, the window APIs count a rate limit in.
WINDOW_SECONDS = 1.0


class EvenPacing(BaseCallRatePolicy):
    """Calls spread evenly at one rate, and never more than the rate in any second.

    The CDK's moving-window policy lets a whole window's calls out at once, and an API that
    counts per second sees such bursts, shifted by network jitter, as more than the limit. Here
    each call takes the next free slot of one schedule and sleeps until it. On a busy machine a
    worker can wake late, and the calls queued behind it would then leave together: the count of
    the last second, taken when each call actually leaves, caps that. The rate can change while
    calls wait: those already given a slot keep it, and the count of the last second holds them
    to the new rate.
    """

    def __init__(
        self,
        calls_per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(matchers=[])
        self._clock = clock
        self._sleep = sleep
        self._next_slot = 0.0
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()
        self._rate = calls_per_second
        self._interval = 1.0 / calls_per_second
        self._per_second = max(1, int(calls_per_second))

    @property
    def rate(self) -> float:
        return self._rate

    def set_rate(self, calls_per_second: float) -> None:
        with self._lock:
            self._rate = calls_per_second
            self._interval = 1.0 / calls_per_second
            self._per_second = max(1, int(calls_per_second))

    def try_acquire(self, request: Any, weight: int) -> None:
        with self._lock:
            now = self._clock()
            slot = max(self._next_slot, now)
            self._next_slot = slot + self._interval * weight
        if slot > now:
            self._sleep(slot - now)
        while True:
            with self._lock:
                now = self._clock()
                while self._sent and self._sent[0] <= now - 1.0:
                    self._sent.popleft()
                if len(self._sent) < self._per_second:
                    self._sent.extend([now] * weight)
                    return
                wait = self._sent[0] + 1.0 - now
            self._sleep(wait)

    def update(self, available_calls: int | None, call_reset_ts: datetime | None) -> None:
        """The pace is set by its owner; the API's own counters are not read."""


class AdaptivePacing(BaseCallRatePolicy):
    """The pace of one target, lowered by each 429 and raised by each call that gets through.

    - No ceiling and no 429 yet: calls are not paced at all.
    - A 429: the pace drops to what got through in the last second, and to at most half the pace
      that met it, never under `RATE_FLOOR`. The 429s answering calls that left before the drop
      are one event, not one each: for a second (or the Retry-After, if longer) further 429s
      leave the pace alone.
    - Each call that gets through while paced adds `increase / rate`, so a second of calls at
      the pace raises it by `increase` (a share of the last pace that met a 429).
    - `ceiling` (a configured rate) bounds the pace and is the pace before any 429.

    The schedule itself is one `EvenPacing`, shared by every worker of the target. Its owner
    tells it about answers with `got_through` and `rate_limited`; `answered` counts the calls
    that got through, so a caller can tell whether the target is moving at all.
    """

    def __init__(
        self,
        target: str,
        logger: logging.Logger,
        ceiling: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(matchers=[])
        self._target = target
        self._logger = logger
        self._ceiling = ceiling
        self._clock = clock
        self._schedule = EvenPacing(ceiling or RATE_FLOOR, clock, sleep)
        # None while unpaced. Read without the lock by `try_acquire`: a worker that reads it a
        # moment stale sends one call at the previous pace.
        self._rate: float | None = ceiling
        self._increase = MIN_INCREASE
        self._through: deque[float] = deque()
        self._settled_at = 0.0
        self._limited = False
        self._lock = threading.Lock()
        self.answered = 0

    @property
    def rate(self) -> float | None:
        """Calls a second the target is paced at; None while it is not paced."""
        return self._rate

    def try_acquire(self, request: Any, weight: int) -> None:
        if self._rate is not None:
            self._schedule.try_acquire(request, weight)

    def update(self, available_calls: int | None, call_reset_ts: datetime | None) -> None:
        """The pace follows `got_through` and `rate_limited`; the API's counters are not read."""

    def got_through(self) -> None:
        with self._lock:
            now = self._clock()
            self.answered += 1
            self._through.append(now)
            self._forget_before(now - WINDOW_SECONDS)
            if self._rate is None:
                return
            rate = self._rate + self._increase / self._rate
            if self._ceiling is not None:
                rate = min(rate, self._ceiling)
            if rate != self._rate:
                self._pace_at(rate)

    def rate_limited(self, retry_after: float = 0.0) -> None:
        with self._lock:
            now = self._clock()
            if now < self._settled_at:
                return
            self._settled_at = now + max(WINDOW_SECONDS, retry_after)
            self._forget_before(now - WINDOW_SECONDS)
            through = float(len(self._through))
            met_at = self._rate if self._rate is not None else through
            rate = through if self._rate is None else min(through, self._rate * DECREASE)
            rate = max(RATE_FLOOR, rate)
            if self._ceiling is not None:
                rate = min(rate, self._ceiling)
            self._increase = max(MIN_INCREASE, met_at * INCREASE_SHARE)
            self._pace_at(rate)
            if not self._limited:
                self._limited = True
                self._logger.info(
                    f"{self._target}: the API answered 429 (rate limited); pacing its requests at "
                    f"{rate:.1f}/s from now on, rising again while calls get through"
                )
            else:
                self._logger.debug(f"{self._target}: 429 again; pacing at {rate:.1f}/s")

    def _pace_at(self, rate: float) -> None:
        self._schedule.set_rate(rate)
        self._rate = rate

    def _forget_before(self, moment: float) -> None:
        while self._through and self._through[0] <= moment:
            self._through.popleft()
