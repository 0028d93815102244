"""`key_prefix`: several connections write into the same targets, each under its own prefix."""

from __future__ import annotations

import json
from pathlib import Path

from unit_tests.builders import (
    COMPLETE,
    ConfigBuilder,
    catalog,
    company_contact,
    custom_records,
    record,
    state,
    tombstone,
)
from unit_tests.conftest import write, write_one_contact
from unit_tests.fakes import FakeClientContacts, FakeCrm


class TestKeyPrefix:
    """Two connections writing into the same targets, each under its own key prefix."""

    def test_given_two_sources_with_the_same_id_then_each_keeps_its_own_contact_and_tombstone(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        custom = ConfigBuilder().with_option(key_prefix="custom:").build()
        company = ConfigBuilder().with_option(key_prefix="company:").build()
        write_one_contact(custom)
        write(company, catalog(), [record(company_contact("1")), state(1)])

        assert len(crm.by_marker("custom:1")) == len(crm.by_marker("company:1")) == 1
        assert len(client_contacts.by_key("custom:1")) == len(client_contacts.by_key("company:1")) == 1

        write(custom, catalog(), [tombstone("1"), state(2)])

        assert (crm.by_marker("custom:1"), len(crm.by_marker("company:1"))) == ([], 1)
        assert (client_contacts.by_key("custom:1"), len(client_contacts.by_key("company:1"))) == ([], 1)

    def test_given_overwrite_with_a_prefix_then_only_contacts_of_that_prefix_are_deleted(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        custom = ConfigBuilder().with_option(key_prefix="custom:").build()
        company = ConfigBuilder().with_option(key_prefix="company:").build()
        write(custom, catalog(), [*custom_records(*range(3)), state(1)])
        write(company, catalog(), [record(company_contact(str(i))) for i in range(3)] + [state(1)])

        write(
            company,
            catalog(("contacts", "overwrite")),
            [record(company_contact("2")), COMPLETE],
        )

        assert sorted(c["notes"] for c in crm.contacts.values()) == [
            "[source-id:company:2]",
            "[source-id:custom:0]",
            "[source-id:custom:1]",
            "[source-id:custom:2]",
        ]
        assert sorted(d["integration_meta"]["external_id"] for d in client_contacts.documents.values()) == [
            "company:2",
            "custom:0",
            "custom:1",
            "custom:2",
        ]

    def test_given_a_prefix_when_a_record_is_rejected_then_the_file_names_the_source_key(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, tmp_path: Path
    ) -> None:
        rejected_file = tmp_path / "rejected.jsonl"
        config = (
            ConfigBuilder()
            .with_option(key_prefix="custom:", rejected_records_path=str(rejected_file))
            .build()
        )

        write(config, catalog(), [*custom_records("7", emails=[]), state(1)])

        [line] = [json.loads(text) for text in rejected_file.read_text().splitlines()]
        assert (line["target"], line["primary_key"]) == ("crm", "7")
        assert len(client_contacts.by_key("custom:7")) == 1
