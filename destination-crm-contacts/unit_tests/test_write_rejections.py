"""A record a target refuses is counted, logged and filed, and fails the sync only in bulk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unit_tests.builders import CRM_ONLY, ConfigBuilder, catalog, custom_contact, record, state
from unit_tests.conftest import states_of, write, write_one_contact
from unit_tests.fakes import FakeClientContacts, FakeCrm


def totals_line(caplog: pytest.LogCaptureFixture) -> dict:
    [line] = [
        r.getMessage() for r in caplog.records if r.getMessage().startswith('{"event":"crm_contacts_totals"')
    ]
    return json.loads(line)


class TestRejectedRecords:
    def test_given_a_contact_without_email_then_the_crm_rejects_it_and_client_contacts_takes_it(
        self,
        crm: FakeCrm,
        client_contacts: FakeClientContacts,
        log_records: pytest.LogCaptureFixture,
        tmp_path: Path,
    ) -> None:
        rejected_file = tmp_path / "rejected.jsonl"
        config = ConfigBuilder().with_option(rejected_records_path=str(rejected_file)).build()

        output = write(
            config, catalog(), [record(custom_contact("1", emails=[])), record(custom_contact("2")), state(1)]
        )

        assert len(states_of(output)) == 1
        assert crm.by_marker("1") == []
        assert len(client_contacts.by_key("1")) == 1
        assert crm.count("POST", "/contacts") == 1  # refused before any request
        assert (
            "crm: rejected record of stream 'contacts', primary key '1': the CRM requires email"
            in log_records.text
        )
        [line] = [json.loads(text) for text in rejected_file.read_text().splitlines()]
        assert (line["target"], line["stream"], line["primary_key"]) == ("crm", "contacts", "1")
        assert line["record"]["first_name"] == "Ada"
        assert totals_line(log_records)["targets"]["crm"]["rejected"] == 1

    def test_given_the_api_answers_400_then_the_record_is_rejected_with_its_reason(
        self, crm: FakeCrm, log_records: pytest.LogCaptureFixture
    ) -> None:
        crm.fail("POST", "/contacts", 400)

        output = write(
            CRM_ONLY,
            catalog(),
            [record(custom_contact("1")), record(custom_contact("2")), state(1)],
        )

        assert len(states_of(output)) == 1
        assert len(crm.contacts) == 1
        assert "HTTP 400: injected 400" in log_records.text

    def test_given_a_record_with_wrong_types_then_it_is_rejected_and_the_others_written(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
    ) -> None:
        output = write(
            ConfigBuilder().build(),
            catalog(),
            [
                record(custom_contact("1", emails="not-a-list")),
                record({"id": {"nested": 1}}),
                record(custom_contact("3")),
                state(1),
            ],
        )

        assert [m.state.destinationStats.recordCount for m in states_of(output)] == [3.0]
        assert len(crm.by_marker("3")) == 1
        assert len(client_contacts.by_key("3")) == 1
        assert "primary key '1': field emails is text" in log_records.text
        assert "primary key id is an object" in log_records.text

    def test_given_a_deletion_time_of_false_then_nothing_is_deleted_and_the_record_is_reported(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
    ) -> None:
        config = ConfigBuilder().build()
        write_one_contact(config)

        output = write(config, catalog(), [record(custom_contact("1", _ab_cdc_deleted_at="false")), state(2)])

        assert len(states_of(output)) == 1
        assert len(crm.by_marker("1")) == 1
        assert len(client_contacts.by_key("1")) == 1
        assert "primary key '1': field _ab_cdc_deleted_at is 'false', expected null" in log_records.text

    def test_given_a_stream_not_in_the_catalog_then_its_records_are_reported(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
    ) -> None:
        write(ConfigBuilder().build(), catalog(), [record(custom_contact("1"), stream="people"), state(1)])

        assert crm.contacts == {}
        assert client_contacts.documents == {}
        assert "stream 'people' is not in the configured catalog" in log_records.text

    def test_given_contact_tags_then_they_are_counted_and_not_written(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
    ) -> None:
        write(
            ConfigBuilder().build(),
            catalog(("contacts", "append_dedup"), ("contact_tags", "overwrite")),
            [
                record({"id": "42", "name": "VIP", "color": "#1156d6"}, stream="contact_tags"),
                state(1, "contact_tags"),
            ],
        )

        assert crm.contacts == {}
        assert client_contacts.documents == {}
        assert "stream 'contact_tags' holds no contacts" in log_records.text
        assert totals_line(log_records)["ignored_streams"] == {"contact_tags": 1}


class TestTotals:
    def test_when_a_sync_ends_then_the_totals_per_target_are_one_structured_line(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
    ) -> None:
        config = ConfigBuilder().build()
        write(config, catalog(), [record(custom_contact("1")), record(custom_contact("2")), state(1)])
        log_records.clear()

        write(
            config,
            catalog(),
            [
                record(custom_contact("1")),
                record(custom_contact("2", first_name="Bo")),
                record(custom_contact("3")),
                state(2),
            ],
        )
        write(
            config, catalog(), [record({"id": "1", "_ab_cdc_deleted_at": "2026-01-01T00:00:00Z"}), state(3)]
        )

        first, second = [
            json.loads(r.getMessage()) for r in log_records.records if r.getMessage().startswith('{"event"')
        ]
        assert first["targets"]["crm"] == {
            "created": 1,
            "updated": 1,
            "unchanged": 1,
            "deleted": 0,
            "already_gone": 0,
            "rejected": 0,
            "ignored": 0,
            "not_cleared": 0,
        }
        assert second["targets"]["client_contacts"]["deleted"] == 1
