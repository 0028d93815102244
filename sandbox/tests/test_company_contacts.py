"""Company Contacts API: contacts and tags of the key's company, paged and searchable."""

from __future__ import annotations

import math
import re
import time

import pytest
from fastapi.testclient import TestClient

from tests.helpers import COMPANY_A, COMPANY_B

CONTACTS = "/company/api/v1/contacts"
TAGS = "/company/api/v1/contacts/tags"
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _all(client: TestClient, path: str, headers: dict[str, str], **params: object) -> list[dict[str, object]]:
    return client.get(path, params={"limit": 1000, **params}, headers=headers).json()["data"]  # type: ignore[no-any-return]


class TestAuth:
    @pytest.mark.parametrize("path", [CONTACTS, TAGS])
    @pytest.mark.parametrize(
        "headers",
        [{}, {"Authorization": "Bearer unknown-key"}, {"Authorization": "company-a-key"}],
        ids=["missing", "unknown", "no-scheme"],
    )
    def test_given_no_valid_key_when_reading_then_401(
        self, client: TestClient, path: str, headers: dict[str, str]
    ) -> None:
        response = client.get(path, headers=headers)
        assert response.status_code == 401
        assert "error" in response.json()

    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
    @pytest.mark.parametrize("path", [CONTACTS, TAGS])
    def test_given_a_method_other_than_get_when_calling_then_405(
        self, client: TestClient, method: str, path: str
    ) -> None:
        response = client.request(method, path, headers=COMPANY_A)
        assert response.status_code == 405
        assert "error" in response.json()

    def test_given_head_when_calling_then_200_without_a_body(self, client: TestClient) -> None:
        response = client.head(CONTACTS, headers=COMPANY_A)
        assert response.status_code == 200
        assert response.content == b""

    def test_given_two_companies_when_each_reads_then_neither_sees_the_others_data(
        self, client: TestClient
    ) -> None:
        a_ids = {c["id"] for c in _all(client, CONTACTS, COMPANY_A)}
        b_ids = {c["id"] for c in _all(client, CONTACTS, COMPANY_B)}
        assert len(a_ids) == len(b_ids) == 60
        assert not a_ids & b_ids
        a_tags = {t["id"] for t in _all(client, TAGS, COMPANY_A)}
        b_tags = {t["id"] for t in _all(client, TAGS, COMPANY_B)}
        assert a_tags
        assert b_tags
        assert not a_tags & b_tags
        for contact in _all(client, CONTACTS, COMPANY_A):
            assert {tag["id"] for tag in contact["tags"]} <= a_tags  # type: ignore[attr-defined]


class TestContacts:
    def test_given_a_page_when_reading_then_the_envelope_counts_every_record(
        self, client: TestClient
    ) -> None:
        body = client.get(CONTACTS, params={"page": 2, "limit": 25}, headers=COMPANY_A).json()
        assert (body["currentPage"], body["totalPages"], body["totalRecords"]) == (2, 3, 60)
        assert len(body["data"]) == 25

    def test_given_the_last_page_when_reading_then_it_holds_the_rest(self, client: TestClient) -> None:
        body = client.get(CONTACTS, params={"page": 3, "limit": 25}, headers=COMPANY_A).json()
        assert len(body["data"]) == 10

    def test_given_a_page_past_the_end_when_reading_then_no_data_and_the_true_totals(
        self, client: TestClient
    ) -> None:
        body = client.get(CONTACTS, params={"page": 9, "limit": 25}, headers=COMPANY_A).json()
        assert body == {"data": [], "currentPage": 9, "totalPages": 3, "totalRecords": 60}

    def test_given_no_parameters_when_reading_then_page_one_of_ten(self, client: TestClient) -> None:
        body = client.get(CONTACTS, headers=COMPANY_A).json()
        assert (body["currentPage"], len(body["data"]), body["totalPages"]) == (1, 10, 6)

    def test_given_every_page_when_read_then_ids_come_once_in_order(self, client: TestClient) -> None:
        ids = []
        for page in range(1, 8):
            ids += [
                c["id"]
                for c in client.get(CONTACTS, params={"page": page, "limit": 9}, headers=COMPANY_A).json()[
                    "data"
                ]
            ]
        assert len(ids) == len(set(ids)) == 60
        assert [int(i) for i in ids] == sorted(int(i) for i in ids)

    def test_given_a_contact_when_reading_then_it_has_the_documented_fields(self, client: TestClient) -> None:
        for contact in _all(client, CONTACTS, COMPANY_A):
            assert set(contact) == {
                "id", "first_name", "last_name", "email", "phone_number", "phone_number_lid",
                "profile_picture", "created_at", "updated_at", "tags",
            }  # fmt: skip
            assert ISO_MS.match(contact["created_at"])  # type: ignore[arg-type]
            assert ISO_MS.match(contact["updated_at"])  # type: ignore[arg-type]
            assert contact["created_at"] <= contact["updated_at"]  # type: ignore[operator]
            assert all(set(tag) == {"id", "name", "color"} for tag in contact["tags"])  # type: ignore[attr-defined]

    @pytest.mark.parametrize(
        "params", [{"limit": 0}, {"limit": 1001}, {"page": 0}], ids=["limit-0", "limit-1001", "page-0"]
    )
    def test_given_an_invalid_parameter_when_reading_then_400(
        self, client: TestClient, params: dict[str, int]
    ) -> None:
        response = client.get(CONTACTS, params=params, headers=COMPANY_A)
        assert response.status_code == 400
        assert next(iter(params)) in response.json()["error"]


class TestSearch:
    @pytest.mark.parametrize(
        "field", ["first_name", "last_name", "email", "phone_number", "phone_number_lid"]
    )
    def test_given_a_term_from_a_field_when_searching_then_the_contact_matches(
        self, client: TestClient, field: str
    ) -> None:
        target = next(c for c in _all(client, CONTACTS, COMPANY_A) if c[field])
        term = str(target[field])[1:6].upper()  # a case-insensitive substring
        found = _all(client, CONTACTS, COMPANY_A, search=term)
        assert target["id"] in {c["id"] for c in found}
        assert all(term.casefold() in str(c).casefold() for c in found)

    def test_given_a_tag_name_when_searching_then_every_contact_with_that_tag(
        self, client: TestClient
    ) -> None:
        tag = _all(client, TAGS, COMPANY_A)[0]
        tagged = {
            c["id"]
            for c in _all(client, CONTACTS, COMPANY_A)
            if tag["name"] in {t["name"] for t in c["tags"]}  # type: ignore[attr-defined]
        }
        found = {c["id"] for c in _all(client, CONTACTS, COMPANY_A, search=tag["name"])}
        assert tagged
        assert tagged <= found

    def test_given_a_search_when_paging_then_the_totals_count_matches_only(self, client: TestClient) -> None:
        matching = _all(client, CONTACTS, COMPANY_A, search="a")
        body = client.get(CONTACTS, params={"search": "a", "limit": 5}, headers=COMPANY_A).json()
        assert body["totalRecords"] == len(matching) < 60
        assert body["totalPages"] == math.ceil(len(matching) / 5)

    def test_given_a_term_only_company_b_has_when_company_a_searches_then_nothing(
        self, client: TestClient
    ) -> None:
        b_contact = _all(client, CONTACTS, COMPANY_B)[0]
        assert _all(client, CONTACTS, COMPANY_A, search=b_contact["email"]) == []


class TestTags:
    def test_given_tags_when_reading_then_counts_match_the_contacts_carrying_them(
        self, client: TestClient
    ) -> None:
        contacts = _all(client, CONTACTS, COMPANY_A)
        for tag in _all(client, TAGS, COMPANY_A):
            assert set(tag) == {"id", "name", "color", "created_at", "_count"}
            carrying = sum(tag["id"] in {t["id"] for t in c["tags"]} for c in contacts)  # type: ignore[attr-defined]
            assert tag["_count"] == {"contact_tag": carrying}

    def test_given_a_search_when_reading_tags_then_only_names_containing_it(self, client: TestClient) -> None:
        name = _all(client, TAGS, COMPANY_A)[0]["name"]
        found = _all(client, TAGS, COMPANY_A, search=str(name).lower()[:3])
        assert name in {t["name"] for t in found}
        assert all(str(name).lower()[:3] in str(t["name"]).lower() for t in found)

    def test_given_a_small_limit_when_reading_tags_then_paged_with_the_envelope(
        self, client: TestClient
    ) -> None:
        total = len(_all(client, TAGS, COMPANY_A))
        body = client.get(TAGS, params={"limit": 4, "page": 2}, headers=COMPANY_A).json()
        assert (body["currentPage"], body["totalPages"], body["totalRecords"]) == (
            2,
            math.ceil(total / 4),
            total,
        )
        assert len(body["data"]) == min(4, total - 4)


class TestChurn:
    def test_given_an_update_when_reading_then_updated_at_moved_to_now(self, client: TestClient) -> None:
        updated = client.post("/admin/churn", json={"api": "company", "update": 1}).json()["updated"][0]
        contact = next(c for c in _all(client, CONTACTS, COMPANY_A) if c["id"] == updated)
        assert contact["updated_at"] >= time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() - 60))  # type: ignore[operator]
        assert contact["created_at"] < contact["updated_at"]  # type: ignore[operator]

    def test_given_churn_for_company_b_when_company_a_reads_then_unchanged(self, client: TestClient) -> None:
        before = _all(client, CONTACTS, COMPANY_A)
        client.post(
            "/admin/churn", json={"api": "company", "company": "company-b-key", "create": 3, "delete": 2}
        )
        assert _all(client, CONTACTS, COMPANY_A) == before
        assert len(_all(client, CONTACTS, COMPANY_B)) == 61
