"""Retry-After in seconds and as an HTTP date, in each of its three forms, on an injected clock."""

from __future__ import annotations

import pendulum
import pytest

from source_custom_contacts.retry_after import RetryAfter

NOW = pendulum.datetime(1994, 11, 6, 8, 49, 30, tz="UTC")


def retry_after() -> RetryAfter:
    return RetryAfter(now=lambda: NOW)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        ("0.5", 0.5),
        ("-4", 0.0),
        (None, None),
        ("", None),
        ("  ", None),
        ("soon", None),
        ("nan", None),
    ],
)
def test_given_a_retry_after_in_seconds_when_read_then_it_gives_the_seconds_to_wait(header, seconds):
    assert retry_after().seconds(header) == seconds


@pytest.mark.parametrize(
    "header",
    [
        "Sun, 06 Nov 1994 08:49:37 GMT",  # IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT",  # RFC 850
        "Sun Nov  6 08:49:37 1994",  # asctime: no zone, read as GMT
        "Sun, 06 Nov 1994 08:49:37",  # no zone: HTTP dates are GMT
    ],
)
def test_given_a_retry_after_date_when_read_then_it_gives_the_seconds_from_now_until_then(header):
    assert retry_after().seconds(header) == 7.0


def test_given_a_retry_after_date_with_an_offset_when_read_then_the_offset_is_applied():
    assert retry_after().seconds("Sun, 06 Nov 1994 10:49:37 +0200") == 7.0


def test_given_a_retry_after_date_already_past_when_read_then_no_wait_is_asked():
    assert retry_after().seconds("Sun, 06 Nov 1994 08:48:00 GMT") == 0.0
