"""What an update leaves in a Client Contacts document, whichever way the server reads the API:
PUT merging the fields it is sent, PUT replacing the writable fields with them, or PATCH."""

from __future__ import annotations

import pytest
import requests_mock

from unit_tests.builders import CLIENT_CONTACTS_ONLY, ConfigBuilder, catalog, custom_contact, record, state
from unit_tests.conftest import totals_of, write, write_one_contact
from unit_tests.fakes import FakeClientContacts

READINGS = [
    pytest.param(False, "PUT", id="put-merges"),
    pytest.param(True, "PUT", id="put-replaces"),
    pytest.param(True, "PATCH", id="patch"),
]


@pytest.mark.parametrize(("strict", "method"), READINGS)
class TestUpdates:
    def test_given_a_changed_contact_then_the_update_keeps_what_the_connector_does_not_write(
        self, http: requests_mock.Mocker, strict: bool, method: str, log_records: pytest.LogCaptureFixture
    ) -> None:
        server = FakeClientContacts(http, strict=strict)
        document = server.add(
            name="Ada Lovelace",
            email="ada1@example.com",
            phone1="+44207000001",
            phone2="+44777",
            title="Countess",
            media=["https://cdn.example.com/ada.png"],
            integration_meta={"external_id": "1", "sync_status": "active"},
        )
        config = ConfigBuilder().only_client_contacts().with_client_contacts(update_method=method).build()

        write(config, catalog(), [record(custom_contact("1", last_name="King", phones=[])), state(1)])

        stored = server.documents[document]
        assert (stored["name"], stored["email"]) == ("Ada King", "ada1@example.com")
        assert (stored.get("phone1"), stored.get("phone2")) == ("", "")
        assert (stored["title"], stored["media"]) == ("Countess", ["https://cdn.example.com/ada.png"])
        assert stored["integration_meta"] == {"external_id": "1", "sync_status": "active"}
        assert server.count(method, "/contacts/<id>") == 1
        assert totals_of(log_records)["client_contacts"]["rejected"] == 0

    def test_given_an_email_emptied_at_the_source_then_the_update_goes_through_and_counts_it(
        self, http: requests_mock.Mocker, strict: bool, method: str, log_records: pytest.LogCaptureFixture
    ) -> None:
        # An email must be an address: "" is refused by a strict server, so it is not sent.
        server = FakeClientContacts(http, strict=strict)
        config = ConfigBuilder().only_client_contacts().with_client_contacts(update_method=method).build()
        write_one_contact(config)

        write(config, catalog(), [record(custom_contact("1", emails=[], first_name="Augusta")), state(2)])

        [stored] = server.documents.values()
        assert stored["name"] == "Augusta Lovelace"
        counts = totals_of(log_records)["client_contacts"]
        assert (counts["updated"], counts["not_cleared"], counts["rejected"]) == (1, 1, 0)

    def test_given_an_update_then_a_second_sync_finds_nothing_to_change(
        self, http: requests_mock.Mocker, strict: bool, method: str
    ) -> None:
        server = FakeClientContacts(http, strict=strict)
        config = ConfigBuilder().only_client_contacts().with_client_contacts(update_method=method).build()
        write_one_contact(config)
        changed = [record(custom_contact("1", phones=[{"number": "+1555"}], first_name="Augusta")), state(2)]
        write(config, catalog(), changed)
        server.calls.clear()

        write(config, catalog(), changed)

        assert server.calls == [("GET", "/contacts")]
        [stored] = server.documents.values()
        assert (stored["name"], stored["phone1"], stored["phone2"]) == ("Augusta Lovelace", "+1555", "")


def test_given_a_strict_server_when_a_record_lacks_optional_fields_then_the_create_sends_no_null(
    http: requests_mock.Mocker, log_records: pytest.LogCaptureFixture
) -> None:
    server = FakeClientContacts(http, strict=True)

    write(
        CLIENT_CONTACTS_ONLY,
        catalog(),
        [record(custom_contact("1", phones=[], emails=[])), state(1)],
    )

    [stored] = server.documents.values()
    assert set(stored) == {"_id", "__v", "name", "integration_meta"}
    assert totals_of(log_records)["client_contacts"]["rejected"] == 0
