"""The pace of a target: it slows down for a rate limit, and only when slowing down helps."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import requests_mock
from airbyte_cdk.models import FailureType

from destination_crm_contacts.clients.auth import ApiKeyAuthenticator
from destination_crm_contacts.clients.base import TargetError, TargetHttp, Transport
from destination_crm_contacts.clients.pacing import RateLimitPacing
from destination_crm_contacts.clients.rate_limit import PacedBudget
from destination_crm_contacts.config import TargetLimits
from unit_tests.fakes import FakeTime
from unit_tests.pacing_simulation import EveryNth, SteadyLimit, simulate

LOGGER = logging.getLogger("airbyte")
BASE_URL = "https://crm.test/api"


def pacing(fake: FakeTime, ceiling: float | None = None) -> RateLimitPacing:
    return RateLimitPacing("crm", LOGGER, ceiling, clock=fake.clock, sleep=fake.sleep)


def info_lines(
    caplog: pytest.LogCaptureFixture, server: Callable[[float], bool], seconds: float
) -> list[str]:
    """The INFO lines of a paced run of 32 workers against `server`."""
    caplog.set_level(logging.INFO, logger="airbyte")
    fake = FakeTime(0.0)
    simulate(pacing(fake), fake, server, workers=32, latency=0.005, seconds=seconds)
    return [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]


class NoPacing(RateLimitPacing):
    """Never paces: what the workers achieve on their own, to compare with."""

    def answered(self, request: Any, rate_limited: bool) -> None:
        pass


class Call:
    """A request as the policy sees it."""


def never_limited(at: float) -> bool:
    return False


class TestWithoutRateLimit:
    def test_given_no_configured_rate_and_no_429_then_calls_are_not_paced(self) -> None:
        fake = FakeTime(0.0)
        policy = pacing(fake)

        simulate(policy, fake, never_limited, workers=32, latency=0.02, seconds=3)

        assert policy.rate is None
        assert fake.slept == []

    def test_given_a_configured_rate_then_calls_are_paced_under_it_from_the_start(self) -> None:
        fake = FakeTime()
        policy = pacing(fake, ceiling=4.0)

        for _ in range(4):
            policy.try_acquire(Call(), weight=1)

        assert fake.slept == [0.25, 0.25, 0.25]


class TestSteadyLimit:
    @pytest.mark.parametrize(("limit", "latency"), [(4, 0.005), (20, 0.005), (100, 0.02)])
    def test_given_a_true_limit_then_the_pace_holds_at_least_80_percent_of_it(
        self, limit: int, latency: float
    ) -> None:
        fake = FakeTime(0.0)
        policy = pacing(fake)

        run = simulate(policy, fake, SteadyLimit(limit), workers=32, latency=latency, seconds=20)

        assert run.through_per_second(5, 20) >= 0.8 * limit
        assert policy.rate is not None

    def test_given_a_true_limit_then_429s_become_rare_once_paced(self) -> None:
        fake = FakeTime(0.0)
        policy = pacing(fake)

        run = simulate(policy, fake, SteadyLimit(20), workers=32, latency=0.005, seconds=20)

        late = [limited for at, limited in run.requests if at >= 5]
        assert sum(late) / len(late) < 0.1

    def test_given_a_limit_then_one_info_line_says_the_target_is_paced_and_at_what_rate(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        info = info_lines(caplog, SteadyLimit(20), seconds=20)

        assert len(info) == 1
        assert info[0].startswith("crm: the API answered 429 (rate limited), and less often once slowed down")
        assert "pacing its requests at 20.0/s" in info[0]


class TestSporadic429s:
    def test_given_429s_whatever_the_rate_then_the_pace_does_not_slow_the_workers(self) -> None:
        fake, alone = FakeTime(0.0), FakeTime(0.0)
        policy = pacing(fake)

        run = simulate(policy, fake, EveryNth(13), workers=32, latency=0.005, seconds=20)
        unpaced = simulate(
            NoPacing("crm", LOGGER, None, alone.clock, alone.sleep),
            alone,
            EveryNth(13),
            workers=32,
            latency=0.005,
            seconds=20,
        )

        assert policy.rate is None
        assert policy.tolerated_share == pytest.approx(1 / 13, abs=0.02)
        assert run.through_per_second(5, 20) >= 0.95 * unpaced.through_per_second(5, 20)

    def test_given_a_configured_rate_and_sporadic_429s_then_the_pace_stays_at_the_configured_rate(
        self,
    ) -> None:
        fake = FakeTime(0.0)
        policy = pacing(fake, ceiling=90.0)

        run = simulate(policy, fake, EveryNth(13), workers=32, latency=0.005, seconds=20)

        assert policy.rate == 90.0
        assert run.through_per_second(5, 20) >= 0.8 * 90

    def test_given_sporadic_429s_then_one_info_line_says_they_are_tolerated(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        info = info_lines(caplog, EveryNth(13), seconds=10)

        assert info == [
            "crm: the API answers 429 to about 8% of requests whatever the pace: each is retried after "
            "its Retry-After while the others go on at full speed"
        ]


class TestRetryAfterPerRequest:
    def test_given_a_429_then_only_the_request_that_got_it_waits(self) -> None:
        fake = FakeTime(0.0)
        policy = pacing(fake)
        limited, other = Call(), Call()
        policy.try_acquire(limited, weight=1)
        policy.answered(limited, rate_limited=True)

        for _ in range(50):
            policy.try_acquire(other, weight=1)

        assert fake.slept == []
        assert policy.rate is None

    def test_given_sporadic_429s_once_judged_then_no_worker_waits_for_another_ones_429(self) -> None:
        fake = FakeTime(0.0)
        policy = pacing(fake)
        simulate(policy, fake, EveryNth(13), workers=32, latency=0.005, seconds=5)  # the one trial
        fake.slept.clear()

        run = simulate(policy, fake, EveryNth(13), workers=32, latency=0.005, seconds=10)

        assert sum(limited for _, limited in run.requests) > 50
        assert fake.slept == []


def answer(status: int, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    return response


class TestBudget:
    def test_given_answers_then_429s_are_counted_and_5xx_say_nothing_about_the_rate(self) -> None:
        fake = FakeTime(0.0)
        policy = pacing(fake)
        budget = PacedBudget(policy)
        told: list[bool] = []
        policy.answered = lambda request, rate_limited: told.append(rate_limited)  # type: ignore[method-assign]

        for status in (200, 201, 404, 400, 503, 500, 429):
            budget.update_from_response(object(), answer(status))

        assert told == [False, False, False, False, True]
        assert (budget.answers, budget.rate_limited_answers) == (7, 1)


@pytest.fixture
def mocker() -> Iterator[requests_mock.Mocker]:
    with requests_mock.Mocker() as mocked:
        yield mocked


class TestBoundedWait:
    def test_given_a_retry_after_past_the_bound_then_the_request_fails_naming_the_api_and_its_rate(
        self, mocker: requests_mock.Mocker
    ) -> None:
        fake = FakeTime()
        http = TargetHttp(
            "crm",
            BASE_URL,
            ApiKeyAuthenticator("x-api-key", "key"),
            TargetLimits(),
            Transport(max_retries=6, timeout_seconds=5),
            LOGGER,
            clock=fake.clock,
            sleep=fake.sleep,
        )
        mocker.post(f"{BASE_URL}/contacts", status_code=429, headers={"Retry-After": "3600"}, json={})

        with pytest.raises(TargetError) as raised:
            http.send_once("POST", "/contacts", json={"first_name": "Ada"})

        assert str(raised.value).startswith("crm: POST /contacts on crm.test stayed rate limited (HTTP 429)")
        assert "crm.requests_per_second" in str(raised.value)
        assert raised.value.failure_type == FailureType.transient_error
        assert mocker.call_count == 1
