"""The guard of sweeps: a sweep of too large a share of the managed contacts deletes none."""

from __future__ import annotations

from typing import Any

import pytest
from airbyte_cdk.models import AirbyteMessage, FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from unit_tests.builders import (
    COMPLETE,
    ConfigBuilder,
    catalog,
    custom_contact,
    record,
    state,
    tombstone,
    truncate_refresh,
)
from unit_tests.conftest import totals_of, write
from unit_tests.fakes import FakeClientContacts, FakeCrm

MANAGED = 120


def contacts(ids: range) -> list[AirbyteMessage]:
    return [record(custom_contact(str(i))) for i in ids]


def counts(crm: FakeCrm, client_contacts: FakeClientContacts) -> tuple[int, int]:
    return len(crm.contacts), len(client_contacts.documents)


def sweep(mode: str, kept: range, **options: Any) -> list[AirbyteMessage]:
    """A complete sweep in `mode` ("overwrite" or a truncate refresh) that sends `kept` alone."""
    swept = catalog(("contacts", "overwrite")) if mode == "overwrite" else truncate_refresh()
    return write(ConfigBuilder().with_option(**options).build(), swept, [*contacts(kept), state(2), COMPLETE])


@pytest.fixture(autouse=True)
def managed(crm: FakeCrm, client_contacts: FakeClientContacts) -> None:
    """MANAGED contacts in both targets, from an earlier sync."""
    write(ConfigBuilder().build(), catalog(), [*contacts(range(MANAGED)), state(1)])


@pytest.mark.parametrize("mode", ["overwrite", "truncate refresh"])
class TestSweepGuard:
    def test_given_a_sweep_over_the_share_then_nothing_is_deleted_and_the_error_says_why(
        self, mode: str, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        with pytest.raises(AirbyteTracedException) as failure:
            sweep(mode, range(90))  # 30 of 120 would go: a quarter

        assert counts(crm, client_contacts) == (MANAGED, MANAGED)
        assert failure.value.failure_type == FailureType.config_error
        message = str(failure.value.message)
        for target in ("crm", "client_contacts"):
            assert f"{target}: the {mode} would delete 30 of the 120 contacts" in message
        assert "more than max_sweep_share 0.2 allows" in message
        assert "set max_sweep_share to 0.25" in message

    def test_given_a_sweep_under_the_share_then_exactly_the_contacts_not_sent_are_deleted(
        self, mode: str, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        sweep(mode, range(100))  # 20 of 120 go

        assert sorted(int(c["notes"][11:-1]) for c in crm.contacts.values()) == list(range(100))
        held = sorted(int(d["integration_meta"]["external_id"]) for d in client_contacts.documents.values())
        assert held == list(range(100))

    def test_given_the_share_the_error_named_then_the_same_sweep_deletes(
        self, mode: str, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        sweep(mode, range(90), max_sweep_share=0.25)

        assert counts(crm, client_contacts) == (90, 90)


def test_given_fewer_managed_contacts_than_the_minimum_then_any_share_may_go(
    crm: FakeCrm, client_contacts: FakeClientContacts
) -> None:
    sweep("truncate refresh", range(10), sweep_share_min_contacts=121)

    assert counts(crm, client_contacts) == (10, 10)


def test_given_a_minimum_of_zero_then_even_a_small_target_is_guarded(
    crm: FakeCrm, client_contacts: FakeClientContacts
) -> None:
    config = ConfigBuilder().with_option(sweep_share_min_contacts=0, max_sweep_share=0.5).build()
    crm.contacts.clear()
    client_contacts.documents.clear()
    write(config, catalog(), [*contacts(range(4)), state(1)])

    with pytest.raises(AirbyteTracedException, match="would delete 3 of the 4 contacts"):
        write(config, truncate_refresh(), [*contacts(range(1)), state(2), COMPLETE])

    assert counts(crm, client_contacts) == (4, 4)


def test_given_tombstones_of_most_contacts_then_the_guard_does_not_stop_them(
    crm: FakeCrm, client_contacts: FakeClientContacts
) -> None:
    write(ConfigBuilder().build(), catalog(), [*(tombstone(str(i)) for i in range(100)), state(2)])

    assert counts(crm, client_contacts) == (20, 20)


def test_given_a_dry_run_over_the_share_then_it_reports_the_same_count_and_deletes_nothing(
    crm: FakeCrm, client_contacts: FakeClientContacts
) -> None:
    with pytest.raises(AirbyteTracedException) as failure:
        sweep("truncate refresh", range(90), dry_run=True)

    assert "would delete 30 of the 120 contacts" in str(failure.value.message)
    assert counts(crm, client_contacts) == (MANAGED, MANAGED)


def test_given_a_dry_run_under_the_share_then_its_totals_count_the_contacts_a_sweep_would_delete(
    crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
) -> None:
    sweep("truncate refresh", range(100), dry_run=True)

    assert counts(crm, client_contacts) == (MANAGED, MANAGED)
    assert [totals_of(log_records)[target]["deleted"] for target in ("crm", "client_contacts")] == [20, 20]
