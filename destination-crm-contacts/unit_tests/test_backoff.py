"""The backoff strategy: each request waits out its own Retry-After, within a bound."""

from __future__ import annotations

import pendulum
import pytest
import requests
from airbyte_cdk.models import FailureType

from destination_crm_contacts.clients.backoff import RateLimitWaitExceeded, RetryAfterBackoff
from destination_crm_contacts.clients.retry_after import RetryAfter

NOW = pendulum.datetime(2026, 1, 1, tz="UTC")


def answer(status: int, retry_after: str | None = None, request: requests.PreparedRequest | None = None):
    response = requests.Response()
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    response.request = request or requests.Request("POST", "https://crm.test/contacts").prepare()
    return response


def strategy(bound: float = 300.0) -> RetryAfterBackoff:
    return RetryAfterBackoff(RetryAfter(now=lambda: NOW), bound=bound)


def test_given_a_429_with_retry_after_then_the_wait_is_what_it_asks() -> None:
    assert strategy().backoff_time(answer(429, "3"), attempt_count=1) == 3.0
    assert strategy().backoff_time(answer(503, "Thu, 01 Jan 2026 00:00:05 GMT"), attempt_count=1) == 5.0


def test_given_no_usable_retry_after_or_another_failure_then_the_cdk_backoff_applies() -> None:
    backoff = strategy()
    assert backoff.backoff_time(answer(429), attempt_count=1) is None
    assert backoff.backoff_time(answer(429, "soon"), attempt_count=1) is None
    assert backoff.backoff_time(answer(500, "3"), attempt_count=1) is None
    assert backoff.backoff_time(requests.ConnectionError(), attempt_count=1) is None


def test_given_retry_after_zero_then_the_retry_waits_the_least_rather_than_the_exponential_backoff() -> None:
    assert strategy().backoff_time(answer(429, "0"), attempt_count=1) == 0.01


def test_given_one_request_asked_to_wait_past_the_bound_then_it_fails_as_transient() -> None:
    backoff = strategy(bound=10.0)
    request = requests.Request("POST", "https://crm.test/contacts").prepare()
    for _ in range(3):
        assert backoff.backoff_time(answer(429, "3", request), attempt_count=1) == 3.0

    with pytest.raises(RateLimitWaitExceeded) as raised:
        backoff.backoff_time(answer(429, "3", request), attempt_count=4)

    assert raised.value.failure_type == FailureType.transient_error
    assert raised.value.waited == 9.0


def test_given_many_requests_then_each_has_its_own_bound() -> None:
    backoff = strategy(bound=10.0)
    for _ in range(5):
        assert backoff.backoff_time(answer(429, "6"), attempt_count=1) == 6.0
