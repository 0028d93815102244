"""With its default settings the destination clears a Client Contacts field the way the server
takes it, and counts a write as done only when the answer says so."""

from __future__ import annotations

from typing import Any

import pytest
import requests_mock

from unit_tests.builders import ConfigBuilder, catalog, custom_contact, record, state
from unit_tests.conftest import totals_of, write
from unit_tests.fakes import CLIENT_CONTACTS_URL, FakeClientContacts

CONFIG = ConfigBuilder().only_client_contacts().build()
IDS = [str(n) for n in range(10)]


def sync(**fields: Any) -> None:
    write(CONFIG, catalog(), [*(record(custom_contact(key, **fields)) for key in IDS), state(1)])


class TestClearingAField:
    @pytest.mark.parametrize(
        ("nulls", "put"),
        [("refused", "replaces"), ("taken", "merges"), ("taken", "replaces")],
    )
    def test_given_empty_strings_refused_when_a_phone_is_emptied_then_every_update_lands_and_clears_it(
        self, http: requests_mock.Mocker, nulls: str, put: str, log_records: pytest.LogCaptureFixture
    ) -> None:
        server = FakeClientContacts(http, readings={"empty_strings": "refused", "nulls": nulls, "put": put})
        sync()

        sync(first_name="Augusta", phones=[{"number": "+44207000009", "label": "work"}])

        assert len(server.documents) == len(IDS)
        for document in server.documents.values():
            assert document["name"] == "Augusta Lovelace"
            assert document.get("phone2") in (None, "")
        counts = totals_of(log_records)["client_contacts"]
        assert (counts["updated"], counts["rejected"], counts["not_cleared"]) == (len(IDS), 0, 0)

    def test_given_no_empty_string_nor_null_under_a_merging_put_then_updates_land_and_kept_fields_count(
        self, http: requests_mock.Mocker, log_records: pytest.LogCaptureFixture
    ) -> None:
        server = FakeClientContacts(
            http, readings={"empty_strings": "refused", "nulls": "refused", "put": "merges"}
        )
        sync()

        sync(first_name="Augusta", phones=[{"number": "+44207000009", "label": "work"}])

        assert {document["name"] for document in server.documents.values()} == {"Augusta Lovelace"}
        counts = totals_of(log_records)["client_contacts"]
        assert (counts["updated"], counts["rejected"], counts["not_cleared"]) == (len(IDS), 0, len(IDS))

    def test_given_a_server_answering_refusals_with_200_when_it_refuses_empty_strings_then_updates_still_land(
        self, http: requests_mock.Mocker, log_records: pytest.LogCaptureFixture
    ) -> None:
        server = FakeClientContacts(
            http,
            readings={
                "empty_strings": "refused",
                "nulls": "refused",
                "put": "replaces",
                "errors": "success_false",
            },
        )
        sync()

        sync(first_name="Augusta", phones=[{"number": "+44207000009", "label": "work"}])

        assert {document["name"] for document in server.documents.values()} == {"Augusta Lovelace"}
        assert all("phone2" not in document for document in server.documents.values())
        assert totals_of(log_records)["client_contacts"]["updated"] == len(IDS)


class TestOnlyProvenWritesCount:
    def test_given_updates_answered_200_with_success_false_then_none_is_counted_updated(
        self, http: requests_mock.Mocker, log_records: pytest.LogCaptureFixture
    ) -> None:
        server = FakeClientContacts(http)
        sync()
        refused = {"success": False, "error": "contact is locked"}
        for document_id in server.documents:
            http.put(f"{CLIENT_CONTACTS_URL}/contacts/{document_id}", json=refused)

        sync(first_name="Augusta")

        counts = totals_of(log_records)["client_contacts"]
        assert (counts["updated"], counts["rejected"]) == (0, len(IDS))
        assert {document["name"] for document in server.documents.values()} == {"Ada Lovelace"}

    def test_given_a_create_answered_200_with_success_false_then_it_is_rejected_not_created(
        self, http: requests_mock.Mocker, log_records: pytest.LogCaptureFixture
    ) -> None:
        FakeClientContacts(http)
        http.post(f"{CLIENT_CONTACTS_URL}/contacts", json={"success": False, "error": "quota reached"})

        sync()

        counts = totals_of(log_records)["client_contacts"]
        assert (counts["created"], counts["rejected"]) == (0, len(IDS))

    def test_given_an_update_answered_200_saying_not_found_then_the_contact_is_created_again(
        self, http: requests_mock.Mocker, log_records: pytest.LogCaptureFixture
    ) -> None:
        server = FakeClientContacts(http)
        sync()
        [document] = server.by_key("1")
        not_found = {"success": False, "error": f"document {document['_id']} not found"}
        http.put(f"{CLIENT_CONTACTS_URL}/contacts/{document['_id']}", json=not_found)
        del server.documents[document["_id"]]

        sync(first_name="Augusta")

        assert [d["name"] for d in server.by_key("1")] == ["Augusta Lovelace"]
        counts = totals_of(log_records)["client_contacts"]
        assert (counts["created"], counts["updated"], counts["rejected"]) == (1, len(IDS) - 1, 0)
