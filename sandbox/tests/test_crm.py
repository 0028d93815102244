"""CRM API: create, search, edit, delete with x-api-key."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import CRM, JOHN, create_crm_contact, crm_dump, for_a_new_crm_contact, refused, search_crm
from tests.helpers import CRM_CONTACTS as CONTACTS


class TestAuth:
    @pytest.mark.parametrize(
        ("method", "path"),
        [("POST", CONTACTS), ("GET", CONTACTS), ("POST", f"{CONTACTS}/edit"), ("DELETE", CONTACTS)],
    )
    @pytest.mark.parametrize("headers", [{}, {"x-api-key": "wrong"}], ids=["missing", "wrong"])
    def test_given_no_valid_key_when_calling_then_401_and_nothing_changes(
        self, client: TestClient, method: str, path: str, headers: dict[str, str]
    ) -> None:
        response = client.request(method, path, json={**JOHN, "contact_id": "1"}, headers=headers)
        assert response.status_code == 401
        assert "error" in response.json()
        assert crm_dump(client) == []


class TestCreate:
    def test_given_every_field_when_creating_then_a_20_digit_id_and_the_contact_stored(
        self, client: TestClient
    ) -> None:
        contact_id = create_crm_contact(client, phone="+1234567890", job_title="Sales Manager", notes="demo")
        assert len(contact_id) == 20
        assert contact_id.isdigit()
        assert crm_dump(client) == [
            {"id": contact_id, **JOHN, "phone": "+1234567890", "job_title": "Sales Manager", "notes": "demo"}
        ]

    def test_given_an_integer_phone_when_creating_then_stored_as_text(self, client: TestClient) -> None:
        create_crm_contact(client, phone=1234567890)
        assert crm_dump(client)[0]["phone"] == "1234567890"

    @pytest.mark.parametrize("field", ["first_name", "email"])
    @pytest.mark.parametrize("value", [None, ""], ids=["absent", "empty"])
    def test_given_a_required_field_missing_when_creating_then_400_naming_it(
        self, client: TestClient, field: str, value: str | None
    ) -> None:
        body = {**JOHN, field: value} if value is not None else {k: v for k, v in JOHN.items() if k != field}
        response = client.post(CONTACTS, json=body, headers=CRM)
        assert response.status_code == 400
        assert response.json() == {"error": f"{field} is required"}
        assert crm_dump(client) == []

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({**JOHN, "nickname": "JD"}, "unknown field 'nickname'"),
            ({**JOHN, "company": 3}, "company must be a string"),
            ({**JOHN, "phone": [1]}, "phone must be a string or an integer"),
        ],
        ids=["unknown-field", "wrong-type", "phone-type"],
    )
    def test_given_a_bad_field_when_creating_then_400_naming_it(
        self, client: TestClient, body: dict[str, Any], message: str
    ) -> None:
        assert refused(client.post(CONTACTS, json=body, headers=CRM)).startswith(message)

    @pytest.mark.parametrize("content", [b"", b"not json", b"[1]"], ids=["empty", "not-json", "array"])
    def test_given_a_body_that_is_not_an_object_when_creating_then_400(
        self, client: TestClient, content: bytes
    ) -> None:
        response = client.post(CONTACTS, content=content, headers={**CRM, "content-type": "application/json"})
        assert response.status_code == 400


class TestSearch:
    def test_given_contacts_when_searching_a_field_then_case_insensitive_substring_matches(
        self, client: TestClient
    ) -> None:
        wanted = create_crm_contact(client, company="Example Inc.")
        create_crm_contact(client, company="Other Ltd", email="other@example.com")
        response = search_crm(client, "company", "example inc")
        assert response.status_code == 200
        assert [c["id"] for c in response.json()] == [wanted]
        assert set(response.json()[0]) == {
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "company",
            "job_title",
            "notes",
        }

    def test_given_the_search_in_a_json_body_when_searching_then_the_same_answer(
        self, client: TestClient
    ) -> None:
        wanted = create_crm_contact(client)
        response = client.request(
            "GET", CONTACTS, json={"searchby": "email", "search": "JOHNDOE@"}, headers=CRM
        )
        assert [c["id"] for c in response.json()] == [wanted]

    def test_given_an_id_when_searching_by_id_then_that_contact(self, client: TestClient) -> None:
        wanted = create_crm_contact(client)
        assert [c["id"] for c in search_crm(client, "id", wanted).json()] == [wanted]

    def test_given_no_match_when_searching_then_an_empty_list(self, client: TestClient) -> None:
        create_crm_contact(client)
        assert search_crm(client, "notes", "x").json() == []

    @pytest.mark.parametrize(
        ("params", "word"),
        [
            ({"searchby": "shoe_size", "search": "x"}, "searchby"),
            ({"search": "x"}, "searchby"),
            ({"searchby": "email"}, "search"),
        ],
        ids=["unknown-field", "no-searchby", "no-search"],
    )
    def test_given_a_bad_search_when_searching_then_400(
        self, client: TestClient, params: dict[str, str], word: str
    ) -> None:
        assert word in refused(client.get(CONTACTS, params=params, headers=CRM))


class TestEdit:
    @pytest.mark.parametrize(
        ("id_key", "fields_key"),
        [("contact_id", "update_fields"), ("contactID", "updateFields")],
        ids=["table", "example"],
    )
    def test_given_either_spelling_when_editing_then_the_contact_changes(
        self, client: TestClient, id_key: str, fields_key: str
    ) -> None:
        contact_id = create_crm_contact(client)
        body = {id_key: contact_id, fields_key: {"email": "new@example.com", "phone": 1234567890}}
        response = client.post(f"{CONTACTS}/edit", json=body, headers=CRM)
        assert response.json() == {"id": contact_id}
        stored = crm_dump(client)[0]
        assert (stored["email"], stored["phone"], stored["company"]) == (
            "new@example.com",
            "1234567890",
            "Example Inc.",
        )

    @pytest.mark.parametrize(
        ("name", "first", "last"), [("Jane Mary Roe", "Jane", "Mary Roe"), ("Cher", "Cher", "")]
    )
    def test_given_a_name_when_editing_then_split_at_the_first_space(
        self, client: TestClient, name: str, first: str, last: str
    ) -> None:
        contact_id = create_crm_contact(client)
        client.post(
            f"{CONTACTS}/edit", json={"contact_id": contact_id, "update_fields": {"name": name}}, headers=CRM
        )
        stored = crm_dump(client)[0]
        assert (stored["first_name"], stored["last_name"]) == (first, last)

    def test_given_an_unknown_id_when_editing_then_404(self, client: TestClient) -> None:
        response = client.post(
            f"{CONTACTS}/edit",
            json={"contact_id": "1" * 20, "update_fields": {"email": "a@b.c"}},
            headers=CRM,
        )
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("body", "word"),
        [
            ({"update_fields": {"email": "a@b.c"}}, "contact_id"),
            ({"contact_id": "X"}, "update_fields"),
            ({"contact_id": "X", "update_fields": {"company": "Y"}}, "company"),
            ({"contact_id": "X", "update_fields": {"email": ""}}, "email"),
        ],
        ids=["no-id", "no-fields", "field-not-editable", "empty-email"],
    )
    def test_given_a_bad_edit_when_editing_then_400_naming_the_field(
        self, client: TestClient, body: dict[str, Any], word: str
    ) -> None:
        body = for_a_new_crm_contact(client, body)
        assert word in refused(client.post(f"{CONTACTS}/edit", json=body, headers=CRM))
        assert crm_dump(client)[0]["email"] == JOHN["email"]


class TestDelete:
    @pytest.mark.parametrize("how", ["contact_id", "contactID", "query"])
    def test_given_a_contact_when_deleting_then_gone_and_the_documented_answer(
        self, client: TestClient, how: str
    ) -> None:
        contact_id = create_crm_contact(client)
        kept = create_crm_contact(client)
        if how == "query":
            response = client.delete(CONTACTS, params={"contact_id": contact_id}, headers=CRM)
        else:
            response = client.request("DELETE", CONTACTS, json={how: contact_id}, headers=CRM)
        assert response.status_code == 200
        assert response.json() == "Document deleted successfully"
        assert [c["id"] for c in crm_dump(client)] == [kept]

    def test_given_an_unknown_id_when_deleting_then_404(self, client: TestClient) -> None:
        response = client.request("DELETE", CONTACTS, json={"contact_id": "1" * 20}, headers=CRM)
        assert response.status_code == 404

    def test_given_no_id_when_deleting_then_400(self, client: TestClient) -> None:
        assert "contact_id" in refused(client.request("DELETE", CONTACTS, headers=CRM))


class TestSearchAfterWrites:
    def test_given_an_edited_email_when_searching_then_found_by_the_new_one_only(
        self, client: TestClient
    ) -> None:
        contact_id = create_crm_contact(client)
        client.post(
            f"{CONTACTS}/edit",
            json={"contact_id": contact_id, "update_fields": {"email": "New@Example.com"}},
            headers=CRM,
        )
        by_new = search_crm(client, "email", "new@example").json()
        by_old = search_crm(client, "email", "johndoe").json()
        assert [c["id"] for c in by_new] == [contact_id]
        assert by_new[0]["email"] == "New@Example.com"
        assert by_old == []

    def test_given_a_deleted_contact_when_searching_then_not_found(self, client: TestClient) -> None:
        contact_id = create_crm_contact(client)
        client.delete(CONTACTS, params={"contact_id": contact_id}, headers=CRM)
        assert search_crm(client, "id", contact_id).json() == []

    def test_given_a_marker_in_notes_when_searching_then_a_longer_id_does_not_match(
        self, client: TestClient
    ) -> None:
        wanted = create_crm_contact(client, notes="synced [source-id:123]")
        create_crm_contact(client, notes="synced [source-id:1234]")
        found = search_crm(client, "notes", "[source-id:123]").json()
        assert [c["id"] for c in found] == [wanted]
