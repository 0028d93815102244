"""A read a person can follow: one LOG line every `PROGRESS_INTERVAL_SECONDS`, and one when the
stream ends, with the records so far, pages, requests, rate, and where the API tells how many
pages there are, how far the read is and about how long it has left.

    contacts: 9,000 records, 9 pages, 10 requests in 10 s (900 records/s); page 9 of 20 (45%), about 12 s left
    contacts: done, 20,000 records, 20 pages, 21 requests in 22 s (909 records/s)

A line is due only when a page arrives, so a stalled API shows as silence between lines, and the
CDK's retry messages say why. Requests count every answer, token requests and retries included.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from airbyte_cdk.models import AirbyteMessage, Type

from source_custom_contacts.auth import Clock
from source_custom_contacts.failures import Answers
from source_custom_contacts.reading.pages import Page

PROGRESS_INTERVAL_SECONDS = 10.0

M = TypeVar("M")
R = TypeVar("R")


@dataclass(eq=False)
class ReadProgress:
    stream_name: str
    answers: Answers
    clock: Clock
    logger: logging.Logger
    interval_seconds: float = PROGRESS_INTERVAL_SECONDS
    _records: int = field(default=0, init=False)
    _pages: int = field(default=0, init=False)
    _page: Page[Any] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._started = self._last_line = self.clock()
        self._answered_before = self.answers.answered

    def counted(self, messages: Generator[M, None, R]) -> Generator[M, None, R]:
        """Passes every message on, counts the records among them, and returns what `messages`
        returns."""
        while True:
            try:
                message = next(messages)
            except StopIteration as end:
                return end.value
            if isinstance(message, AirbyteMessage):
                self._records += message.type == Type.RECORD
            elif isinstance(message, Mapping):
                self._records += 1
            yield message

    def page_read(self, page: Page[Any]) -> None:
        self._pages += 1
        self._page = page
        now = self.clock()
        if now - self._last_line >= self.interval_seconds:
            self._last_line = now
            self.logger.info(self._line(now, done=False))

    def finished(self) -> None:
        self.logger.info(self._line(self.clock(), done=True))

    def _line(self, now: float, done: bool) -> str:
        elapsed = max(0.0, now - self._started)
        requests = self.answers.answered - self._answered_before
        rate = f" ({self._records / elapsed:,.0f} records/s)" if elapsed > 0 else ""
        counts = f"{self._records:,} records, {_count(self._pages, 'page')}, {_count(requests, 'request')}"
        line = f"{self.stream_name}: {'done, ' if done else ''}{counts} in {duration(elapsed)}{rate}"
        page = self._page
        if done or page is None or not page.total_pages:
            return line
        total = page.total_pages
        line += f"; page {page.number:,} of {total:,} ({100 * page.number // total}%)"
        if elapsed > 0 and self._pages:
            left = elapsed / self._pages * max(0, total - page.number)
            line += f", about {duration(left)} left"
        return line


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def duration(seconds: float) -> str:
    """`9 s`, `2 min 27 s`, `1 h 3 min`: the two largest units, whole."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"
