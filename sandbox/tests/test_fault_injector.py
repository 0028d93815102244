"""The fault injector's decisions and the busiest-second counter, with the clock in the test's hands."""

from __future__ import annotations

from contacts_sandbox.faults import ApiFaults, FaultInjector, Verdict
from contacts_sandbox.stats import RequestStats


def test_given_a_rate_limit_when_requests_come_in_one_second_then_the_excess_is_limited_until_the_next() -> (
    None
):
    faults = FaultInjector(seed=1)
    faults.set("crm", ApiFaults(rate_limit_per_second=3))
    first_second = [faults.verdict("crm", now=100.0 + n * 0.1) for n in range(5)]
    next_second = [faults.verdict("crm", now=101.05 + n * 0.1) for n in range(4)]
    assert first_second == [Verdict.PASS] * 3 + [Verdict.RATE_LIMITED] * 2
    assert next_second == [Verdict.PASS] * 3 + [Verdict.RATE_LIMITED]


def test_given_the_same_seed_when_drawing_errors_then_the_same_sequence_and_another_seed_differs() -> None:
    def draws(seed: int) -> list[str]:
        faults = FaultInjector(seed=seed)
        faults.set("company", ApiFaults(error_rate=0.5))
        return [faults.verdict("company") for _ in range(50)]

    assert draws(1) == draws(1)
    assert draws(1) != draws(2)
    assert set(draws(1)) == {Verdict.PASS, Verdict.ERROR}


def test_given_late_creates_when_other_faults_are_on_then_their_draws_do_not_shift() -> None:
    plain, with_late = FaultInjector(seed=3), FaultInjector(seed=3)
    plain.set("crm", ApiFaults(error_rate=0.5))
    with_late.set("crm", ApiFaults(error_rate=0.5, late_create_rate=0.5, late_create_delay_s=1))
    plain_draws = [plain.verdict("crm") for _ in range(30)]
    late_draws = []
    for _ in range(30):
        late_draws.append(with_late.verdict("crm"))
        with_late.late_create_delay("crm")
    assert late_draws == plain_draws


def test_given_a_token_ttl_fault_when_asking_the_ttl_then_it_wins_over_the_default_until_cleared() -> None:
    faults = FaultInjector(seed=1)
    assert faults.token_ttl(3600) == 3600
    faults.set("custom", ApiFaults(token_ttl_seconds=2))
    assert faults.token_ttl(3600) == 2
    faults.clear()
    assert faults.token_ttl(3600) == 3600


def test_given_arrivals_when_reading_the_peak_then_the_busiest_sliding_second_counts() -> None:
    stats = RequestStats()
    for moment in (10.0, 10.5, 10.9, 11.2, 11.4, 11.8, 13.0):
        stats.arrived("crm", now=moment)
    # 10.9, 11.2, 11.4 and 11.8 fall within one second though no fixed second holds more than three.
    assert stats.snapshot()["peak_per_second"]["crm"] == 4
    assert stats.snapshot()["peak_per_second"]["custom"] == 0
    stats.reset()
    assert stats.snapshot()["peak_per_second"]["crm"] == 0


def test_given_a_rate_limit_of_zero_when_requests_come_then_none_is_limited() -> None:
    faults = FaultInjector(seed=1)
    faults.set("crm", ApiFaults(rate_limit_per_second=0))
    assert {faults.verdict("crm", now=100.0 + n * 0.01) for n in range(20)} == {Verdict.PASS}


def test_given_a_token_revocation_at_the_third_request_when_counting_then_only_the_third_revokes() -> None:
    faults = FaultInjector(seed=1)
    assert [faults.revokes_tokens_now() for _ in range(3)] == [False] * 3
    faults.set("custom", ApiFaults(revoke_tokens_at_request=3))
    assert [faults.revokes_tokens_now() for _ in range(6)] == [False, False, True, False, False, False]
    faults.set("custom", ApiFaults(revoke_tokens_at_request=1))
    assert faults.revokes_tokens_now()


def test_given_a_rate_limited_share_when_requests_come_slowly_then_that_share_is_limited() -> None:
    def draws(seed: int) -> list[str]:
        faults = FaultInjector(seed=seed)
        faults.set("crm", ApiFaults(rate_limited_share=0.25))
        # A second apart: far under any rate, so a 429 here is sporadic, not a limit.
        return [faults.verdict("crm", now=100.0 + n) for n in range(400)]

    verdicts = draws(5)
    assert verdicts == draws(5)
    assert set(verdicts) == {Verdict.PASS, Verdict.RATE_LIMITED}
    assert 60 <= verdicts.count(Verdict.RATE_LIMITED) <= 140


def test_given_an_outage_from_the_4th_request_when_requests_come_then_3_pass_and_every_later_fails() -> None:
    faults = FaultInjector(seed=1)
    faults.set("custom", ApiFaults(outage_from_request=4))
    verdicts = [faults.verdict("custom") for _ in range(6)]
    faults.clear()
    assert verdicts == [Verdict.PASS] * 3 + [Verdict.ERROR] * 3
    assert faults.verdict("custom") == Verdict.PASS
