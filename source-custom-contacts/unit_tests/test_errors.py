"""Retry-After is honoured in both of its forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from source_custom_contacts.errors import parse_retry_after


@pytest.mark.parametrize(
    ("header", "seconds"), [("3", 3.0), ("0.5", 0.5), (None, None), ("soon", None), ("-4", 0.0)]
)
def test_given_a_retry_after_header_when_parsed_then_it_gives_the_seconds_to_wait(header, seconds):
    assert parse_retry_after(header) == seconds


def test_given_a_retry_after_date_when_parsed_then_it_gives_the_seconds_until_then():
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)

    assert 55 <= parse_retry_after(in_a_minute) <= 60
