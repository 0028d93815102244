"""A 429 makes the request that got it wait its Retry-After, and nothing else; the API's
requests are paced only while that removes 429s, and a request that keeps meeting the limit
fails the sync with a message that names the setting to change."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import requests
import requests_mock
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.call_rate import CallRateLimitHit
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from contacts_sandbox.fakes import FakeTime
from source_custom_contacts.client import ApiClient, custom_api_client, rate_budget
from source_custom_contacts.config import CustomApiConfig, HttpSettings
from source_custom_contacts.pace import AdaptivePace
from source_custom_contacts.rate_limit import PacedBudget, RetryAfterBackoff
from source_custom_contacts.retry_after import RetryAfter
from unit_tests.integration.response_builder import jwt

LOGGER = logging.getLogger("airbyte")
BASE = "https://contacts.example.com"
START = 1_800_000_000.0
PAGE = {"contacts": [], "has_more": False}


def answer(status: int, retry_after: str | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


def budget_on(fake: FakeTime) -> PacedBudget:
    return PacedBudget(policies=[], pace=AdaptivePace(clock=fake.clock), sleep=fake.sleep)


def paced_to_one_a_second(budget: PacedBudget, fake: FakeTime) -> None:
    """Half the requests of a second refused, then the pace holds what got through."""
    for status in [429] * 5 + [200] * 4:
        budget.update_from_response(object(), answer(status))
    fake.now += 5.0
    budget.update_from_response(object(), answer(200))


class TestBudget:
    def test_given_a_429_with_a_retry_after_when_other_requests_leave_then_none_of_them_waits(self) -> None:
        fake = FakeTime(START)
        budget = budget_on(fake)
        budget.update_from_response(object(), answer(429, retry_after="30"))

        budget.acquire_call(object())
        budget.acquire_call(object())

        assert fake.slept == []

    def test_given_429s_that_pacing_removes_when_requests_leave_then_they_leave_at_the_pace(self) -> None:
        fake = FakeTime(START)
        budget = budget_on(fake)
        paced_to_one_a_second(budget, fake)

        for _ in range(3):
            budget.acquire_call(object())

        assert budget.pace.rate == pytest.approx(1.0)
        assert fake.slept == [1.0, 1.0]

    def test_given_max_requests_per_second_then_calls_beyond_it_in_a_second_are_held_back(self) -> None:
        budget = rate_budget(HttpSettings(max_requests_per_second=3))
        for _ in range(3):
            budget.acquire_call(object(), block=False)

        with pytest.raises(CallRateLimitHit):
            budget.acquire_call(object(), block=False)


class TestRetryAfterBackoff:
    def test_given_a_429_with_a_retry_after_then_its_request_waits_that_long(self) -> None:
        assert RetryAfterBackoff().backoff_time(answer(429, retry_after="3"), attempt_count=1) == 3.0

    def test_given_a_429_without_a_readable_retry_after_then_the_cdk_backoff_applies(self) -> None:
        backoff = RetryAfterBackoff()

        assert backoff.backoff_time(answer(429), attempt_count=1) is None
        assert backoff.backoff_time(answer(429, retry_after="later"), attempt_count=1) is None
        assert backoff.backoff_time(requests.ConnectionError("dropped"), attempt_count=1) is None

    def test_given_a_retry_after_longer_than_the_bounded_wait_then_the_wait_is_bounded(self) -> None:
        backoff = RetryAfterBackoff(RetryAfter(), max_wait=600)

        assert backoff.backoff_time(answer(429, retry_after="86400"), attempt_count=1) == 600


@pytest.fixture
def mocker() -> Iterator[requests_mock.Mocker]:
    with requests_mock.Mocker() as mocked:
        yield mocked


def client_on(fake: FakeTime, budget: PacedBudget, max_retries: int, rate: int | None = None) -> ApiClient:
    config = CustomApiConfig(base_url=BASE, client_id="id", client_secret="secret")
    settings = HttpSettings(max_requests_per_second=rate)
    return custom_api_client(config, settings, LOGGER, fake.clock, max_retries, budget)


def given_a_token(mocker: requests_mock.Mocker, *tokens: str) -> requests_mock.adapter._Matcher:
    answers = [{"json": {"token": token}} for token in tokens or (jwt("t", START + 3600),)]
    return mocker.get(f"{BASE}/token", answers)


class TestRateLimitedRequests:
    def test_given_429s_through_every_retry_then_the_sync_fails_naming_the_api_and_the_setting(
        self, mocker: requests_mock.Mocker
    ) -> None:
        fake = FakeTime(START)
        client = client_on(fake, budget_on(fake), max_retries=0, rate=5)
        given_a_token(mocker)
        mocker.get(f"{BASE}/contacts", status_code=429, headers={"Retry-After": "1"}, json={})

        with pytest.raises(AirbyteTracedException) as error:
            client.get_json("/contacts", {"page": 1})

        assert error.value.message == (
            "The Custom Contact Source API kept answering HTTP 429 (too many requests) through every "
            "retry: set 'max_requests_per_second' (now 5) below the API's limit, and run the sync again."
        )
        assert error.value.failure_type == FailureType.transient_error


class TestCredentials:
    def test_given_a_token_that_expires_while_its_request_waits_for_the_pace_then_it_leaves_with_a_new_one(
        self, mocker: requests_mock.Mocker
    ) -> None:
        fake = FakeTime(START)
        budget = budget_on(fake)
        client = client_on(fake, budget, max_retries=0)
        first, second = jwt("first", START + 10), jwt("second", START + 3600)
        given_a_token(mocker, first, second)
        mocker.get(f"{BASE}/contacts", json=PAGE)
        client.get_json("/contacts", {"page": 1})
        paced_to_one_a_second(budget, fake)
        fake.now += 20.0 - 5.0  # the pace's next slot is due, the first token has run out meanwhile

        for page in (2, 3):
            client.get_json("/contacts", {"page": page})

        bearers = [r.headers["Authorization"] for r in mocker.request_history if r.path == "/contacts"]
        assert bearers[0] == f"Bearer {first}"
        assert bearers[-1] == f"Bearer {second}"

    def test_given_a_redirect_to_another_host_then_the_token_is_not_sent_there(
        self, mocker: requests_mock.Mocker
    ) -> None:
        fake = FakeTime(START)
        client = client_on(fake, budget_on(fake), max_retries=0)
        given_a_token(mocker)
        mocker.get(
            f"{BASE}/contacts", status_code=302, headers={"Location": "https://elsewhere.example.com/c"}
        )
        elsewhere = mocker.get("https://elsewhere.example.com/c", json=PAGE)

        assert client.get_json("/contacts", {"page": 1}) == PAGE
        assert "Authorization" not in elsewhere.last_request.headers
