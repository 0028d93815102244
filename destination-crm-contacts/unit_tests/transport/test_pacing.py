"""The pace of one API: it slows down for a rate limit, and only when slowing down helps; and the
even schedule it paces on."""

from __future__ import annotations

import bisect
import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from destination_crm_contacts.transport.calls import PacedBudget
from destination_crm_contacts.transport.pacing import EvenPacing, RateLimitPacing
from unit_tests.fakes import FakeTime
from unit_tests.transport.pacing_simulation import EveryNth, SteadyLimit, simulate

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


class TestEvenPacing:
    def test_given_calls_at_once_then_each_waits_for_its_own_slot(self) -> None:
        fake = FakeTime(10.0)
        starts = []
        pacing = EvenPacing(4.0, clock=fake.clock, sleep=fake.sleep)

        for _ in range(4):
            now = fake.now
            pacing.try_acquire(object(), weight=1)
            starts.append(round(fake.now - now, 6))
            fake.now = now  # the four callers arrived together

        assert starts == [0.0, 0.25, 0.5, 0.75]

    def test_given_an_idle_spell_then_the_next_call_goes_at_once_without_a_burst(self) -> None:
        fake = FakeTime(10.0)
        pacing = EvenPacing(2.0, clock=fake.clock, sleep=fake.sleep)
        pacing.try_acquire(object(), weight=1)

        fake.now = 60.0
        pacing.try_acquire(object(), weight=1)
        pacing.try_acquire(object(), weight=1)

        assert fake.slept == [0.5]

    def test_given_workers_that_wake_late_then_no_second_holds_more_than_the_rate(self) -> None:
        def late_sleep(seconds: float) -> None:
            # Every third sleep overshoots, as on a busy machine: the calls behind it pile up.
            late = next(lateness)
            time.sleep(seconds + late)

        # The time a call leaves is the policy's last clock reading in that thread, taken under its
        # lock when it grants the call: reading the clock after try_acquire returns would add the
        # thread scheduler's delays, which bunch calls on a busy machine and make the test flaky.
        last_reading = threading.local()

        def clock() -> float:
            last_reading.value = time.monotonic()
            return last_reading.value

        lateness = itertools.cycle([0.0, 0.0, 0.15])
        pacing = EvenPacing(100.0, clock=clock, sleep=late_sleep)
        sent: list[float] = []

        def worker() -> None:
            for _ in range(10):
                pacing.try_acquire(object(), weight=1)
                sent.append(last_reading.value)

        threads = [threading.Thread(target=worker) for _ in range(15)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        sent.sort()
        busiest = max(bisect.bisect_left(sent, start + 1.0) - index for index, start in enumerate(sent))
        assert len(sent) == 150
        assert busiest <= 100
