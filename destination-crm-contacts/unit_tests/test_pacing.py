"""The pace of a target: unpaced until a 429, then paced by what gets through, rising again."""

from __future__ import annotations

import logging
import types
from collections.abc import Iterator

import pytest
import requests
import requests_mock
from airbyte_cdk.sources.streams.http import rate_limiting

from destination_crm_contacts.clients.base import (
    ApiKeyAuthenticator,
    PacedBudget,
    TargetError,
    TargetHttp,
    Transport,
)
from destination_crm_contacts.clients.pacing import RATE_FLOOR, AdaptivePacing
from destination_crm_contacts.config import TargetLimits
from unit_tests.fakes import FakeTime

LOGGER = logging.getLogger("airbyte")
BASE_URL = "https://crm.test/api"


def pacing(fake: FakeTime, ceiling: float | None = None) -> AdaptivePacing:
    return AdaptivePacing("crm", LOGGER, ceiling, clock=fake.clock, sleep=fake.sleep)


def waits_of(policy: AdaptivePacing, fake: FakeTime, calls: int) -> list[float]:
    """How long each of `calls` workers arriving together waits for its turn."""
    waits = []
    start = fake.now
    for _ in range(calls):
        policy.try_acquire(object(), weight=1)
        waits.append(round(fake.now - start, 6))
        fake.now = start
    return waits


def through(policy: AdaptivePacing, fake: FakeTime, calls: int, over_seconds: float) -> None:
    for _ in range(calls):
        fake.now += over_seconds / calls
        policy.got_through()


class TestBeforeAnyRateLimit:
    def test_given_no_configured_rate_and_no_429_then_calls_are_not_paced(self) -> None:
        fake = FakeTime()
        policy = pacing(fake)
        through(policy, fake, 500, over_seconds=1.0)

        assert waits_of(policy, fake, 32) == [0.0] * 32
        assert policy.rate is None

    def test_given_a_configured_rate_then_calls_are_paced_under_it_from_the_start(self) -> None:
        fake = FakeTime()
        policy = pacing(fake, ceiling=4.0)

        assert waits_of(policy, fake, 4) == [0.0, 0.25, 0.5, 0.75]


class TestAfterA429:
    def test_given_a_429_then_every_call_is_paced_at_what_got_through_in_the_last_second(self) -> None:
        fake = FakeTime()
        policy = pacing(fake)
        through(policy, fake, 3, over_seconds=3.0)  # long before: not part of the last second
        fake.now += 1.0
        through(policy, fake, 5, over_seconds=0.9)

        policy.rate_limited(retry_after=1.0)

        assert policy.rate == 5.0
        assert waits_of(policy, fake, 3) == [0.0, 0.2, 0.4]

    def test_given_a_429_when_nothing_got_through_then_the_pace_is_the_floor(self) -> None:
        fake = FakeTime()
        policy = pacing(fake)

        policy.rate_limited()

        assert policy.rate == RATE_FLOOR
        assert waits_of(policy, fake, 2) == [0.0, 1.0]

    def test_given_the_429s_of_one_burst_then_the_pace_drops_once(self) -> None:
        fake = FakeTime()
        policy = pacing(fake)
        through(policy, fake, 8, over_seconds=0.5)

        policy.rate_limited(retry_after=1.0)
        for _ in range(27):
            fake.now += 0.01
            policy.rate_limited(retry_after=1.0)

        assert policy.rate == 8.0

    def test_given_a_long_retry_after_then_429s_during_it_belong_to_the_same_burst(self) -> None:
        fake = FakeTime()
        policy = pacing(fake)
        through(policy, fake, 8, over_seconds=0.5)
        policy.rate_limited(retry_after=5.0)

        fake.now += 4.0
        policy.rate_limited(retry_after=5.0)

        assert policy.rate == 8.0

    def test_given_a_429_while_paced_then_the_pace_halves(self) -> None:
        fake = FakeTime()
        policy = pacing(fake)
        through(policy, fake, 10, over_seconds=0.5)
        policy.rate_limited()
        through(policy, fake, 10, over_seconds=1.5)
        paced_at = policy.rate
        assert paced_at is not None

        policy.rate_limited()

        assert policy.rate == pytest.approx(paced_at / 2)

    def test_given_a_429_while_paced_when_less_got_through_than_half_the_pace_then_it_is_the_pace(
        self,
    ) -> None:
        fake = FakeTime()
        policy = pacing(fake)
        through(policy, fake, 40, over_seconds=0.5)
        policy.rate_limited()  # paced at 40/s
        through(policy, fake, 3, over_seconds=1.2)  # the API now lets far fewer through

        policy.rate_limited()

        assert policy.rate == 3.0


class TestRisingAgain:
    def test_given_calls_getting_through_then_the_pace_rises_by_about_one_call_a_second_per_second(
        self,
    ) -> None:
        fake = FakeTime()
        policy = pacing(fake)
        through(policy, fake, 4, over_seconds=0.5)
        policy.rate_limited()
        rates = []

        for _ in range(3):
            through(policy, fake, 8, over_seconds=2.0)  # two seconds at a pace of about 4/s
            rates.append(policy.rate)

        # A call adds 1/rate: the square of the rate grows by 2 per call, from 16.
        assert rates == pytest.approx([32**0.5, 48**0.5, 64**0.5], rel=0.02)

    def test_given_a_big_api_then_the_pace_rises_by_a_tenth_of_the_pace_that_met_the_limit(self) -> None:
        fake = FakeTime()
        policy = pacing(fake)
        through(policy, fake, 200, over_seconds=0.9)
        policy.rate_limited()  # paced at 200/s
        fake.now += 2.0

        through(policy, fake, 200, over_seconds=1.0)

        assert policy.rate == pytest.approx(220, rel=0.01)

    def test_given_a_configured_rate_then_the_pace_never_rises_above_it(self) -> None:
        fake = FakeTime()
        policy = pacing(fake, ceiling=9.0)
        through(policy, fake, 50, over_seconds=5.0)
        assert policy.rate == 9.0

        policy.rate_limited()
        lowered = policy.rate
        through(policy, fake, 500, over_seconds=60.0)

        assert lowered is not None
        assert lowered < 9.0
        assert policy.rate == 9.0
        assert waits_of(policy, fake, 3) == pytest.approx([0.0, 1 / 9, 2 / 9], abs=1e-5)


class TestLogging:
    def test_given_429s_then_one_info_line_says_the_target_is_paced_and_at_what_rate(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO, logger="airbyte")
        fake = FakeTime()
        policy = pacing(fake)
        through(policy, fake, 6, over_seconds=0.5)

        policy.rate_limited()
        fake.now += 2.0
        policy.rate_limited()

        info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
        assert len(info) == 1
        assert info[0].startswith("crm: the API answered 429")
        assert "6.0/s" in info[0]


def answer(status: int, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    return response


class TestBudget:
    def test_given_answers_then_429s_lower_the_pace_and_others_count_as_through(self) -> None:
        fake = FakeTime()
        policy = pacing(fake)
        budget = PacedBudget(policy)

        for status in (200, 201, 404, 400, 503, 500):
            fake.now += 0.1
            budget.update_from_response(object(), answer(status))
        budget.update_from_response(object(), answer(429, {"Retry-After": "1"}))

        assert policy.answered == 4  # a 5xx did not get through
        assert policy.rate == 4.0


@pytest.fixture
def cdk_backoff_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The CDK sleeps Retry-After plus a second before retrying a 429, on the real clock; the
    tests record the sleeps instead of waiting them out."""
    slept: list[float] = []
    monkeypatch.setattr(rate_limiting, "time", types.SimpleNamespace(sleep=slept.append))
    return slept


@pytest.fixture
def mocker() -> Iterator[requests_mock.Mocker]:
    with requests_mock.Mocker() as mocked:
        yield mocked


def target_http(fake: FakeTime, max_retries: int) -> TargetHttp:
    return TargetHttp(
        "crm",
        BASE_URL,
        ApiKeyAuthenticator("x-api-key", "key"),
        TargetLimits(),
        Transport(max_retries=max_retries, timeout_seconds=5),
        LOGGER,
        clock=fake.clock,
        sleep=fake.sleep,
    )


class TestRateLimitedRequests:
    def test_given_more_429s_than_retries_while_other_calls_get_through_then_the_request_gets_through(
        self, mocker: requests_mock.Mocker, cdk_backoff_sleeps: list[float], caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO, logger="airbyte")
        fake = FakeTime()
        http = target_http(fake, max_retries=1)
        mocker.get(f"{BASE_URL}/contacts", json=[])
        answers = iter([429] * 5 + [201])

        def create(request: requests.PreparedRequest, context: requests_mock.response._Context) -> dict:
            context.status_code = next(answers)
            if context.status_code == 429:
                context.headers["Retry-After"] = "1"
                http.send("GET", "/contacts")  # another worker's call gets through meanwhile
            fake.now += 0.4
            return {"id": "7"}

        mocker.post(f"{BASE_URL}/contacts", json=create)

        response = http.send_once("POST", "/contacts", json={"first_name": "Ada"})

        assert response is not None
        assert response.status_code == 201
        assert [r.method for r in mocker.request_history].count("POST") == 6
        assert http.pacing.rate is not None
        assert any("still rate limited after its retries" in r.getMessage() for r in caplog.records)

    def test_given_only_429s_and_nothing_else_getting_through_then_the_request_fails_after_its_retries(
        self, mocker: requests_mock.Mocker, cdk_backoff_sleeps: list[float]
    ) -> None:
        fake = FakeTime()
        http = target_http(fake, max_retries=2)
        mocker.post(f"{BASE_URL}/contacts", status_code=429, headers={"Retry-After": "1"}, json={})

        with pytest.raises(
            TargetError,
            match=r"crm: POST /contacts on crm.test stayed rate limited \(HTTP 429\) through 3 tries",
        ):
            http.send_once("POST", "/contacts", json={"first_name": "Ada"})

        assert mocker.call_count == 3
        assert cdk_backoff_sleeps == [2.0, 2.0]
