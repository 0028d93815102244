"""What each sync mode leaves in the targets."""

from __future__ import annotations

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from unit_tests.builders import (
    CLIENT_CONTACTS_ONLY,
    COMPLETE,
    CRM_ONLY,
    ConfigBuilder,
    catalog,
    company_contact,
    custom_contact,
    custom_records,
    record,
    state,
    tombstone,
)
from unit_tests.conftest import totals_of, write, write_one_contact
from unit_tests.fakes import FakeClientContacts, FakeCrm

ONE_RECORD_BATCHES = ConfigBuilder().with_option(batch_max_records=1).build()


class TestAppendDedup:
    def test_given_new_contacts_when_written_then_each_target_holds_one_per_record(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        write(
            ConfigBuilder().build(),
            catalog(),
            [record(custom_contact("1")), record(company_contact("2")), state(1)],
        )

        assert [c["email"] for c in crm.by_marker("1")] == ["ada1@example.com"]
        assert crm.by_marker("2")[0]["notes"] == "[source-id:2]"
        assert crm.by_marker("1")[0]["company"] == "Analytical Engines"
        assert [d["name"] for d in client_contacts.by_key("1")] == ["Ada Lovelace"]
        assert client_contacts.by_key("2")[0]["cover_photo"] == "https://cdn.example.com/2.jpg"

    def test_given_the_same_records_when_written_again_then_nothing_is_written(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        messages = [*custom_records(*range(5)), state(1)]
        write(ConfigBuilder().build(), catalog(), messages)
        crm.calls.clear()
        client_contacts.calls.clear()

        write(ConfigBuilder().build(), catalog(), messages)

        assert (crm.writes, client_contacts.writes) == (0, 0)
        assert (len(crm.contacts), len(client_contacts.documents)) == (5, 5)

    def test_given_a_changed_record_when_written_then_name_email_and_phone_are_edited_and_the_rest_kept(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        write_one_contact(ConfigBuilder().build())
        changed = custom_contact(
            "1", last_name="King", company="Elsewhere", emails=[{"email": "ada@king.test"}]
        )

        write(ConfigBuilder().build(), catalog(), [record(changed), state(2)])

        [contact] = crm.by_marker("1")
        assert (contact["last_name"], contact["email"], contact["company"]) == (
            "King",
            "ada@king.test",
            "Analytical Engines",
        )
        [document] = client_contacts.by_key("1")
        assert (document["name"], document["email"]) == ("Ada King", "ada@king.test")

    def test_given_a_contact_edited_in_a_sync_when_sent_again_unchanged_then_it_is_not_edited_twice(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        write_one_contact(ConfigBuilder().build())
        changed = custom_contact("1", last_name="King", emails=[{"email": "Ada@King.test"}])
        crm.calls.clear()
        client_contacts.calls.clear()

        # Each state closes a batch: the second send is decided from what the index kept of the edit.
        write(ConfigBuilder().build(), catalog(), [record(changed), state(2), record(changed), state(3)])

        assert crm.count("POST", "/contacts/edit") == 1
        assert client_contacts.count("PUT", "/contacts/<id>") == 1

    def test_given_a_phone_removed_at_the_source_when_written_then_the_client_contact_loses_it(
        self, client_contacts: FakeClientContacts
    ) -> None:
        write_one_contact(CLIENT_CONTACTS_ONLY)

        write(CLIENT_CONTACTS_ONLY, catalog(), [record(custom_contact("1", phones=[])), state(2)])

        [document] = client_contacts.by_key("1")
        assert (document["phone1"], document["phone2"]) == ("", "")

    def test_given_a_phone_removed_at_the_source_when_written_then_the_crm_keeps_it_and_it_is_counted(
        self, crm: FakeCrm, log_records: pytest.LogCaptureFixture
    ) -> None:
        # The CRM's edit cannot clear a phone: null is not a phone, nor is "".
        write_one_contact(CRM_ONLY)
        phone = crm.by_marker("1")[0]["phone"]
        without_phone = record(custom_contact("1", phones=[], last_name="King"))

        write(CRM_ONLY, catalog(), [without_phone, state(2)])

        [contact] = crm.by_marker("1")
        assert (contact["phone"], contact["last_name"]) == (phone, "King")
        assert crm.count("POST", "/contacts/edit") == 1
        assert totals_of(log_records)["crm"]["updated"] == 1
        assert totals_of(log_records)["crm"]["not_cleared"] == 1
        assert totals_of(log_records)["crm"]["rejected"] == 0

    def test_given_changes_across_batches_when_written_then_the_last_one_wins(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        messages = [
            record(custom_contact("1")),
            record(custom_contact("1", first_name="Augusta")),
            tombstone("1"),
            record(custom_contact("2")),
            tombstone("2"),
            record(custom_contact("2", first_name="Back")),
            state(1),
        ]

        write(ONE_RECORD_BATCHES, catalog(), messages)

        assert crm.by_marker("1") == []
        assert client_contacts.by_key("1") == []
        assert [c["first_name"] for c in crm.by_marker("2")] == ["Back"]
        assert [d["name"] for d in client_contacts.by_key("2")] == ["Back Lovelace"]

    def test_given_a_tombstone_for_a_contact_already_gone_then_the_sync_succeeds(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        output = write(ConfigBuilder().build(), catalog(), [tombstone("404"), state(1)])

        assert [m.state.destinationStats.recordCount for m in output if m.state] == [1.0]

    def test_given_an_unmarked_crm_contact_with_the_same_email_then_it_is_adopted_not_duplicated(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        existing = crm.add(first_name="Ada", last_name="L.", email="ada1@example.com", notes="met at a fair")

        write_one_contact(CRM_ONLY)

        assert list(crm.contacts) == [existing]
        assert crm.contacts[existing]["last_name"] == "Lovelace"
        assert crm.contacts[existing]["notes"] == "met at a fair"

    def test_given_a_crm_contact_with_the_same_email_marked_for_another_id_then_it_is_not_adopted(
        self, crm: FakeCrm
    ) -> None:
        other = crm.add(first_name="Ada", email="ada1@example.com", notes="[source-id:99]")

        write_one_contact(CRM_ONLY)

        assert crm.contacts[other]["notes"] == "[source-id:99]"
        assert len(crm.by_marker("1")) == 1

    def test_given_a_marker_that_prefixes_another_then_each_key_finds_its_own_contact(
        self, crm: FakeCrm
    ) -> None:
        write(CRM_ONLY, catalog(), [record(custom_contact("12")), record(custom_contact("123")), state(1)])

        write(CRM_ONLY, catalog(), [tombstone("12"), state(2)])

        assert crm.by_marker("12") == []
        assert len(crm.by_marker("123")) == 1

    def test_given_crm_search_answers_with_ids_only_then_contacts_are_found_by_marker_each_time(
        self, crm: FakeCrm
    ) -> None:
        crm.id_only = True
        write_one_contact(CRM_ONLY)

        write(CRM_ONLY, catalog(), [record(custom_contact("1", first_name="Augusta")), state(2)])
        write(CRM_ONLY, catalog(), [tombstone("1"), state(3)])

        assert crm.contacts == {}
        assert crm.count("POST", "/contacts") == 1

    def test_given_many_managed_documents_then_the_index_is_read_once_per_sync(
        self, client_contacts: FakeClientContacts
    ) -> None:
        for i in range(250):
            client_contacts.add(
                name=f"Person {i}", integration_meta={"external_id": str(i), "sync_status": "active"}
            )

        write(CLIENT_CONTACTS_ONLY, catalog(), [*custom_records(*range(0, 250, 10)), state(1)])

        assert client_contacts.count("GET", "/contacts") == 3  # 250 documents, 100 a page
        assert client_contacts.count("PUT", "/contacts/<id>") == 25
        assert client_contacts.by_key("10")[0]["integration_meta"] == {
            "external_id": "10",
            "sync_status": "active",
        }


class TestAppend:
    def test_given_append_when_records_arrive_then_each_is_created_and_tombstones_are_ignored(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        config = ConfigBuilder().build()
        write(config, catalog(("contacts", "append")), [record(custom_contact("1")), state(1)])

        write(
            config, catalog(("contacts", "append")), [record(custom_contact("1")), tombstone("1"), state(2)]
        )

        assert (len(crm.contacts), len(client_contacts.documents)) == (2, 2)


class TestOverwrite:
    def test_given_overwrite_then_managed_contacts_missing_from_the_sync_are_deleted_and_others_kept(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        config = ConfigBuilder().build()
        write(config, catalog(), [*custom_records(*range(4)), state(1)])
        unmanaged_crm = crm.add(first_name="Someone", email="someone@example.com")
        unmanaged_cc = client_contacts.add(name="Someone")

        write(
            config,
            catalog(("contacts", "overwrite")),
            [*custom_records("1", "3"), COMPLETE],
        )

        assert sorted(c["notes"] for c in crm.contacts.values() if c.get("notes")) == [
            "[source-id:1]",
            "[source-id:3]",
        ]
        assert unmanaged_crm in crm.contacts
        assert unmanaged_cc in client_contacts.documents
        assert sorted(
            client_contacts.documents[d]["integration_meta"]["external_id"]
            for d in client_contacts.documents
            if d != unmanaged_cc
        ) == ["1", "3"]


class TestUnsupportedModes:
    @pytest.mark.parametrize("mode", ["soft_delete", "update"])
    def test_given_a_mode_outside_the_spec_when_writing_then_a_config_error_comes_before_any_write(
        self, mode: str, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        with pytest.raises(AirbyteTracedException) as raised:
            write(ConfigBuilder().build(), catalog(("contacts", mode)), [tombstone("1"), state(1)])

        assert raised.value.failure_type == FailureType.config_error
        assert f"destination sync mode {mode!r}" in str(raised.value.message)
        assert "append, append_dedup, overwrite" in str(raised.value.message)
        assert crm.calls == []
        assert client_contacts.calls == []
