"""`dry_run`: each target says what it would write and writes nothing, sweeps included."""

from __future__ import annotations

import json
from typing import Any

import pytest
from airbyte_cdk.models import AirbyteMessage, AirbyteStreamStatus
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from unit_tests.builders import (
    ConfigBuilder,
    catalog,
    custom_contact,
    record,
    state,
    stream_status,
    tombstone,
    truncate_refresh,
)
from unit_tests.conftest import totals_of, write
from unit_tests.fakes import FakeClientContacts, FakeCrm

MANAGED = 120


def held(crm: FakeCrm, client_contacts: FakeClientContacts) -> tuple[int, int]:
    return len(crm.contacts), len(client_contacts.documents)


def sweep(kept: range, **options: Any) -> list[AirbyteMessage]:
    """A complete truncate refresh that sends `kept` alone."""
    messages = [*(record(custom_contact(str(i))) for i in kept), state(2)]
    config = ConfigBuilder().with_option(**options).build()
    return write(config, truncate_refresh(), [*messages, stream_status(AirbyteStreamStatus.COMPLETE)])


@pytest.fixture
def managed(crm: FakeCrm, client_contacts: FakeClientContacts) -> None:
    """MANAGED contacts in both targets, from an earlier sync."""
    write(
        ConfigBuilder().build(),
        catalog(),
        [*(record(custom_contact(str(i))) for i in range(MANAGED)), state(1)],
    )


def test_given_dry_run_then_the_totals_say_what_would_change_and_nothing_is_written(
    crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
) -> None:
    write(
        ConfigBuilder().build(),
        catalog(),
        [record(custom_contact("1")), record(custom_contact("2")), state(1)],
    )
    before = (dict(crm.contacts), {k: dict(v) for k, v in client_contacts.documents.items()})
    log_records.clear()

    write(
        ConfigBuilder().with_option(dry_run=True).build(),
        catalog(),
        [
            record(custom_contact("1", first_name="Augusta")),
            tombstone("2"),
            record(custom_contact("3")),
            state(2),
        ],
    )

    assert (crm.contacts, client_contacts.documents) == before
    [totals] = [
        json.loads(r.getMessage()) for r in log_records.records if r.getMessage().startswith('{"event"')
    ]
    assert totals["dry_run"] is True
    for target in ("crm", "client_contacts"):
        counts = totals["targets"][target]
        assert (counts["created"], counts["updated"], counts["deleted"]) == (1, 1, 1)
    assert "crm: 1 would be created, 1 updated" in log_records.text


@pytest.mark.usefixtures("managed")
def test_given_a_dry_run_over_the_share_then_it_reports_the_same_count_and_deletes_nothing(
    crm: FakeCrm, client_contacts: FakeClientContacts
) -> None:
    with pytest.raises(AirbyteTracedException) as failure:
        sweep(range(90), dry_run=True)

    assert "would delete 30 of the 120 contacts" in str(failure.value.message)
    assert held(crm, client_contacts) == (MANAGED, MANAGED)


@pytest.mark.usefixtures("managed")
def test_given_a_dry_run_under_the_share_then_its_totals_count_the_contacts_a_sweep_would_delete(
    crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
) -> None:
    sweep(range(100), dry_run=True)

    assert held(crm, client_contacts) == (MANAGED, MANAGED)
    assert [totals_of(log_records)[target]["deleted"] for target in ("crm", "client_contacts")] == [20, 20]
