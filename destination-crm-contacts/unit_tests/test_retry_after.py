"""Retry-After in both of its forms; the same cases as the source's tests."""

from __future__ import annotations

import pendulum
import pytest

from destination_crm_contacts.clients.retry_after import RetryAfter

NOW = pendulum.datetime(1994, 11, 6, 8, 49, 30, tz="UTC")


def parse(value: str | None) -> float | None:
    return RetryAfter(now=lambda: NOW).seconds(value)


@pytest.mark.parametrize(("value", "seconds"), [("3", 3.0), ("0.5", 0.5), ("-4", 0.0)])
def test_given_delay_seconds_then_they_are_the_wait_and_never_negative(value: str, seconds: float) -> None:
    assert parse(value) == seconds


@pytest.mark.parametrize("value", [None, "", "   ", "soon", "nan", "3 seconds"])
def test_given_a_missing_empty_or_unreadable_value_then_there_is_no_wait(value: str | None) -> None:
    assert parse(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "Sun, 06 Nov 1994 08:49:37 GMT",  # IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT",  # RFC 850
        "Sun Nov  6 08:49:37 1994",  # asctime
    ],
)
def test_given_an_http_date_then_the_wait_is_until_then(value: str) -> None:
    assert parse(value) == 7.0


def test_given_a_date_without_a_time_zone_then_it_is_read_as_gmt() -> None:
    assert parse("Sun, 06 Nov 1994 08:49:37") == 7.0


def test_given_a_date_already_past_then_the_wait_is_zero() -> None:
    assert parse("Sun, 06 Nov 1994 08:48:00 GMT") == 0.0


def test_given_response_headers_then_retry_after_is_read_from_them() -> None:
    assert RetryAfter(now=lambda: NOW).of({"Retry-After": "2"}) == 2.0
    assert RetryAfter(now=lambda: NOW).of({}) is None
