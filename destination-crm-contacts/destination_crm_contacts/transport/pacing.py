"""How fast requests leave for one API: an even schedule, and the pace that tells a rate limit
from 429s that come whatever the pace.

`EvenPacing` spreads calls at a fixed rate. `RateLimitPacing` decides that rate from the answers,
judged a window at a time (a second, or longer until enough answers came):

- Unpaced until the share of 429s in a window rises above what is known to come whatever the pace
  (none, at first). Then it slows down to what got through, as a trial.
- The window after a slowdown judges it: if the share of 429s fell to half or less, slowing down
  helped, and the pace stays. If not, the 429s were sporadic (a shared quota, a busy server): the
  pace goes back to what it was, and that share of 429s is tolerated from now on.
- While paced, each clean window raises the pace by a tenth; a pace the workers no longer fill
  is dropped (or goes back to the configured rate).
- It never goes below what got through in the window that met the 429s, nor under `RATE_FLOOR`.

Each 429 is waited out by the request that got it (its Retry-After, in the backoff strategy); the
other workers are never stopped for it. A configured rate is the ceiling of the pace and the pace
from the start.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from airbyte_cdk.sources.streams.call_rate import BaseCallRatePolicy

# Paced under the configured rate: on a busy machine the network and the API's own scheduling
# bunch requests, and an API counting per second saw up to 6% more in one of its seconds than
# this side sent in any second.
PACING_MARGIN = 0.9
# The slowest pace. An API allowing less than this also sends Retry-After, and the wait it asks
# for does the rest.
RATE_FLOOR = 1.0
# A window is judged once it lasted this long and held this many answers, or at the latest
# after the longest window.
WINDOW_SECONDS = 1.0
MIN_ANSWERS = 20
MAX_WINDOW_SECONDS = 5.0
# After a change of pace, calls sent within this time do not judge it: an API counting per
# second still counts the calls sent before the change in the same second.
SETTLE_SECONDS = 1.0
# Unpaced, so many 429s, at least half the answers, are judged at once: a limit met by a burst.
BURST_429S = 8
# 429s above the tolerated share by more than this (and by half of it) call for a trial.
SHARE_MARGIN = 0.05
# A clean window raises the pace by this factor.
RISE = 1.1
# A pace the workers fill to less than this share is no longer a limit on them.
FILLED = 0.5


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
        self.set_rate(calls_per_second)

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
            # At least a millisecond: a wait rounded down to nothing would spin.
            self._sleep(max(wait, 0.001))

    def update(self, available_calls: int | None, call_reset_ts: datetime | None) -> None:
        """The pace is set by its owner; the API's own counters are not read."""


@dataclass
class _Window:
    start: float
    sent: int = 0
    answers: int = 0
    limited: int = 0
    # The most answers that got through within any one second of the window.
    peak_through: int = 0


@dataclass(frozen=True)
class _Trial:
    """A slowdown under test: the pace before it and the share of 429s that called for it."""

    rate_before: float | None
    share_before: float


class RateLimitPacing(BaseCallRatePolicy):
    """The pace of one API, named `target` in its log lines (see the module's docstring). Its owner
    tells it of every answer with `answered`; `rate` is None while calls are not paced."""

    def __init__(
        self,
        target: str,
        logger: logging.Logger,
        ceiling: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(matchers=[])
        self._schedule = EvenPacing(ceiling or RATE_FLOOR, clock, sleep)
        self._target = target
        self._logger = logger
        self._ceiling = ceiling
        self._clock = clock
        # Read without the lock by `try_acquire`: a worker reading it a moment stale sends one
        # call at the previous pace.
        self._rate: float | None = ceiling
        self._tolerated = 0.0
        self._trial: _Trial | None = None
        self._window = _Window(clock())
        self._through: deque[float] = deque()
        # Which pace each request in flight left at: answers to calls sent before the pace last
        # changed say nothing about the new pace.
        self._sent_in: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        self._pace_changes = 0
        self._told: set[str] = set()
        self._lock = threading.Lock()

    @property
    def rate(self) -> float | None:
        """Calls a second the API is paced at; None while it is not paced."""
        return self._rate

    @property
    def tolerated_share(self) -> float:
        """The share of 429s learnt to come whatever the pace."""
        return self._tolerated

    def try_acquire(self, request: Any, weight: int) -> None:
        if self._rate is not None:
            self._schedule.try_acquire(request, weight)
        with self._lock:
            settled = self._clock() >= self._window.start
            self._sent_in[request] = self._pace_changes if settled else -1
            self._window.sent += weight if settled else 0

    def update(self, available_calls: int | None, call_reset_ts: datetime | None) -> None:
        """The pace follows the answers; the API's own counters are not read."""

    def answered(self, request: Any, rate_limited: bool) -> None:
        """An answer to `request`; only answers to requests sent at the current pace judge it."""
        with self._lock:
            now = self._clock()
            if not rate_limited:
                self._through.append(now)
                while self._through[0] <= now - WINDOW_SECONDS:
                    self._through.popleft()
                self._window.peak_through = max(self._window.peak_through, len(self._through))
            if self._sent_in.pop(request, None) != self._pace_changes:
                return
            window = self._window
            window.answers += 1
            window.limited += rate_limited
            lasted = now - window.start
            full = (
                lasted >= WINDOW_SECONDS and window.answers >= MIN_ANSWERS
            ) or lasted >= MAX_WINDOW_SECONDS
            burst = (
                self._rate is None and window.limited >= BURST_429S and 2 * window.limited >= window.answers
            )
            if full or burst:
                self._window = _Window(now)
                self._judge(window, now)

    def _judge(self, window: _Window, now: float) -> None:
        share = window.limited / window.answers
        if self._trial is not None:
            trial, self._trial = self._trial, None
            if share <= trial.share_before / 2:
                self._tell(
                    "limit",
                    "the API answered 429 (rate limited), and less often once slowed down: pacing its "
                    f"requests at {self._rate or 0:.1f}/s, rising again while calls get through",
                )
            else:
                self._tolerated = max(self._tolerated, min(share, trial.share_before))
                self._pace_at(trial.rate_before)
                self._tell(
                    "sporadic",
                    f"the API answers 429 to about {self._tolerated:.0%} of requests whatever the pace: "
                    "each is retried after its Retry-After while the others go on at full speed",
                )
            return
        excess = share - self._tolerated
        if excess > SHARE_MARGIN and excess > self._tolerated / 2:
            # What got through, and when paced, the pace less the excess of 429s, but never under
            # what got through; a slowdown worth a trial is a twentieth at least.
            slower = float(max(window.peak_through, RATE_FLOOR))
            if self._rate is not None:
                slower = max(self._rate * (1 - excess), min(slower, self._rate * (1 - SHARE_MARGIN)))
            if self._ceiling is not None:
                slower = min(slower, self._ceiling)
            if self._rate is None or slower < self._rate:
                self._trial = _Trial(self._rate, share)
                self._pace_at(slower)
            return
        if self._rate is None:
            return
        sent_rate = window.sent / max(now - window.start, WINDOW_SECONDS)
        if sent_rate < FILLED * self._rate:
            self._pace_at(self._ceiling)
        else:
            self._pace_at(min(self._rate * RISE, self._ceiling or float("inf")))

    def _pace_at(self, rate: float | None) -> None:
        self._pace_changes += 1
        self._window = _Window(self._clock() + SETTLE_SECONDS)
        if rate is not None:
            self._schedule.set_rate(rate)
        self._rate = rate

    def _tell(self, kind: str, message: str) -> None:
        """At INFO the first time of each kind, at DEBUG after: the log says it once."""
        self._logger.log(logging.DEBUG if kind in self._told else logging.INFO, f"{self._target}: {message}")
        self._told.add(kind)
