"""The CRM read's readings, one at a time: each over the lenient preset, showing what it changes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import (
    CRM,
    JOHN,
    contact_ids,
    create_crm_contact,
    crm_dump,
    crm_sending,
    each_reading,
    each_reading_taking,
    read_as,
    refused,
    search_crm,
)
from tests.helpers import CRM_CONTACTS as CONTACTS

EDIT = f"{CONTACTS}/edit"
BY_COMPANY = {"searchby": "company", "search": "Example Inc."}


class TestSearchIn:
    @each_reading_taking(
        "crm.search_in",
        ("where", "found"),
        {"either": ("query", "body"), "query": ("query",), "body": ("body",)},
        ["query", "body"],
    )
    def test_given_a_reading_when_searching_from_one_place_then_the_filter_is_read_or_absent(
        self, client: TestClient, where: str, found: bool
    ) -> None:
        contact_id = create_crm_contact(client)
        response = crm_sending(client, "GET", where, BY_COMPANY)
        if found:
            assert contact_ids(response.json()) == [contact_id]
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
        assert contact_ids(client.get(CONTACTS, headers=CRM).json()) == ids

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
        assert contact_ids(found) == [first, second]
        assert found[0] == {"id": first, **JOHN, "phone": None, "job_title": None, "notes": None}

    def test_given_id_when_two_match_then_the_oldest_ones_id_alone(self, client: TestClient) -> None:
        read_as(client, {"crm.read_answer": "id"})
        first = create_crm_contact(client)
        create_crm_contact(client, email="jd@example.com")
        assert search_crm(client, "company", "Example Inc.").json() == {"id": first}


class TestMatch:
    @each_reading_taking(
        "crm.match",
        ("term", "found"),
        {"substring": ("example", "Example Inc."), "exact": ("Example Inc.",)},
        ["example", "Example Inc."],
    )
    def test_given_a_reading_when_searching_a_term_then_it_matches_or_not(
        self, client: TestClient, term: str, found: bool
    ) -> None:
        contact_id = create_crm_contact(client)
        answer = search_crm(client, "company", term).json()
        assert contact_ids(answer) == ([contact_id] if found else [])


class TestSearchFields:
    def test_given_any_when_searching_by_id_then_found(self, client: TestClient) -> None:
        read_as(client, {"crm.search_fields": "any"})
        contact_id = create_crm_contact(client)
        assert contact_ids(search_crm(client, "id", contact_id).json()) == [contact_id]

    def test_given_listed_when_searching_by_id_then_400(self, client: TestClient) -> None:
        read_as(client, {"crm.search_fields": "listed"})
        contact_id = create_crm_contact(client)
        assert "searchby" in refused(search_crm(client, "id", contact_id))


class TestTypes:
    def test_given_loose_when_searching_a_number_then_taken_as_its_digits(self, client: TestClient) -> None:
        read_as(client, {"crm.types": "loose"})
        contact_id = create_crm_contact(client, phone="555")
        found = crm_sending(client, "GET", "body", {"searchby": "phone", "search": 555}).json()
        assert contact_ids(found) == [contact_id]

    def test_given_typed_when_editing_with_a_numeric_id_or_searching_a_number_then_400(
        self, client: TestClient
    ) -> None:
        read_as(client, {"crm.types": "typed"})
        contact_id = create_crm_contact(client, phone="555")
        edit = {"contact_id": int(contact_id), "update_fields": {"email": "new@example.com"}}
        assert "contact_id" in refused(client.post(EDIT, json=edit, headers=CRM))
        assert "search" in refused(crm_sending(client, "GET", "body", {"searchby": "phone", "search": 555}))
        assert crm_dump(client)[0]["email"] == JOHN["email"]


class TestListCap:
    @each_reading("crm.list_cap", ("count",), [("none", 51), ("50", 50)])
    def test_given_a_reading_when_51_contacts_match_then_that_many_come_back(
        self, client: TestClient, count: int
    ) -> None:
        for n in range(51):
            create_crm_contact(client, email=f"{n}@example.com")
        assert len(search_crm(client, "company", "Example").json()) == count
