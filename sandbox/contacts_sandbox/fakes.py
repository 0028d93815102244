"""Time for the connectors' tests: a clock that moves only when something sleeps on it.

Both connectors take a clock and a sleeper wherever their own code waits (the pace, the token's
expiry, the sync's start): tests hand them `FakeTime.clock` and `FakeTime.sleep`, and nothing
waits for real. The CDK's retries are the one wait neither connector owns: its retry handlers,
and the backoff library under them, call the standard library's `time.sleep` and take no
sleeper. `library_sleeps_on` makes that call sleep on the fake clock too, for one test, without
reaching into any CDK module.

    fake = FakeTime()
    waits = library_sleeps_on(fake, monkeypatch)   # the CDK's retry waits, recorded
    client = make_client(clock=fake.clock, sleep=fake.sleep)
"""

from __future__ import annotations

import time
from typing import Any, Protocol


class _MonkeyPatch(Protocol):
    """What `library_sleeps_on` needs of pytest's `monkeypatch` (this package runs without pytest)."""

    def setattr(self, target: Any, name: str, value: Any) -> None: ...


class FakeTime:
    """A clock and a sleeper on one timeline; `slept` lists every sleep, in order."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def library_sleeps_on(fake: FakeTime, monkeypatch: _MonkeyPatch) -> list[float]:
    """Makes `time.sleep` sleep on `fake` instead of waiting, until the test ends (so `fake.slept`
    lists them too); answers the waits asked of it alone, in order. The backoff library sleeps
    zero seconds between the CDK's own waits: those are no wait, and left out."""
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        if seconds > 0:
            waits.append(round(seconds, 6))
            fake.sleep(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    return waits
