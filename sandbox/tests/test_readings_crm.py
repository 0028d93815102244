"""The CRM's readings, one at a time: each over the lenient preset, showing what it changes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import CRM, JOHN, create_crm_contact, crm_dump, read_as, refused, search_crm
from tests.helpers import CRM_CONTACTS as CONTACTS

EDIT = f"{CONTACTS}/edit"
BY_COMPANY = {"searchby": "company", "search": "Example Inc."}


def _body_search(client: TestClient, body: dict[str, Any]) -> Any:
    return client.request("GET", CONTACTS, json=body, headers=CRM)


class TestSearchIn:
    @pytest.mark.parametrize(
        ("reading", "where", "found"),
        [
            ("either", "query", True),
            ("either", "body", True),
            ("query", "query", True),
            ("query", "body", False),
            ("body", "query", False),
            ("body", "body", True),
        ],
    )
    def test_given_a_reading_when_searching_from_one_place_then_the_filter_is_read_or_absent(
        self, client: TestClient, reading: str, where: str, found: bool
    ) -> None:
        read_as(client, {"crm.search_in": reading})
        contact_id = create_crm_contact(client)
        if where == "query":
            response = client.get(CONTACTS, params=BY_COMPANY, headers=CRM)
        else:
            response = _body_search(client, BY_COMPANY)
        if found:
            assert [contact["id"] for contact in response.json()] == [contact_id]
        else:
            assert "searchby is required" in refused(response)


class TestAbsentFilter:
    def test_given_refused_when_searching_with_no_filter_then_400(self, client: TestClient) -> None:
        read_as(client, {"crm.absent_filter": "refused"})
        create_crm_contact(client)
        assert "searchby" in refused(client.get(CONTACTS, headers=CRM))

    def test_given_match_all_when_searching_with_no_filter_then_every_contact(
        self, client: TestClient
    ) -> None:
        read_as(client, {"crm.absent_filter": "match_all"})
        ids = [create_crm_contact(client, email=f"{n}@example.com") for n in range(3)]
        assert [contact["id"] for contact in client.get(CONTACTS, headers=CRM).json()] == ids

    def test_given_match_all_and_an_id_answer_when_searching_with_no_filter_then_the_oldest_id(
        self, client: TestClient
    ) -> None:
        read_as(client, {"crm.absent_filter": "match_all", "crm.read_answer": "id"})
        oldest = create_crm_contact(client)
        create_crm_contact(client, email="second@example.com")
        assert client.get(CONTACTS, headers=CRM).json() == {"id": oldest}

    def test_given_match_all_when_a_filter_is_half_sent_then_still_400(self, client: TestClient) -> None:
        read_as(client, {"crm.absent_filter": "match_all"})
        assert "search is required" in refused(
            client.get(CONTACTS, params={"searchby": "email"}, headers=CRM)
        )


class TestNoMatch:
    @pytest.mark.parametrize(
        ("reading", "status", "body"),
        [
            ("empty_list", 200, []),
            ("not_found", 404, None),
            ("empty_object", 200, {}),
            ("null_id", 200, {"id": None}),
        ],
    )
    @pytest.mark.parametrize("answer", ["documents", "id"])
    def test_given_a_reading_when_nothing_matches_then_its_answer(
        self, client: TestClient, reading: str, status: int, body: Any, answer: str
    ) -> None:
        read_as(client, {"crm.no_match": reading, "crm.read_answer": answer})
        create_crm_contact(client)
        response = search_crm(client, "email", "nobody@example.com")
        assert response.status_code == status
        assert response.json() == (body if body is not None else {"error": response.json()["error"]})


class TestReadAnswer:
    def test_given_documents_when_two_match_then_both_whole_documents(self, client: TestClient) -> None:
        read_as(client, {"crm.read_answer": "documents"})
        first, second = create_crm_contact(client), create_crm_contact(client, email="jd@example.com")
        found = search_crm(client, "company", "Example Inc.").json()
        assert [contact["id"] for contact in found] == [first, second]
        assert found[0] == {"id": first, **JOHN, "phone": None, "job_title": None, "notes": None}

    def test_given_id_when_two_match_then_the_oldest_ones_id_alone(self, client: TestClient) -> None:
        read_as(client, {"crm.read_answer": "id"})
        first = create_crm_contact(client)
        create_crm_contact(client, email="jd@example.com")
        assert search_crm(client, "company", "Example Inc.").json() == {"id": first}


class TestMatch:
    @pytest.mark.parametrize(
        ("reading", "term", "found"),
        [
            ("substring", "example", True),
            ("substring", "Example Inc.", True),
            ("exact", "example", False),
            ("exact", "Example Inc.", True),
        ],
    )
    def test_given_a_reading_when_searching_a_term_then_it_matches_or_not(
        self, client: TestClient, reading: str, term: str, found: bool
    ) -> None:
        read_as(client, {"crm.match": reading})
        contact_id = create_crm_contact(client)
        answer = search_crm(client, "company", term).json()
        assert [contact["id"] for contact in answer] == ([contact_id] if found else [])


class TestSearchFields:
    def test_given_any_when_searching_by_id_then_found(self, client: TestClient) -> None:
        read_as(client, {"crm.search_fields": "any"})
        contact_id = create_crm_contact(client)
        assert [contact["id"] for contact in search_crm(client, "id", contact_id).json()] == [contact_id]

    def test_given_listed_when_searching_by_id_then_400(self, client: TestClient) -> None:
        read_as(client, {"crm.search_fields": "listed"})
        contact_id = create_crm_contact(client)
        assert "searchby" in refused(search_crm(client, "id", contact_id))


class TestTypes:
    def test_given_loose_when_searching_a_number_then_taken_as_its_digits(self, client: TestClient) -> None:
        read_as(client, {"crm.types": "loose"})
        contact_id = create_crm_contact(client, phone="555")
        found = _body_search(client, {"searchby": "phone", "search": 555}).json()
        assert [contact["id"] for contact in found] == [contact_id]

    def test_given_typed_when_editing_with_a_numeric_id_or_searching_a_number_then_400(
        self, client: TestClient
    ) -> None:
        read_as(client, {"crm.types": "typed"})
        contact_id = create_crm_contact(client, phone="555")
        edit = {"contact_id": int(contact_id), "update_fields": {"email": "new@example.com"}}
        assert "contact_id" in refused(client.post(EDIT, json=edit, headers=CRM))
        assert "search" in refused(_body_search(client, {"searchby": "phone", "search": 555}))
        assert crm_dump(client)[0]["email"] == JOHN["email"]


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


class TestExtraFields:
    @pytest.mark.parametrize(("reading", "status"), [("ignored", 200), ("refused", 400)])
    def test_given_a_reading_when_an_edit_or_delete_sends_a_field_not_named_then_taken_or_refused(
        self, client: TestClient, reading: str, status: int
    ) -> None:
        read_as(client, {"crm.extra_fields": reading})
        contact_id = create_crm_contact(client)
        edit = {"contact_id": contact_id, "update_fields": {"email": "a@b.c"}, "force": True}
        assert client.post(EDIT, json=edit, headers=CRM).status_code == status
        delete = {"contact_id": contact_id, "force": True}
        assert client.request("DELETE", CONTACTS, json=delete, headers=CRM).status_code == status


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
    @pytest.mark.parametrize(
        ("reading", "first", "last"), [("split", "Jane", "Mary Roe"), ("first_name", "Jane Mary Roe", "Doe")]
    )
    def test_given_a_reading_when_editing_the_name_then_first_and_last_name_as_it_says(
        self, client: TestClient, reading: str, first: str, last: str
    ) -> None:
        read_as(client, {"crm.edit_name": reading})
        contact_id = create_crm_contact(client)
        client.post(
            EDIT, json={"contact_id": contact_id, "update_fields": {"name": "Jane Mary Roe"}}, headers=CRM
        )
        stored = crm_dump(client)[0]
        assert (stored["first_name"], stored["last_name"]) == (first, last)


class TestNulls:
    @pytest.mark.parametrize(("reading", "status"), [("taken", 200), ("refused", 400)])
    def test_given_a_reading_when_creating_with_a_null_then_taken_or_refused(
        self, client: TestClient, reading: str, status: int
    ) -> None:
        read_as(client, {"crm.nulls": reading})
        assert client.post(CONTACTS, json={**JOHN, "company": None}, headers=CRM).status_code == status


class TestRefusal:
    @pytest.mark.parametrize(("reading", "status"), [("400", 400), ("422", 422)])
    def test_given_a_status_reading_when_content_is_invalid_then_that_status_naming_the_field(
        self, client: TestClient, reading: str, status: int
    ) -> None:
        read_as(client, {"crm.refusal": reading})
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
    @pytest.mark.parametrize(
        ("reading", "where", "deleted"),
        [
            ("any", "body", True),
            ("any", "query", True),
            ("body", "body", True),
            ("body", "query", False),
            ("query", "query", True),
            ("query", "body", False),
            ("path", "path", True),
            ("path", "body", False),
            ("any", "path", False),
        ],
    )
    def test_given_a_reading_when_deleting_with_the_id_in_one_place_then_deleted_or_not(
        self, client: TestClient, reading: str, where: str, deleted: bool
    ) -> None:
        read_as(client, {"crm.delete_id_in": reading})
        contact_id = create_crm_contact(client)
        if where == "body":
            response = client.request("DELETE", CONTACTS, json={"contact_id": contact_id}, headers=CRM)
        elif where == "query":
            response = client.delete(CONTACTS, params={"contact_id": contact_id}, headers=CRM)
        else:
            response = client.delete(f"{CONTACTS}/{contact_id}", headers=CRM)
        assert (response.status_code == 200) == deleted
        assert len(crm_dump(client)) == (0 if deleted else 1)


class TestDeleteSpelling:
    @pytest.mark.parametrize(("reading", "status"), [("either", 200), ("contact_id", 400)])
    def test_given_a_reading_when_deleting_by_contact_id_in_the_edit_spelling_then_deleted_or_400(
        self, client: TestClient, reading: str, status: int
    ) -> None:
        read_as(client, {"crm.delete_spelling": reading})
        contact_id = create_crm_contact(client)
        response = client.request("DELETE", CONTACTS, json={"contactID": contact_id}, headers=CRM)
        assert response.status_code == status


class TestDeleteAnswer:
    @pytest.mark.parametrize(
        ("reading", "content_type", "text"),
        [
            ("json", "application/json", '"Document deleted successfully"'),
            ("text", "text/plain", "Document deleted successfully"),
        ],
    )
    def test_given_a_reading_when_deleting_then_that_answer(
        self, client: TestClient, reading: str, content_type: str, text: str
    ) -> None:
        read_as(client, {"crm.delete_answer": reading})
        contact_id = create_crm_contact(client)
        response = client.request("DELETE", CONTACTS, json={"contact_id": contact_id}, headers=CRM)
        assert response.headers["content-type"].startswith(content_type)
        assert response.text == text


class TestListCap:
    @pytest.mark.parametrize(("reading", "count"), [("none", 51), ("50", 50)])
    def test_given_a_reading_when_51_contacts_match_then_that_many_come_back(
        self, client: TestClient, reading: str, count: int
    ) -> None:
        read_as(client, {"crm.list_cap": reading})
        for n in range(51):
            create_crm_contact(client, email=f"{n}@example.com")
        assert len(search_crm(client, "company", "Example").json()) == count
