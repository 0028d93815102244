"""Progress lines, against a clock the test moves."""

from __future__ import annotations

import logging

import pytest

from source_custom_contacts.failures import Answers
from source_custom_contacts.reading.pages import Page
from source_custom_contacts.reading.progress import ReadProgress, duration


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _page(number: int, total_pages: int | None = None) -> Page[list[int]]:
    return Page(number=number, items=[], is_last=False, total_pages=total_pages)


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records]


@pytest.fixture
def logger(caplog: pytest.LogCaptureFixture) -> logging.Logger:
    caplog.set_level(logging.INFO, logger="progress-test")
    return logging.getLogger("progress-test")


def test_given_a_page_every_4_s_when_read_then_a_line_after_10_s_with_percent_and_time_left(
    logger: logging.Logger, caplog: pytest.LogCaptureFixture
):
    clock, answers = _Clock(), Answers(answered=7)  # answers before the stream began are not its own
    progress = ReadProgress("contacts", answers, clock, logger, interval_seconds=10)
    records = progress.counted(iter([{"id": str(n)} for n in range(1, 1001)]))

    for number in range(1, 6):
        clock.now += 4
        answers.answered += 1
        for _ in range(200):
            next(records)
        progress.page_read(_page(number, total_pages=20))
    progress.finished()

    assert _lines(caplog) == [
        "contacts: 600 records, 3 pages, 3 requests in 12 s (50 records/s); "
        "page 3 of 20 (15%), about 1 min 8 s left",
        "contacts: done, 1,000 records, 5 pages, 5 requests in 20 s (50 records/s)",
    ]


def test_given_an_api_without_totals_when_a_line_is_due_then_it_has_no_percent(
    logger: logging.Logger, caplog: pytest.LogCaptureFixture
):
    clock = _Clock()
    progress = ReadProgress("contacts", Answers(), clock, logger, interval_seconds=10)

    clock.now += 10
    progress.page_read(_page(1))

    assert _lines(caplog) == ["contacts: 0 records, 1 page, 0 requests in 10 s (0 records/s)"]


def test_given_pages_faster_than_the_interval_when_read_then_only_the_closing_line(
    logger: logging.Logger, caplog: pytest.LogCaptureFixture
):
    clock = _Clock()
    progress = ReadProgress("contact_tags", Answers(), clock, logger, interval_seconds=10)

    for number in range(1, 4):
        clock.now += 3
        progress.page_read(_page(number, total_pages=3))
    progress.finished()

    assert _lines(caplog) == ["contact_tags: done, 0 records, 3 pages, 0 requests in 9 s (0 records/s)"]


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0 s"), (9.9, "9 s"), (147, "2 min 27 s"), (3780, "1 h 3 min")]
)
def test_given_seconds_when_told_then_the_two_largest_units(seconds: float, text: str):
    assert duration(seconds) == text
