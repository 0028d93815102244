"""Transient failures are retried; a create is never repeated without a lookup first."""

from __future__ import annotations

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from unit_tests.builders import ConfigBuilder, catalog, custom_contact, record, state
from unit_tests.conftest import states_of, write, write_one_contact
from unit_tests.fakes import FakeClientContacts, FakeCrm


class TestCreateWhoseAnswerIsLost:
    def test_given_a_create_that_commits_but_times_out_then_exactly_one_contact_exists(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        crm.lose_answer("POST", "/contacts")
        client_contacts.lose_answer("POST", "/contacts")

        output = write_one_contact(ConfigBuilder().build())

        assert len(states_of(output)) == 1
        assert len(crm.contacts) == 1
        assert len(crm.by_marker("1")) == 1
        assert len(client_contacts.documents) == 1
        assert len(client_contacts.by_key("1")) == 1
        assert (crm.count("POST", "/contacts"), client_contacts.count("POST", "/contacts")) == (1, 1)

    def test_given_a_create_answered_500_that_did_not_commit_then_it_is_tried_again_once(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        crm.fail("POST", "/contacts", 500)
        client_contacts.fail("POST", "/contacts", 503)

        write_one_contact(ConfigBuilder().build())

        assert (len(crm.contacts), len(client_contacts.documents)) == (1, 1)
        assert (crm.count("POST", "/contacts"), client_contacts.count("POST", "/contacts")) == (2, 2)

    def test_given_a_dropped_connection_on_create_then_it_is_looked_up_and_tried_again(
        self, crm: FakeCrm
    ) -> None:
        crm.drop_connection("POST", "/contacts")

        write_one_contact(ConfigBuilder().only_crm().build())

        assert len(crm.by_marker("1")) == 1
        assert crm.count("POST", "/contacts") == 2

    def test_given_creates_that_always_fail_then_the_sync_fails_naming_the_target(self, crm: FakeCrm) -> None:
        for _ in range(3):
            crm.fail("POST", "/contacts", 502)
        config = ConfigBuilder().only_crm().with_option(max_retries=2).build()

        with pytest.raises(
            AirbyteTracedException, match="crm: creating the contact of source key 1 failed 3 times"
        ):
            write_one_contact(config)


class TestIdempotentCallsAreRetried:
    def test_given_a_429_with_retry_after_on_an_edit_then_the_edit_is_retried(self, crm: FakeCrm) -> None:
        config = ConfigBuilder().only_crm().build()
        write_one_contact(config)
        crm.fail("POST", "/contacts/edit", 429, {"Retry-After": "0"})

        output = write(config, catalog(), [record(custom_contact("1", first_name="Augusta")), state(2)])

        assert len(states_of(output)) == 1
        assert crm.by_marker("1")[0]["first_name"] == "Augusta"
        assert crm.count("POST", "/contacts/edit") == 2

    def test_given_a_503_on_a_delete_then_the_delete_is_retried(
        self, client_contacts: FakeClientContacts
    ) -> None:
        config = ConfigBuilder().only_client_contacts().build()
        write_one_contact(config)
        client_contacts.fail("DELETE", "/contacts/<id>", 503, {"Retry-After": "0"})

        write(
            config, catalog(), [record({"id": "1", "_ab_cdc_deleted_at": "2026-01-01T00:00:00Z"}), state(2)]
        )

        assert client_contacts.documents == {}
        assert client_contacts.count("DELETE", "/contacts/<id>") == 2
