from __future__ import annotations

import logging

from airbyte_cdk.models import Status

from destination_crm_contacts.destination import DestinationCrmContacts
from unit_tests.builders import ConfigBuilder
from unit_tests.fakes import FakeClientContacts, FakeCrm

LOGGER = logging.getLogger("airbyte")


class TestCheck:
    def test_given_both_targets_answer_then_check_succeeds_without_writing(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        status = DestinationCrmContacts().check(LOGGER, ConfigBuilder().build())

        assert status.status == Status.SUCCEEDED
        assert [call[0] for call in crm.calls + client_contacts.calls] == ["GET", "GET"]

    def test_given_a_wrong_crm_key_then_check_names_the_crm_and_the_setting(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        status = DestinationCrmContacts().check(LOGGER, ConfigBuilder().with_crm(api_key="wrong").build())

        assert status.status == Status.FAILED
        assert "crm refused the API key (HTTP 401): check crm.api_key" in status.message
        assert "client_contacts" not in status.message
        assert "wrong" not in status.message

    def test_given_a_target_that_keeps_failing_then_check_names_it_and_why(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        for _ in range(3):
            client_contacts.fail("GET", "/contacts", 500)

        status = DestinationCrmContacts().check(LOGGER, ConfigBuilder().build())

        assert status.status == Status.FAILED
        assert status.message.startswith("client_contacts: GET /contacts failed")

    def test_given_no_target_enabled_then_check_says_which_setting_to_change(self) -> None:
        config = {"crm": {"enabled": False}, "client_contacts": {"enabled": False}}

        status = DestinationCrmContacts().check(LOGGER, config)

        assert status.status == Status.FAILED
        assert "No target is enabled: set crm.enabled or client_contacts.enabled" in status.message

    def test_given_an_enabled_target_without_key_then_check_says_so(self) -> None:
        status = DestinationCrmContacts().check(LOGGER, {"crm": {"enabled": True}})

        assert status.status == Status.FAILED
        assert "crm.api_key is missing" in status.message
