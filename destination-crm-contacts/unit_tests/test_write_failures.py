"""Only a refusal of a record's own content rejects that record: any other failure of a target
fails the sync before the state that follows is confirmed."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests_mock
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from unit_tests.builders import (
    CRM_ONLY,
    ConfigBuilder,
    catalog,
    crm_at_a_wrong_path,
    custom_contact,
    record,
    state,
    tombstone,
)
from unit_tests.conftest import states_of, totals_of, write, write_one_contact
from unit_tests.fakes import CLIENT_CONTACTS_URL, CRM_URL, FakeClientContacts, FakeCrm


def failed_write(config: dict, messages: list) -> AirbyteTracedException:
    output: list = []
    with pytest.raises(AirbyteTracedException) as failure:
        output.extend(write(config, catalog(), messages))
    assert states_of(output) == []
    return failure.value


class TestTargetFailuresFailTheSync:
    def test_given_a_crm_base_url_at_the_wrong_path_when_50_records_are_written_then_no_state_is_confirmed(
        self, http: requests_mock.Mocker
    ) -> None:
        config = crm_at_a_wrong_path(http)

        error = failed_write(config, [record(custom_contact(str(n))) for n in range(50)] + [state(1)])

        assert error.failure_type == FailureType.config_error
        assert error.message == (
            "crm: POST /contacts answered HTTP 404: Not Found (no such path, so this is not the API's "
            "POST /contacts): check crm.base_url and crm.contacts_path."
        )

    def test_given_a_key_refused_mid_sync_then_the_sync_fails_naming_the_setting(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        crm.fail("POST", "/contacts", 401)

        error = failed_write(ConfigBuilder().build(), [record(custom_contact("1")), state(1)])

        assert error.failure_type == FailureType.config_error
        assert error.message == "crm refused the API key (HTTP 401) for POST /contacts: check crm.api_key."

    def test_given_an_update_method_the_api_does_not_allow_then_the_sync_fails_naming_it(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        write_one_contact(ConfigBuilder().build())
        client_contacts.fail("PUT", "/contacts/<id>", 405)

        error = failed_write(
            ConfigBuilder().build(), [record(custom_contact("1", first_name="Augusta")), state(2)]
        )

        assert error.failure_type == FailureType.config_error
        assert "client_contacts: PUT /contacts/<_id> answered HTTP 405" in error.message
        assert "client_contacts.contacts_path and client_contacts.update_method." in error.message

    def test_given_a_crm_delete_refused_then_the_sync_fails_naming_delete_id_in(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        config = ConfigBuilder().only_crm().with_crm(delete_id_in="body").build()
        write_one_contact(config)
        crm.fail("DELETE", "/contacts", 400)

        error = failed_write(config, [tombstone("1"), state(2)])

        assert error.failure_type == FailureType.config_error
        assert "crm.delete_id_in" in error.message
        assert len(crm.by_marker("1")) == 1

    def test_given_server_errors_through_every_retry_then_the_sync_fails_as_transient_naming_the_host(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        config = ConfigBuilder().only_client_contacts().with_option(max_retries=1).build()
        write_one_contact(config)
        for _ in range(2):
            client_contacts.fail("PUT", "/contacts/<id>", 503, {"Retry-After": "0"})

        error = failed_write(config, [record(custom_contact("1", first_name="Augusta")), state(2)])

        assert error.failure_type == FailureType.transient_error
        assert error.message.startswith(
            "client_contacts: PUT /contacts/" + client_contacts.by_key("1")[0]["_id"] + " on contacts.test "
            "answered HTTP 503: injected 503 through 2 tries: the API is failing; retry the sync later"
        )

    def test_given_a_content_refusal_then_only_that_record_is_rejected(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        crm.fail("POST", "/contacts", 422)

        output = write(
            CRM_ONLY,
            catalog(),
            [record(custom_contact("1")), state(1), record(custom_contact("2")), state(2)],
        )

        assert len(states_of(output)) == 2
        assert len(crm.contacts) == 1

    def test_given_a_rejected_records_path_under_a_file_then_the_write_fails_before_any_request(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, tmp_path: Path
    ) -> None:
        (tmp_path / "a-file").write_text("")
        config = (
            ConfigBuilder().with_option(rejected_records_path=str(tmp_path / "a-file" / "r.jsonl")).build()
        )

        error = failed_write(config, [record(custom_contact("1")), state(1)])

        assert error.failure_type == FailureType.config_error
        assert error.message.startswith("rejected_records_path ")
        assert (crm.calls, client_contacts.calls) == ([], [])


def answer_500_for(http: requests_mock.Mocker, method: str, url: str, email: str) -> None:
    """Every request carrying `email` gets a 500, whatever the retry: a record the server cannot take."""
    http.register_uri(
        method,
        url,
        status_code=500,
        json={"error": "Internal Server Error"},
        additional_matcher=lambda request: email in (request.text or ""),
    )


class TestAFiveHundredForOneRecord:
    def test_given_a_create_that_always_answers_500_while_others_succeed_then_only_that_record_is_rejected(
        self, http: requests_mock.Mocker, crm: FakeCrm, log_records: pytest.LogCaptureFixture
    ) -> None:
        answer_500_for(http, "POST", f"{CRM_URL}/contacts", "ada7@example.com")

        output = write(
            CRM_ONLY,
            catalog(),
            [*(record(custom_contact(str(n))) for n in range(10)), state(1)],
        )

        assert len(states_of(output)) == 1
        assert sorted(c["notes"] for c in crm.contacts.values()) == sorted(
            f"[source-id:{n}]" for n in range(10) if n != 7
        )
        assert totals_of(log_records)["crm"]["rejected"] == 1

    def test_given_a_sync_of_that_record_alone_then_it_is_rejected_and_the_state_confirmed(
        self, http: requests_mock.Mocker, crm: FakeCrm, log_records: pytest.LogCaptureFixture
    ) -> None:
        answer_500_for(http, "POST", f"{CRM_URL}/contacts", "ada7@example.com")

        output = write(CRM_ONLY, catalog(), [record(custom_contact("7")), state(1)])

        assert len(states_of(output)) == 1
        assert totals_of(log_records)["crm"]["rejected"] == 1

    def test_given_an_update_that_always_answers_500_then_only_that_record_is_rejected(
        self,
        http: requests_mock.Mocker,
        client_contacts: FakeClientContacts,
        log_records: pytest.LogCaptureFixture,
    ) -> None:
        config = ConfigBuilder().only_client_contacts().with_option(max_retries=1).build()
        write(config, catalog(), [*(record(custom_contact(str(n))) for n in range(3)), state(1)])
        [document] = client_contacts.by_key("1")
        answer_500_for(http, "PUT", f"{CLIENT_CONTACTS_URL}/contacts/{document['_id']}", "ada1@example.com")

        output = write(
            config,
            catalog(),
            [*(record(custom_contact(str(n), first_name="Augusta")) for n in range(3)), state(2)],
        )

        assert len(states_of(output)) == 1
        assert sorted(d["name"] for d in client_contacts.documents.values()) == [
            "Ada Lovelace",
            "Augusta Lovelace",
            "Augusta Lovelace",
        ]
        assert totals_of(log_records)["client_contacts"]["rejected"] == 1
