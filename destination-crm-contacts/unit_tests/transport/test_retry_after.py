"""Retry-After in both of its forms, and the backoff strategy that waits it within a bound."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
from airbyte_cdk.models import FailureType

from destination_crm_contacts.transport.calls import (
    RetryAfterBackoff,
    RetryAfterWaitExceeded,
    retry_after_seconds,
)

NOW = datetime(1994, 11, 6, 8, 49, 30, tzinfo=UTC)


def parse(value: str | None, now: datetime = NOW) -> float | None:
    return retry_after_seconds(value, now=lambda: now)


@pytest.mark.parametrize(("value", "seconds"), [("3", 3.0), ("0.5", 0.5), (" 2 ", 2.0), ("-4", 0.0)])
def test_given_delay_seconds_then_they_are_the_wait_and_never_negative(value: str, seconds: float) -> None:
    assert parse(value) == seconds


@pytest.mark.parametrize("value", [None, "", "   ", "soon", "nan", "inf", "3 seconds", "Sun, 06 Nov 1994"])
def test_given_a_missing_empty_or_unreadable_value_then_there_is_no_wait(value: str | None) -> None:
    assert parse(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "Sun, 06 Nov 1994 08:49:37 GMT",  # IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT",  # RFC 850
        "Sun Nov  6 08:49:37 1994",  # asctime: no zone
        "Sun, 06 Nov 1994 08:49:37",  # no zone
        "Sun, 06 Nov 1994 10:49:37 +0200",  # an offset
    ],
)
def test_given_an_http_date_then_the_wait_is_until_then_and_a_date_without_a_zone_is_gmt(value: str) -> None:
    assert parse(value) == 7.0


@pytest.mark.parametrize(
    ("now", "value", "seconds"),
    [
        # 2050 is 56 years after 1994: more than 50 years ahead, so the year is 1950, long past.
        (NOW, "Sunday, 06-Nov-50 08:49:37 GMT", 0.0),
        # In 2026 the two digits 70 are 2070, 44 years ahead, not 1970.
        (datetime(2026, 1, 1, tzinfo=UTC), "Thursday, 01-Jan-70 00:00:10 GMT", 44 * 365.25 * 86400 + 10),
    ],
)
def test_given_an_rfc_850_two_digit_year_then_it_is_at_most_50_years_ahead(
    now: datetime, value: str, seconds: float
) -> None:
    assert parse(value, now) == pytest.approx(seconds, abs=86400)


def test_given_a_date_already_past_then_the_wait_is_zero() -> None:
    assert parse("Sun, 06 Nov 1994 08:48:00 GMT") == 0.0


def answer(status: int, retry_after: str | None = None, request: requests.PreparedRequest | None = None):
    response = requests.Response()
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    response.request = request or requests.Request("POST", "https://api.test/contacts").prepare()
    return response


def strategy(bound: float = 300.0) -> RetryAfterBackoff:
    return RetryAfterBackoff(bound=bound, now=lambda: NOW)


def test_given_a_429_or_503_with_retry_after_then_the_wait_is_what_it_asks() -> None:
    assert strategy().backoff_time(answer(429, "3"), attempt_count=1) == 3.0
    assert strategy().backoff_time(answer(503, "Sun, 06 Nov 1994 08:49:35 GMT"), attempt_count=1) == 5.0


def test_given_no_usable_retry_after_or_another_status_then_the_cdk_backoff_applies() -> None:
    backoff = strategy()
    assert backoff.backoff_time(answer(429), attempt_count=1) is None
    assert backoff.backoff_time(answer(429, "soon"), attempt_count=1) is None
    assert backoff.backoff_time(answer(500, "3"), attempt_count=1) is None
    assert backoff.backoff_time(answer(502, "3"), attempt_count=1) is None
    assert backoff.backoff_time(requests.ConnectionError(), attempt_count=1) is None


def test_given_retry_after_zero_then_the_retry_waits_the_least_rather_than_the_exponential_backoff() -> None:
    assert strategy().backoff_time(answer(429, "0"), attempt_count=1) == 0.01


def test_given_one_request_asked_to_wait_past_the_bound_then_it_fails_as_transient() -> None:
    backoff = strategy(bound=10.0)
    request = requests.Request("POST", "https://api.test/contacts").prepare()
    for _ in range(3):
        assert backoff.backoff_time(answer(429, "3", request), attempt_count=1) == 3.0

    with pytest.raises(RetryAfterWaitExceeded) as raised:
        backoff.backoff_time(answer(429, "3", request), attempt_count=4)

    assert raised.value.failure_type == FailureType.transient_error
    assert raised.value.waited == 9.0
    assert raised.value.message.startswith("rate limited (HTTP 429) after waiting 9 s in all")


def test_given_a_retry_after_longer_than_the_bound_then_the_first_wait_fails_at_once() -> None:
    with pytest.raises(RetryAfterWaitExceeded) as raised:
        strategy(bound=600.0).backoff_time(answer(503, "86400"), attempt_count=1)

    assert raised.value.message.startswith("unavailable (HTTP 503)")


def test_given_many_requests_then_each_has_its_own_bound() -> None:
    backoff = strategy(bound=10.0)
    for _ in range(5):
        assert backoff.backoff_time(answer(429, "6"), attempt_count=1) == 6.0
