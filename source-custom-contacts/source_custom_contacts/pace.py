"""How fast to send when nobody said: a pace learnt from the 429s, kept only while it helps.

A 429 means one of two things. Either this connector sends faster than the API allows (a rate
limit: sending slower removes the 429s), or the API refuses a share of requests whatever the
rate (a shared quota, a busy server: sending slower changes nothing but the speed). The pace
tells them apart by trying: when 429s show up, it paces at the rate that got through, and keeps
that pace only if the share of 429s then falls; otherwise it drops the pace and takes that share
as the API's background noise, which no longer counts as a reason to slow down.

Once a limit is found, the pace climbs a little in each window without 429s and, when 429s come
back, settles at the rate that got through in that window: it never goes below what the API
lets through, so it keeps close to a steady limit. Each 429 is retried by the CDK after that
answer's Retry-After; the pace never stops other requests for it.

Time is measured in windows of at least `window_seconds` and `window_answers` answers, so that a
share means something; the clock is injected.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]

# A share of 429s at most this many times the background share (or under FLOOR_SHARE) is noise.
NOISE_FACTOR = 2.0
FLOOR_SHARE = 0.02
# A trial pace keeps its limit when it at least halves the share of 429s.
IMPROVEMENT = 0.5
# Climb per window without 429s, once paced; ease back by at most this much when they return
# (to the rate that got through, if that is higher: 429s of the retries inflate one window).
CLIMB = 1.1
EASE = 0.9
# Climb per window near the pace that last met 429s: each 429 costs its request a Retry-After.
CREEP = 1.02
# How many windows back the trial pace looks for the rate that got through.
RECENT_WINDOWS = 5
# A pace this far above what is actually sent limits nothing: it is dropped.
SLACK = 2.0


@dataclass
class _Window:
    began: float
    answered: int = 0
    refused: int = 0

    def share(self) -> float:
        return self.refused / self.answered if self.answered else 0.0


class AdaptivePace:
    """Thread-safe. `delay()` reserves the next slot for one request; `answered(status)` is told
    of each answer, 429s included."""

    def __init__(self, clock: Clock = time.monotonic, window_seconds: float = 1.0, window_answers: int = 10):
        self._clock = clock
        self._window_seconds = window_seconds
        self._window_answers = window_answers
        self._lock = threading.Lock()
        self._window = _Window(began=clock())
        self._rate: float | None = None  # requests a second; None: no pace
        self._on_trial = False
        self._share_before_trial = 0.0
        self._background = 0.0
        self._refused_at = (
            0.0  # the last pace that met 429s  # the share of 429s that slowing down did not remove
        )
        self._next_slot = 0.0
        self._recent: deque[float] = deque(maxlen=RECENT_WINDOWS)  # what got through, a second

    @property
    def rate(self) -> float | None:
        return self._rate

    @property
    def background_share(self) -> float:
        return self._background

    def delay(self) -> float:
        """Seconds this request waits for its slot; 0 when unpaced."""
        with self._lock:
            if self._rate is None:
                return 0.0
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / self._rate
            return slot - now

    def answered(self, status: int) -> None:
        with self._lock:
            window = self._window
            window.answered += 1
            window.refused += status == 429
            now = self._clock()
            elapsed = now - window.began
            if elapsed >= self._window_seconds and window.answered >= self._window_answers:
                self._judge(window, elapsed)
                self._window = _Window(began=now)

    def _judge(self, window: _Window, elapsed: float) -> None:
        share = window.share()
        through = (window.answered - window.refused) / elapsed
        noisy = share > max(FLOOR_SHARE, NOISE_FACTOR * self._background)
        self._recent.append(through)
        if self._rate is None:
            if noisy:
                self._start_trial(share, through)
        elif self._on_trial:
            self._on_trial = False
            if share > IMPROVEMENT * self._share_before_trial:
                # Slowing down did not help: these 429s are the API's, not our rate's.
                self._rate, self._background = None, share
        elif noisy:
            self._refused_at = self._rate
            self._rate = max(through, EASE * self._rate)
        elif self._rate > SLACK * window.answered / elapsed:
            self._rate = None  # the limit went away, or the demand did
        else:
            near_the_limit = self._rate >= EASE * self._refused_at
            self._rate *= CREEP if near_the_limit else CLIMB

    def _start_trial(self, share: float, through: float) -> None:
        # Requests waiting out a Retry-After leave a window short of answers: what got through
        # in the last few windows says better what the API takes.
        self._rate = max(through, EASE * max(self._recent), 1.0)
        self._on_trial, self._share_before_trial = True, share
