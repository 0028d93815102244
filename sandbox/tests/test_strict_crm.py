"""The CRM API under the strict profile: what its document shows, and nothing kinder."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import CRM, JOHN, create_crm_contact, crm_dump, for_a_new_crm_contact, refused, search_crm
from tests.helpers import CRM_CONTACTS as CONTACTS


class TestRead:
    def test_given_contacts_when_searching_an_exact_value_then_only_the_id_of_the_match(
        self, strict_client: TestClient
    ) -> None:
        contact_id = create_crm_contact(strict_client, email="ann@example.com")
        create_crm_contact(strict_client, email="bob@example.com")
        response = search_crm(strict_client, "email", "ann@example.com")
        assert response.status_code == 200
        assert response.json() == {"id": contact_id}

    def test_given_the_documents_json_body_on_the_get_when_searching_then_it_is_read(
        self, strict_client: TestClient
    ) -> None:
        contact_id = create_crm_contact(strict_client, notes="marker:42")
        body = {"searchby": "notes", "search": "marker:42"}
        assert strict_client.request("GET", CONTACTS, json=body, headers=CRM).json() == {"id": contact_id}

    @pytest.mark.parametrize(
        "term", ["marker:4", "MARKER:42", "marker:42 ", "arker:42"], ids=["prefix", "case", "space", "suffix"]
    )
    def test_given_a_term_that_is_not_the_whole_value_when_searching_then_404(
        self, strict_client: TestClient, term: str
    ) -> None:
        create_crm_contact(strict_client, notes="marker:42")
        response = search_crm(strict_client, "notes", term)
        assert response.status_code == 404
        assert set(response.json()) == {"error"}

    def test_given_several_matches_when_searching_then_the_oldest_created_only(
        self, strict_client: TestClient
    ) -> None:
        oldest = create_crm_contact(strict_client, first_name="Ann")
        newer = create_crm_contact(strict_client)
        # An edit does not make a contact older or newer.
        strict_client.post(
            f"{CONTACTS}/edit", json={"contact_id": oldest, "update_fields": {"phone": "1"}}, headers=CRM
        )
        params = {"searchby": "company", "search": "Example Inc."}
        assert strict_client.get(CONTACTS, params=params, headers=CRM).json() == {"id": oldest}
        strict_client.delete(CONTACTS, params={"contact_id": oldest}, headers=CRM)
        assert strict_client.get(CONTACTS, params=params, headers=CRM).json() == {"id": newer}

    def test_given_an_edit_when_searching_the_old_and_new_values_then_only_the_new_one_is_found(
        self, strict_client: TestClient
    ) -> None:
        contact_id = create_crm_contact(strict_client, email="old@example.com")
        strict_client.post(
            f"{CONTACTS}/edit",
            json={"contactID": contact_id, "updateFields": {"email": "new@example.com", "phone": 5551234}},
            headers=CRM,
        )
        find = {"searchby": "email"}
        assert (
            strict_client.get(CONTACTS, params={**find, "search": "old@example.com"}, headers=CRM).status_code
            == 404
        )
        assert strict_client.get(
            CONTACTS, params={**find, "search": "new@example.com"}, headers=CRM
        ).json() == {"id": contact_id}
        phone = {"searchby": "phone", "search": "5551234"}
        assert strict_client.get(CONTACTS, params=phone, headers=CRM).json() == {"id": contact_id}

    @pytest.mark.parametrize(
        "params",
        [
            {"searchby": "id", "search": "1"},
            {"searchby": "nickname", "search": "x"},
            {"searchby": "email"},
            {"search": "x"},
        ],
        ids=["id-is-not-a-contact-field", "unknown-field", "no-term", "no-field"],
    )
    def test_given_a_bad_search_when_searching_then_400(
        self, strict_client: TestClient, params: dict[str, str]
    ) -> None:
        assert strict_client.get(CONTACTS, params=params, headers=CRM).status_code == 400

    def test_given_a_number_as_the_term_in_the_body_when_searching_then_400(
        self, strict_client: TestClient
    ) -> None:
        body = {"searchby": "phone", "search": 5551234}
        assert strict_client.request("GET", CONTACTS, json=body, headers=CRM).status_code == 400


class TestCreate:
    @pytest.mark.parametrize("field", ["last_name", "company", "phone", "job_title", "notes", "email"])
    def test_given_null_in_a_field_when_creating_then_400_and_nothing_stored(
        self, strict_client: TestClient, field: str
    ) -> None:
        assert field in refused(strict_client.post(CONTACTS, json={**JOHN, field: None}, headers=CRM))
        assert crm_dump(strict_client) == []

    def test_given_an_unknown_field_when_creating_then_400(self, strict_client: TestClient) -> None:
        response = strict_client.post(CONTACTS, json={**JOHN, "website": "x"}, headers=CRM)
        assert response.status_code == 400
        assert crm_dump(strict_client) == []

    @pytest.mark.parametrize("phone", ["+1234567890", 1234567890], ids=["string", "integer"])
    def test_given_either_documented_phone_type_when_creating_then_stored(
        self, strict_client: TestClient, phone: object
    ) -> None:
        create_crm_contact(strict_client, phone=phone)
        assert crm_dump(strict_client)[0]["phone"] == str(phone)

    @pytest.mark.parametrize("field", ["first_name", "email"])
    def test_given_a_required_field_absent_when_creating_then_400(
        self, strict_client: TestClient, field: str
    ) -> None:
        body = {name: value for name, value in JOHN.items() if name != field}
        assert strict_client.post(CONTACTS, json=body, headers=CRM).status_code == 400


class TestEdit:
    @pytest.mark.parametrize(
        "changes",
        [{"email": None}, {"phone": None}, {"name": None}, {"company": "Other"}, {"first_name": "Ann"}, {}],
        ids=["null-email", "null-phone", "null-name", "company", "first_name", "nothing"],
    )
    def test_given_changes_the_document_does_not_allow_when_editing_then_400_and_unchanged(
        self, strict_client: TestClient, changes: dict[str, Any]
    ) -> None:
        contact_id = create_crm_contact(strict_client)
        before = crm_dump(strict_client)
        body = {"contact_id": contact_id, "update_fields": changes}
        assert strict_client.post(f"{CONTACTS}/edit", json=body, headers=CRM).status_code == 400
        assert crm_dump(strict_client) == before

    @pytest.mark.parametrize(
        "body",
        [
            {"contact_id": "X", "contactID": "X", "update_fields": {"email": "a@b.c"}},
            {"contact_id": "X", "update_fields": {"email": "a@b.c"}, "updateFields": {"email": "a@b.c"}},
            {"contact_id": "X", "update_fields": {"email": "a@b.c"}, "force": True},
        ],
        ids=["both-id-spellings", "both-fields-spellings", "unknown-outer-field"],
    )
    def test_given_an_ambiguous_or_unknown_outer_field_when_editing_then_400(
        self, strict_client: TestClient, body: dict[str, Any]
    ) -> None:
        body = for_a_new_crm_contact(strict_client, body)
        assert strict_client.post(f"{CONTACTS}/edit", json=body, headers=CRM).status_code == 400

    def test_given_an_integer_id_when_editing_then_400(self, strict_client: TestClient) -> None:
        contact_id = create_crm_contact(strict_client)
        body = {"contact_id": int(contact_id), "update_fields": {"email": "a@b.c"}}
        assert strict_client.post(f"{CONTACTS}/edit", json=body, headers=CRM).status_code == 400

    @pytest.mark.parametrize(
        ("id_name", "fields_name"), [("contact_id", "update_fields"), ("contactID", "updateFields")]
    )
    def test_given_either_documented_spelling_when_editing_then_the_name_email_and_phone_change(
        self, strict_client: TestClient, id_name: str, fields_name: str
    ) -> None:
        contact_id = create_crm_contact(strict_client)
        changes = {"name": "Ann Lee", "email": "ann@example.com", "phone": 1234567890}
        response = strict_client.post(
            f"{CONTACTS}/edit", json={id_name: contact_id, fields_name: changes}, headers=CRM
        )
        assert response.json() == {"id": contact_id}
        (stored,) = crm_dump(strict_client)
        assert (stored["first_name"], stored["last_name"], stored["email"], stored["phone"]) == (
            "Ann",
            "Lee",
            "ann@example.com",
            "1234567890",
        )

    def test_given_an_unknown_id_when_editing_then_404(self, strict_client: TestClient) -> None:
        body = {"contact_id": "1" * 20, "update_fields": {"email": "a@b.c"}}
        assert strict_client.post(f"{CONTACTS}/edit", json=body, headers=CRM).status_code == 404


class TestDelete:
    def test_given_a_contact_when_deleting_then_the_documents_plain_text(
        self, strict_client: TestClient
    ) -> None:
        contact_id = create_crm_contact(strict_client)
        response = strict_client.request("DELETE", CONTACTS, json={"contact_id": contact_id}, headers=CRM)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        assert response.text == "Document deleted successfully"
        assert crm_dump(strict_client) == []

    def test_given_the_id_in_the_query_when_deleting_then_deleted(self, strict_client: TestClient) -> None:
        contact_id = create_crm_contact(strict_client)
        assert (
            strict_client.delete(CONTACTS, params={"contact_id": contact_id}, headers=CRM).status_code == 200
        )
        assert crm_dump(strict_client) == []

    def test_given_an_unknown_id_when_deleting_then_404(self, strict_client: TestClient) -> None:
        response = strict_client.request("DELETE", CONTACTS, json={"contact_id": "1" * 20}, headers=CRM)
        assert response.status_code == 404
        assert set(response.json()) == {"error"}

    @pytest.mark.parametrize(
        "body",
        [{"contactID": "X"}, {"contact_id": "X", "force": True}, {}],
        ids=["edit-spelling", "unknown-field", "no-id"],
    )
    def test_given_a_body_the_document_does_not_show_when_deleting_then_400_and_kept(
        self, strict_client: TestClient, body: dict[str, Any]
    ) -> None:
        body = for_a_new_crm_contact(strict_client, body)
        assert strict_client.request("DELETE", CONTACTS, json=body, headers=CRM).status_code == 400
        assert len(crm_dump(strict_client)) == 1


def test_given_only_the_crm_strict_when_searching_then_the_lenient_list_elsewhere_is_unaffected(
    client: TestClient,
) -> None:
    contact_id = create_crm_contact(client)
    params = {"searchby": "company", "search": "example"}
    assert [contact["id"] for contact in client.get(CONTACTS, params=params, headers=CRM).json()] == [
        contact_id
    ]
    client.put("/admin/profile/crm", json={"profile": "strict"})
    assert client.get(CONTACTS, params=params, headers=CRM).status_code == 404
    client.put("/admin/profile/crm", json={"profile": "lenient"})
    assert client.get(CONTACTS, params=params, headers=CRM).status_code == 200
