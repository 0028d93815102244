from __future__ import annotations

import logging
from pathlib import Path

import pytest
import requests
import requests_mock
from airbyte_cdk.models import Status

from destination_crm_contacts.destination import CHECK_TIMEOUT_SECONDS, DestinationCrmContacts
from unit_tests.builders import ConfigBuilder, crm_at_a_wrong_path
from unit_tests.fakes import (
    CLIENT_CONTACTS_URL,
    CRM_URL,
    FakeClientContacts,
    FakeCrm,
    answer_everything_under,
)

LOGGER = logging.getLogger("airbyte")


class TestCheckProvesTheApi:
    def test_given_both_targets_answer_then_check_writes_and_deletes_one_crm_contact_and_only_reads_the_other(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        status = DestinationCrmContacts().check(LOGGER, ConfigBuilder().build())

        assert status.status == Status.SUCCEEDED, status.message
        assert crm.calls == [
            ("GET", "/contacts"),  # a marker no contact holds: nothing
            ("POST", "/contacts"),
            ("GET", "/contacts"),  # its marker: found
            ("POST", "/contacts/edit"),
            ("GET", "/contacts"),  # its whole new name as a first name: not found, so it was split
            ("GET", "/contacts"),  # its new email: found
            ("DELETE", "/contacts"),
            ("GET", "/contacts"),  # its marker: gone
        ]
        assert crm.contacts == {}
        assert client_contacts.calls == [("GET", "/contacts")]
        assert client_contacts.documents == {}

    def test_given_a_crm_that_does_only_what_its_document_shows_then_check_succeeds(
        self, http: requests_mock.Mocker, client_contacts: FakeClientContacts
    ) -> None:
        crm = FakeCrm(http, strict=True)

        status = DestinationCrmContacts().check(LOGGER, ConfigBuilder().build())

        assert status.status == Status.SUCCEEDED, status.message
        assert crm.contacts == {}

    def test_given_a_crm_base_url_at_the_wrong_path_then_check_fails_naming_the_settings(
        self, http: requests_mock.Mocker, crm: FakeCrm
    ) -> None:
        config = crm_at_a_wrong_path(http)

        status = DestinationCrmContacts().check(LOGGER, config)

        assert status.status == Status.FAILED
        assert status.message == (
            "crm: POST /contacts answered HTTP 404: Not Found (no such path, so this is not the API's "
            "POST /contacts): check crm.base_url and crm.contacts_path."
        )

    def test_given_a_wrong_edit_path_then_check_names_it_and_deletes_its_contact(self, crm: FakeCrm) -> None:
        crm.mocker.register_uri("POST", f"{CRM_URL}/edit", status_code=404, json={"detail": "Not Found"})
        config = ConfigBuilder().only_crm().with_crm(edit_path="/edit").build()

        status = DestinationCrmContacts().check(LOGGER, config)

        assert status.status == Status.FAILED
        assert "Check crm.base_url and crm.edit_path." in status.message
        assert crm.contacts == {}

    def test_given_a_client_contacts_url_that_answers_something_else_then_check_names_the_settings(
        self, http: requests_mock.Mocker, crm: FakeCrm
    ) -> None:
        http.get(f"{CLIENT_CONTACTS_URL}/contacts", json=[{"id": 1}])

        status = DestinationCrmContacts().check(LOGGER, ConfigBuilder().build())

        assert status.status == Status.FAILED
        assert status.message.startswith(
            "client_contacts: GET /contacts answered, but not with the API's list"
        )
        assert status.message.endswith("check client_contacts.base_url and client_contacts.contacts_path.")

    def test_given_a_rate_limit_then_check_waits_it_out_and_succeeds(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        crm.fail("DELETE", "/contacts", 429, {"Retry-After": "0"})

        status = DestinationCrmContacts().check(LOGGER, ConfigBuilder().build())

        assert status.status == Status.SUCCEEDED, status.message
        assert crm.contacts == {}

    def test_given_a_dry_run_then_check_only_reads(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        status = DestinationCrmContacts().check(LOGGER, ConfigBuilder().with_option(dry_run=True).build())

        assert status.status == Status.SUCCEEDED
        assert [method for method, _ in crm.calls] == ["GET"]


class TestCheckFailures:
    def test_given_a_wrong_crm_key_then_check_names_the_crm_and_the_setting(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        status = DestinationCrmContacts().check(LOGGER, ConfigBuilder().with_crm(api_key="wrong").build())

        assert status.status == Status.FAILED
        assert status.message == "crm refused the API key (HTTP 401) for GET /contacts: check crm.api_key."
        assert crm.contacts == {}

    def test_given_a_server_error_then_check_fails_at_once_naming_the_host(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        client_contacts.fail("GET", "/contacts", 500)

        status = DestinationCrmContacts().check(LOGGER, ConfigBuilder().build())

        assert status.status == Status.FAILED
        assert status.message.startswith(
            "client_contacts: GET /contacts on contacts.test answered HTTP 500: injected 500 through 1 try"
        )
        assert client_contacts.count("GET", "/contacts") == 1

    def test_given_a_host_that_refuses_connections_then_check_names_the_host_and_the_setting(
        self, http: requests_mock.Mocker, client_contacts: FakeClientContacts
    ) -> None:
        refused = requests.exceptions.ConnectionError("[Errno 111] Connection refused")
        answer_everything_under(http, CRM_URL, exc=refused)

        status = DestinationCrmContacts().check(LOGGER, ConfigBuilder().build())

        assert status.status == Status.FAILED
        assert status.message == (
            "crm: GET /contacts on crm.test: the connection was refused (nothing listens at that host and "
            "port), 1 try: check crm.base_url and that the host is reachable from where the connector runs."
        )

    def test_given_a_host_that_never_answers_then_check_waits_once_and_names_request_timeout_seconds(
        self, http: requests_mock.Mocker, client_contacts: FakeClientContacts
    ) -> None:
        answer_everything_under(http, CRM_URL, exc=requests.exceptions.ConnectTimeout("timed out"))
        config = ConfigBuilder().with_option(request_timeout_seconds=30).build()

        status = DestinationCrmContacts().check(LOGGER, config)

        assert status.status == Status.FAILED
        assert "crm: GET /contacts on crm.test: the host did not accept a connection" in status.message
        assert "within request_timeout_seconds (4 s; check waits no longer" in status.message
        crm_requests = [r for r in http.request_history if r.netloc == "crm.test"]
        assert [r.timeout for r in crm_requests] == [CHECK_TIMEOUT_SECONDS]

    def test_given_a_read_timeout_then_the_message_names_request_timeout_seconds(
        self, http: requests_mock.Mocker, crm: FakeCrm
    ) -> None:
        http.get(f"{CLIENT_CONTACTS_URL}/contacts", exc=requests.exceptions.ReadTimeout("read timed out"))
        config = ConfigBuilder().with_option(request_timeout_seconds=2).build()

        status = DestinationCrmContacts().check(LOGGER, config)

        assert status.status == Status.FAILED
        assert status.message.startswith(
            "client_contacts: GET /contacts on contacts.test got no answer within "
            "request_timeout_seconds (2 s), 1 try: check client_contacts.base_url, or raise "
            "request_timeout_seconds if the API is slow."
        )

    @pytest.mark.parametrize("under", ["a-file/rejected.jsonl", "a-file"])
    def test_given_a_rejected_records_path_that_cannot_be_written_then_check_fails_before_any_request(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, tmp_path: Path, under: str
    ) -> None:
        (tmp_path / "a-file").write_text("")
        if under == "a-file":
            (tmp_path / "a-file").unlink()
            (tmp_path / "a-file").mkdir()
        path = tmp_path / under
        config = ConfigBuilder().with_option(rejected_records_path=str(path)).build()

        status = DestinationCrmContacts().check(LOGGER, config)

        assert status.status == Status.FAILED
        assert status.message.startswith(
            f"Invalid config: rejected_records_path {str(path)!r} cannot be written ("
        )
        assert "give a file in a folder the connector can write to" in status.message
        assert (crm.calls, client_contacts.calls) == ([], [])

    def test_given_no_target_enabled_then_check_says_which_setting_to_change(self) -> None:
        config = {"crm": {"enabled": False}, "client_contacts": {"enabled": False}}

        status = DestinationCrmContacts().check(LOGGER, config)

        assert status.status == Status.FAILED
        assert "No target is enabled: set crm.enabled or client_contacts.enabled" in status.message

    def test_given_an_enabled_target_without_key_then_check_says_so(self) -> None:
        status = DestinationCrmContacts().check(LOGGER, {"crm": {"enabled": True, "base_url": CRM_URL}})

        assert status.status == Status.FAILED
        assert "crm.api_key is missing" in status.message
