"""A 429 slows the read down: every request waits out its Retry-After, and a request the limit
kept refusing is tried again while others get through; an API that lets nothing through fails."""

from __future__ import annotations

import logging
import types
from collections.abc import Iterator

import pytest
import requests
import requests_mock
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.call_rate import CallRateLimitHit
from airbyte_cdk.sources.streams.http import rate_limiting
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_custom_contacts.client import ApiClient, custom_api_client, rate_budget
from source_custom_contacts.config import CustomApiConfig, HttpSettings
from source_custom_contacts.rate_limit import RateLimitBudget
from unit_tests.integration.response_builder import jwt

LOGGER = logging.getLogger("airbyte")
BASE = "https://contacts.example.com"
START = 1_800_000_000.0
PAGE = {"contacts": [], "has_more": False}


class FakeTime:
    """The clock and sleep of the budget (and of the token's expiry), which only sleeping moves."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def answer(status: int, retry_after: str | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


def budget_on(fake: FakeTime) -> RateLimitBudget:
    return RateLimitBudget(policies=[], clock=fake.clock, sleep=fake.sleep)


class TestBudget:
    def test_given_a_429_with_retry_after_then_every_call_waits_until_it_has_passed(self) -> None:
        fake = FakeTime()
        budget = budget_on(fake)
        budget.update_from_response(object(), answer(429, retry_after="3"))
        fake.now += 1.0

        budget.acquire_call(object())
        budget.acquire_call(object())

        assert fake.slept == [2.0]

    def test_given_a_429_while_calls_wait_then_they_wait_for_the_later_retry_after_too(self) -> None:
        fake = FakeTime()

        def sleep_while_another_call_meets_a_429(seconds: float) -> None:
            fake.sleep(seconds)
            if len(fake.slept) == 1:
                budget.update_from_response(object(), answer(429, retry_after="2"))

        budget = RateLimitBudget(policies=[], clock=fake.clock, sleep=sleep_while_another_call_meets_a_429)
        budget.update_from_response(object(), answer(429, retry_after="1"))

        budget.acquire_call(object())

        assert fake.slept == [1.0, 2.0]

    def test_given_a_429_without_retry_after_then_calls_do_not_wait(self) -> None:
        fake = FakeTime()
        budget = budget_on(fake)
        budget.update_from_response(object(), answer(429))

        budget.acquire_call(object())

        assert fake.slept == []

    def test_given_answers_then_those_under_500_but_429_count_as_answered(self) -> None:
        budget = budget_on(FakeTime())

        for status in (200, 201, 401, 404, 429, 500, 503):
            budget.update_from_response(object(), answer(status))
        budget.update_from_response(object(), requests.ConnectionError("dropped"))

        assert budget.answered == 4

    def test_given_max_requests_per_second_then_calls_beyond_it_in_a_second_are_held_back(self) -> None:
        budget = rate_budget(HttpSettings(max_requests_per_second=3))
        for _ in range(3):
            budget.acquire_call(object(), block=False)

        with pytest.raises(CallRateLimitHit):
            budget.acquire_call(object(), block=False)


@pytest.fixture
def cdk_backoff_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The CDK sleeps Retry-After plus a second before retrying a 429, on the real clock; the
    tests record those sleeps instead of waiting them out."""
    slept: list[float] = []
    monkeypatch.setattr(rate_limiting, "time", types.SimpleNamespace(sleep=slept.append))
    return slept


@pytest.fixture
def mocker() -> Iterator[requests_mock.Mocker]:
    with requests_mock.Mocker() as mocked:
        yield mocked


def client_on(fake: FakeTime, budget: RateLimitBudget, max_retries: int) -> ApiClient:
    config = CustomApiConfig(base_url=BASE, client_id="id", client_secret="secret")
    return custom_api_client(config, HttpSettings(), LOGGER, fake.clock, max_retries, budget)


def given_a_token(mocker: requests_mock.Mocker, *tokens: str) -> requests_mock.adapter._Matcher:
    answers = [{"json": {"token": token}} for token in tokens or (jwt("t", START + 3600),)]
    return mocker.get(f"{BASE}/token", answers)


def pages_asked(mocker: requests_mock.Mocker, page: int) -> int:
    return sum(1 for r in mocker.request_history if r.path == "/contacts" and r.qs.get("page") == [str(page)])


class TestRateLimitedRequests:
    def test_given_more_429s_than_retries_while_other_requests_get_through_then_the_request_gets_through(
        self,
        mocker: requests_mock.Mocker,
        cdk_backoff_sleeps: list[float],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.INFO, logger="airbyte")
        fake = FakeTime()
        client = client_on(fake, budget_on(fake), max_retries=1)
        given_a_token(mocker)
        answers = iter([429] * 5 + [200])

        def page_2(request: requests.PreparedRequest, context: requests_mock.response._Context) -> dict:
            context.status_code = next(answers)
            if context.status_code == 429:
                context.headers["Retry-After"] = "1"
                client.get_json("/contacts", {"page": 1})  # another thread's page gets through meanwhile
            return PAGE

        mocker.get(f"{BASE}/contacts?page=2", json=page_2)
        mocker.get(f"{BASE}/contacts?page=1", json=PAGE)

        assert client.get_json("/contacts", {"page": 2}) == PAGE
        assert pages_asked(mocker, 2) == 6
        assert cdk_backoff_sleeps == [2.0, 2.0, 2.0]  # the CDK's own waits, in three rounds of two tries
        assert any("only 429s in 2 tries" in r.getMessage() for r in caplog.records)

    def test_given_only_429s_and_nothing_else_getting_through_then_the_read_fails_after_its_retries(
        self, mocker: requests_mock.Mocker, cdk_backoff_sleeps: list[float]
    ) -> None:
        fake = FakeTime()
        client = client_on(fake, budget_on(fake), max_retries=2)
        given_a_token(mocker)
        mocker.get(f"{BASE}/contacts?page=1", json=PAGE)
        mocker.get(f"{BASE}/contacts?page=2", status_code=429, headers={"Retry-After": "1"}, json={})
        client.get_json("/contacts", {"page": 1})

        with pytest.raises(AirbyteTracedException) as error:
            client.get_json("/contacts", {"page": 2})

        assert "kept answering HTTP 429 (too many requests) through every retry" in error.value.message
        assert error.value.failure_type == FailureType.transient_error
        assert pages_asked(mocker, 2) == 3
        assert cdk_backoff_sleeps == [2.0, 2.0]

    def test_given_a_429_on_the_token_request_then_the_api_pauses_for_its_retry_after_like_any_other(
        self, mocker: requests_mock.Mocker, cdk_backoff_sleeps: list[float]
    ) -> None:
        fake = FakeTime()
        budget = budget_on(fake)
        client = client_on(fake, budget, max_retries=2)
        token = jwt("t", START + 3600)
        mocker.get(
            f"{BASE}/token",
            [{"status_code": 429, "headers": {"Retry-After": "3"}, "json": {}}, {"json": {"token": token}}],
        )
        mocker.get(f"{BASE}/contacts", json=PAGE)

        assert client.get_json("/contacts", {"page": 1}) == PAGE
        assert fake.slept == [3.0]  # the CDK's sleep is not on this clock: the pause is the budget's
        assert budget.answered == 2  # the token and the page: one budget for the whole API


class TestCredentials:
    def test_given_a_token_that_expires_during_the_pause_then_the_request_leaves_with_a_new_one(
        self, mocker: requests_mock.Mocker
    ) -> None:
        fake = FakeTime()
        budget = budget_on(fake)
        client = client_on(fake, budget, max_retries=0)
        first, second = jwt("first", START + 10), jwt("second", START + 3600)
        given_a_token(mocker, first, second)
        mocker.get(f"{BASE}/contacts", json=PAGE)
        client.get_json("/contacts", {"page": 1})
        budget.update_from_response(object(), answer(429, retry_after="30"))

        client.get_json("/contacts", {"page": 2})

        bearers = [r.headers["Authorization"] for r in mocker.request_history if r.path == "/contacts"]
        assert bearers == [f"Bearer {first}", f"Bearer {second}"]

    def test_given_a_redirect_to_another_host_then_the_token_is_not_sent_there(
        self, mocker: requests_mock.Mocker
    ) -> None:
        fake = FakeTime()
        client = client_on(fake, budget_on(fake), max_retries=0)
        given_a_token(mocker)
        mocker.get(
            f"{BASE}/contacts", status_code=302, headers={"Location": "https://elsewhere.example.com/c"}
        )
        elsewhere = mocker.get("https://elsewhere.example.com/c", json=PAGE)

        assert client.get_json("/contacts", {"page": 1}) == PAGE
        assert "Authorization" not in elsewhere.last_request.headers
