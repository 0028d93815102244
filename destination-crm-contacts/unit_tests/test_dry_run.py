from __future__ import annotations

import json

import pytest

from unit_tests.builders import ConfigBuilder, catalog, custom_contact, record, state, tombstone
from unit_tests.conftest import write
from unit_tests.fakes import FakeClientContacts, FakeCrm


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
