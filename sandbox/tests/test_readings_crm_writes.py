"""The CRM writes' readings (create, edit, delete, refusals), one at a time, over the lenient preset."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import (
    CRM,
    JOHN,
    create_crm_contact,
    crm_dump,
    crm_sending,
    each_reading,
    each_reading_taking,
    for_a_new_crm_contact,
    read_as,
    refused,
)
from tests.helpers import CRM_CONTACTS as CONTACTS

EDIT = f"{CONTACTS}/edit"


class TestEditSpelling:
    @pytest.mark.parametrize(
        ("reading", "taken", "other"),
        [
            ("table", ("contact_id", "update_fields"), ("contactID", "updateFields")),
            ("example", ("contactID", "updateFields"), ("contact_id", "update_fields")),
        ],
    )
    def test_given_one_spelling_and_the_other_refused_when_editing_then_only_that_one_edits(
        self, client: TestClient, reading: str, taken: tuple[str, str], other: tuple[str, str]
    ) -> None:
        read_as(client, {"crm.edit_spelling": reading, "crm.other_spelling": "refused"})
        contact_id = create_crm_contact(client)
        refusal = refused(
            client.post(EDIT, json={other[0]: contact_id, other[1]: {"email": "a@b.c"}}, headers=CRM)
        )
        assert other[0] in refusal
        assert crm_dump(client)[0]["email"] == JOHN["email"]
        answer = client.post(EDIT, json={taken[0]: contact_id, taken[1]: {"email": "a@b.c"}}, headers=CRM)
        assert answer.json() == {"id": contact_id}
        assert crm_dump(client)[0]["email"] == "a@b.c"

    @pytest.mark.parametrize(
        ("reading", "other"),
        [("table", ("contactID", "updateFields")), ("example", ("contact_id", "update_fields"))],
    )
    def test_given_the_other_spelling_ignored_when_editing_in_it_then_200_an_empty_id_and_unchanged(
        self, client: TestClient, reading: str, other: tuple[str, str]
    ) -> None:
        read_as(client, {"crm.edit_spelling": reading, "crm.other_spelling": "ignored"})
        contact_id = create_crm_contact(client)
        before = crm_dump(client)
        answer = client.post(EDIT, json={other[0]: contact_id, other[1]: {"email": "a@b.c"}}, headers=CRM)
        assert (answer.status_code, answer.json()) == (200, {"id": ""})
        assert crm_dump(client) == before

    def test_given_table_and_ignored_when_the_changes_use_the_example_spelling_then_the_id_unchanged(
        self, client: TestClient
    ) -> None:
        read_as(client, {"crm.edit_spelling": "table", "crm.other_spelling": "ignored"})
        contact_id = create_crm_contact(client)
        before = crm_dump(client)
        answer = client.post(
            EDIT, json={"contact_id": contact_id, "updateFields": {"email": "a@b.c"}}, headers=CRM
        )
        assert answer.json() == {"id": contact_id}
        assert crm_dump(client) == before

    @pytest.mark.parametrize(
        ("id_name", "fields_name"), [("contact_id", "update_fields"), ("contactID", "updateFields")]
    )
    def test_given_either_when_editing_in_each_spelling_then_edited(
        self, client: TestClient, id_name: str, fields_name: str
    ) -> None:
        read_as(client, {"crm.edit_spelling": "either"})
        contact_id = create_crm_contact(client)
        client.post(EDIT, json={id_name: contact_id, fields_name: {"email": "a@b.c"}}, headers=CRM)
        assert crm_dump(client)[0]["email"] == "a@b.c"

    @each_reading(
        "crm.edit_spelling",
        ("body", "named"),
        [
            ("table", {"update_fields": {"email": "a@b.c"}}, "contact_id"),
            ("example", {"updateFields": {"email": "a@b.c"}}, "contactID"),
            ("example", {"contactID": "X"}, "updateFields"),
        ],
    )
    def test_given_one_spelling_when_a_field_is_missing_then_400_naming_it_in_that_spelling(
        self, client: TestClient, body: dict[str, Any], named: str
    ) -> None:
        body = for_a_new_crm_contact(client, body)
        assert f"{named} is required" in refused(client.post(EDIT, json=body, headers=CRM))


class TestExtraFields:
    @each_reading("crm.extra_fields", ("status",), [("ignored", 200), ("refused", 400)])
    def test_given_a_reading_when_an_edit_or_delete_sends_a_field_not_named_then_taken_or_refused(
        self, client: TestClient, status: int
    ) -> None:
        contact_id = create_crm_contact(client)
        edit = {"contact_id": contact_id, "update_fields": {"email": "a@b.c"}, "force": True}
        assert client.post(EDIT, json=edit, headers=CRM).status_code == status
        delete = {"contact_id": contact_id, "force": True}
        assert crm_sending(client, "DELETE", "body", delete).status_code == status


class TestPhone:
    def test_given_text_when_creating_with_a_string_or_an_integer_then_kept_as_text(
        self, client: TestClient
    ) -> None:
        read_as(client, {"crm.phone": "text"})
        create_crm_contact(client, phone="+1234567890")
        create_crm_contact(client, phone=1234567890)
        assert [contact["phone"] for contact in crm_dump(client)] == ["+1234567890", "1234567890"]

    def test_given_integer_when_sending_a_string_phone_then_400_naming_the_field_and_its_type(
        self, client: TestClient
    ) -> None:
        read_as(client, {"crm.phone": "integer"})
        message = refused(client.post(CONTACTS, json={**JOHN, "phone": "+1234567890"}, headers=CRM))
        assert "phone" in message
        assert "Integer" in message
        contact_id = create_crm_contact(client, phone=1234567890)
        edit = {"contact_id": contact_id, "update_fields": {"phone": "555"}}
        assert "Integer" in refused(client.post(EDIT, json=edit, headers=CRM))
        assert crm_dump(client)[0]["phone"] == 1234567890


class TestEditName:
    @each_reading(
        "crm.edit_name",
        ("first", "last"),
        [("split", "Jane", "Mary Roe"), ("first_name", "Jane Mary Roe", "Doe")],
    )
    def test_given_a_reading_when_editing_the_name_then_first_and_last_name_as_it_says(
        self, client: TestClient, first: str, last: str
    ) -> None:
        contact_id = create_crm_contact(client)
        client.post(
            EDIT, json={"contact_id": contact_id, "update_fields": {"name": "Jane Mary Roe"}}, headers=CRM
        )
        stored = crm_dump(client)[0]
        assert (stored["first_name"], stored["last_name"]) == (first, last)


class TestNulls:
    @each_reading("crm.nulls", ("status",), [("taken", 200), ("refused", 400)])
    def test_given_a_reading_when_creating_with_a_null_then_taken_or_refused(
        self, client: TestClient, status: int
    ) -> None:
        assert client.post(CONTACTS, json={**JOHN, "company": None}, headers=CRM).status_code == status


class TestRefusal:
    @each_reading("crm.refusal", ("status",), [("400", 400), ("422", 422)])
    def test_given_a_status_reading_when_content_is_invalid_then_that_status_naming_the_field(
        self, client: TestClient, status: int
    ) -> None:
        response = client.post(CONTACTS, json={"first_name": "Ann"}, headers=CRM)
        assert (response.status_code, response.json()) == (status, {"error": "email is required"})

    def test_given_500_when_content_is_invalid_then_an_unhelpful_500(self, client: TestClient) -> None:
        read_as(client, {"crm.refusal": "500"})
        response = client.post(CONTACTS, json={"first_name": "Ann"}, headers=CRM)
        assert response.status_code == 500
        assert response.text == "Internal Server Error"
        assert not response.headers["content-type"].startswith("application/json")
        assert crm_dump(client) == []

    def test_given_500_when_the_contact_is_unknown_then_still_404(self, client: TestClient) -> None:
        read_as(client, {"crm.refusal": "500"})
        edit = {"contact_id": "1" * 20, "update_fields": {"email": "a@b.c"}}
        assert client.post(EDIT, json=edit, headers=CRM).status_code == 404


class TestDeleteIdIn:
    @each_reading_taking(
        "crm.delete_id_in",
        ("where", "deleted"),
        {"any": ("body", "query"), "body": ("body",), "query": ("query",), "path": ("path",)},
        ["body", "query", "path"],
    )
    def test_given_a_reading_when_deleting_with_the_id_in_one_place_then_deleted_or_not(
        self, client: TestClient, where: str, deleted: bool
    ) -> None:
        response = crm_sending(client, "DELETE", where, {"contact_id": create_crm_contact(client)})
        assert (response.status_code == 200) == deleted
        assert len(crm_dump(client)) == (0 if deleted else 1)


class TestDeleteSpelling:
    @each_reading("crm.delete_spelling", ("status",), [("either", 200), ("contact_id", 400)])
    def test_given_a_reading_when_deleting_by_contact_id_in_the_edit_spelling_then_deleted_or_400(
        self, client: TestClient, status: int
    ) -> None:
        body = for_a_new_crm_contact(client, {"contactID": "X"})
        response = crm_sending(client, "DELETE", "body", body)
        assert response.status_code == status


class TestDeleteAnswer:
    @each_reading(
        "crm.delete_answer",
        ("content_type", "text"),
        [
            ("json", "application/json", '"Document deleted successfully"'),
            ("text", "text/plain", "Document deleted successfully"),
        ],
    )
    def test_given_a_reading_when_deleting_then_that_answer(
        self, client: TestClient, content_type: str, text: str
    ) -> None:
        body = for_a_new_crm_contact(client, {"contact_id": "X"})
        response = crm_sending(client, "DELETE", "body", body)
        assert response.headers["content-type"].startswith(content_type)
        assert response.text == text


class TestUnknownId:
    def test_given_not_found_when_editing_or_deleting_an_unknown_id_then_404(
        self, client: TestClient
    ) -> None:
        read_as(client, {"crm.unknown_id": "not_found"})
        edit = {"contact_id": "1" * 20, "update_fields": {"email": "a@b.c"}}
        assert client.post(EDIT, json=edit, headers=CRM).status_code == 404
        assert crm_sending(client, "DELETE", "body", {"contact_id": "1" * 20}).status_code == 404

    def test_given_ok_when_editing_or_deleting_an_unknown_id_then_answered_as_done_and_nothing_changes(
        self, client: TestClient
    ) -> None:
        read_as(client, {"crm.unknown_id": "ok"})
        create_crm_contact(client)
        before = crm_dump(client)
        edit = {"contact_id": "1" * 20, "update_fields": {"email": "a@b.c"}}
        assert client.post(EDIT, json=edit, headers=CRM).json() == {"id": "1" * 20}
        deleted = crm_sending(client, "DELETE", "body", {"contact_id": "1" * 20})
        assert (deleted.status_code, deleted.json()) == (200, "Document deleted successfully")
        assert crm_dump(client) == before


class TestDuplicateEmail:
    def test_given_taken_when_creating_the_same_email_twice_then_two_contacts(
        self, client: TestClient
    ) -> None:
        read_as(client, {"crm.duplicate_email": "taken"})
        assert create_crm_contact(client) != create_crm_contact(client)
        assert len(crm_dump(client)) == 2

    def test_given_refused_when_creating_or_editing_into_an_email_held_then_409_and_unchanged(
        self, client: TestClient
    ) -> None:
        read_as(client, {"crm.duplicate_email": "refused"})
        create_crm_contact(client)
        response = client.post(CONTACTS, json=JOHN, headers=CRM)
        assert (response.status_code, "email" in response.json()["error"]) == (409, True)
        other = create_crm_contact(client, email="other@example.com")
        edit = {"contact_id": other, "update_fields": {"email": JOHN["email"]}}
        assert client.post(EDIT, json=edit, headers=CRM).status_code == 409
        same = {"contact_id": other, "update_fields": {"email": "other@example.com", "name": "Ann Lee"}}
        assert client.post(EDIT, json=same, headers=CRM).status_code == 200
        assert sorted(contact["email"] for contact in crm_dump(client)) == [
            JOHN["email"],
            "other@example.com",
        ]
