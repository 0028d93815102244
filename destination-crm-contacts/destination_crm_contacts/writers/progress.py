"""Progress a person can follow in a job log: per target, what the sync has done so far.

One line per target when a batch is written, and only once `PROGRESS_SECONDS` have passed since
that target's last line, so a sync of small fast batches does not flood the log and a slow one
still says something every batch. The final totals are the writer's own summary line.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from destination_crm_contacts.writers.stats import Totals

PROGRESS_SECONDS = 10.0


class Traffic(Protocol):
    """What one target's API has answered so far, as the HTTP layer counts it."""

    @property
    def answers(self) -> int: ...

    @property
    def rate_limited(self) -> int: ...

    @property
    def paced_at(self) -> float | None: ...


@dataclass
class _Since:
    at: float
    answers: int


class Progress:
    def __init__(
        self,
        totals: Totals,
        traffic: Mapping[str, Callable[[], Traffic]],
        logger: logging.Logger,
        clock: Callable[[], float] = time.monotonic,
        dry_run: bool = False,
    ) -> None:
        self._totals = totals
        self._traffic = traffic
        self._logger = logger
        self._clock = clock
        self._verb = "would be" if dry_run else ""
        now = clock()
        self._since = {target: _Since(now, 0) for target in traffic}
        self._batches = 0

    def batch_written(self) -> None:
        """Called once per batch written: logs each target whose last line is old enough."""
        self._batches += 1
        now = self._clock()
        for target, read in self._traffic.items():
            since = self._since[target]
            if now - since.at < PROGRESS_SECONDS:
                continue
            traffic = read()
            rate = (traffic.answers - since.answers) / (now - since.at)
            self._logger.info(self.line(target, traffic, rate))
            self._since[target] = _Since(now, traffic.answers)

    def line(self, target: str, traffic: Traffic, rate: float) -> str:
        counts = self._totals.of(target)
        done = ("created", "updated", "unchanged", "deleted", "already_gone", "rejected")
        handled = sum(counts[name] for name in done)
        verb = f" {self._verb}" if self._verb else ""
        if traffic.paced_at is not None and traffic.rate_limited:
            pace = (
                f"paced at {traffic.paced_at:.1f}/s after {traffic.rate_limited} answers of 429 (rate limit)"
            )
        elif traffic.paced_at is not None:
            pace = f"paced at {traffic.paced_at:.1f}/s (requests_per_second), no 429 so far"
        else:
            pace = "not rate limited"
        return (
            f"{target}: {self._batches} batches, {handled} contacts so far: "
            f"{counts['created']}{verb} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, "
            f"{counts['deleted'] + counts['already_gone']} deleted, {counts['rejected']} rejected; "
            f"{rate:.1f} requests/s, {pace}"
        )
