"""Client Contacts API: list filters, sort and pagination; create, get, update and delete by _id."""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import CLIENT_CONTACTS, refused

CONTACTS = "/client-contacts/contacts"
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _create(client: TestClient, name: str, **fields: Any) -> dict[str, Any]:
    response = client.post(CONTACTS, json={"name": name, **fields}, headers=CLIENT_CONTACTS)
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()["data"]
    return document


def _list(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(CONTACTS, params=params, headers=CLIENT_CONTACTS)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _names(body: dict[str, Any]) -> list[str]:
    return [document["name"] for document in body["data"]]


@pytest.fixture
def five(client: TestClient) -> list[dict[str, Any]]:
    return [_create(client, name) for name in ("Carol", "alice", "Bob", "Dave Smith", "Eve Smithson")]


class TestAuth:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", CONTACTS),
            ("POST", CONTACTS),
            ("GET", f"{CONTACTS}/{'0' * 24}"),
            ("PUT", f"{CONTACTS}/{'0' * 24}"),
            ("DELETE", f"{CONTACTS}/{'0' * 24}"),
        ],
    )
    @pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}], ids=["missing", "wrong"])
    def test_given_no_valid_key_when_calling_then_401_in_the_apis_shape(
        self, client: TestClient, method: str, path: str, headers: dict[str, str]
    ) -> None:
        response = client.request(method, path, json={"name": "X"}, headers=headers)
        assert response.status_code == 401
        assert response.json()["success"] is False


class TestCreate:
    def test_given_a_full_document_when_creating_then_201_with_server_fields(
        self, client: TestClient
    ) -> None:
        before = int(time.time())
        fields = {
            "local_name": "جون سميث",
            "phone1": "+1234567890",
            "phone2": "+1234567891",
            "email": "john.smith@example.com",
            "title": "Sales Manager",
            "extra_info": "x",
            "disabled": False,
            "media": ["https://cdn.example.com/a.png"],
            "cover_photo": "https://cdn.example.com/c.png",
            "integration_meta": {"external_id": "contact_123"},
            "company_namespace": ["company1"],
            "creator": {
                "_id": "60f1b2b3c9e9a12345678901",
                "username": "admin_user",
                "name": "Admin",
                "type": "admin",
            },
        }
        document = _create(client, "John Smith", **fields)
        assert OBJECT_ID.match(document["_id"])
        assert int(document["_id"][:8], 16) >= before
        assert ISO_MS.match(document["createdAt"])
        assert document["createdAt"] == document["updatedAt"]
        assert document["__v"] == 0
        assert {key: document[key] for key in fields} == fields
        assert client.get("/admin/dump/client_contacts").json() == [document]

    @pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "  "}, {"name": None}, {"email": "a@b.c"}])
    def test_given_no_name_when_creating_then_400_name_is_required(
        self, client: TestClient, body: dict[str, Any]
    ) -> None:
        response = client.post(CONTACTS, json=body, headers=CLIENT_CONTACTS)
        assert response.status_code == 400
        assert response.json() == {"success": False, "error": "name is required"}

    @pytest.mark.parametrize(
        ("fields", "word"),
        [
            ({"nickname": "x"}, "nickname"),
            ({"disabled": "no"}, "disabled"),
            ({"media": "a"}, "media"),
            ({"integration_meta": "x"}, "integration_meta"),
            ({"phone1": 123}, "phone1"),
        ],
    )
    def test_given_a_bad_field_when_creating_then_400_naming_it(
        self, client: TestClient, fields: dict[str, Any], word: str
    ) -> None:
        assert word in refused(client.post(CONTACTS, json={"name": "X", **fields}, headers=CLIENT_CONTACTS))
        assert client.get("/admin/dump/client_contacts").json() == []


class TestGetUpdateDelete:
    def test_given_a_contact_when_getting_it_then_the_same_document(self, client: TestClient) -> None:
        created = _create(client, "Ann")
        assert client.get(f"{CONTACTS}/{created['_id']}", headers=CLIENT_CONTACTS).json() == {
            "success": True,
            "data": created,
        }

    @pytest.mark.parametrize("method", ["PUT", "PATCH"])
    def test_given_a_contact_when_updating_then_merged_version_bumped_and_updated_at_moved(
        self, client: TestClient, method: str
    ) -> None:
        created = _create(client, "Ann", email="ann@example.com", integration_meta={"external_id": "1"})
        time.sleep(0.002)
        response = client.request(
            method,
            f"{CONTACTS}/{created['_id']}",
            json={"title": "CEO", "integration_meta": {"external_id": "2"}},
            headers=CLIENT_CONTACTS,
        )
        assert response.status_code == 200
        updated = response.json()["data"]
        assert updated == {
            **created,
            "title": "CEO",
            "integration_meta": {"external_id": "2"},
            "__v": 1,
            "updatedAt": updated["updatedAt"],
        }
        assert updated["updatedAt"] > created["updatedAt"]

    def test_given_server_fields_sent_back_when_updating_then_the_server_keeps_its_own(
        self, client: TestClient
    ) -> None:
        created = _create(client, "Ann")
        body = {
            **created,
            "_id": "f" * 24,
            "__v": 99,
            "createdAt": "2000-01-01T00:00:00.000Z",
            "name": "Anne",
        }
        updated = client.put(f"{CONTACTS}/{created['_id']}", json=body, headers=CLIENT_CONTACTS).json()[
            "data"
        ]
        assert (updated["_id"], updated["__v"], updated["createdAt"], updated["name"]) == (
            created["_id"],
            1,
            created["createdAt"],
            "Anne",
        )

    def test_given_an_empty_name_when_updating_then_400(self, client: TestClient) -> None:
        created = _create(client, "Ann")
        response = client.put(f"{CONTACTS}/{created['_id']}", json={"name": ""}, headers=CLIENT_CONTACTS)
        assert response.status_code == 400

    def test_given_a_contact_when_deleting_then_the_deleted_document_and_gone(
        self, client: TestClient
    ) -> None:
        created = _create(client, "Ann")
        response = client.delete(f"{CONTACTS}/{created['_id']}", headers=CLIENT_CONTACTS)
        assert response.json() == {"success": True, "data": created}
        assert client.get(f"{CONTACTS}/{created['_id']}", headers=CLIENT_CONTACTS).status_code == 404

    @pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
    def test_given_an_unknown_id_when_calling_then_404(self, client: TestClient, method: str) -> None:
        response = client.request(
            method, f"{CONTACTS}/{'a' * 24}", json={"name": "X"}, headers=CLIENT_CONTACTS
        )
        assert response.status_code == 404
        assert response.json()["success"] is False


class TestList:
    def test_given_no_contacts_when_listing_then_empty_with_pagination(self, client: TestClient) -> None:
        assert _list(client) == {
            "success": True,
            "data": [],
            "pagination": {
                "page": 1,
                "per_page": 25,
                "pre_page": 0,
                "next_page": None,
                "total": 0,
                "total_page": 0,
            },
        }

    def test_given_five_when_paging_by_two_then_pagination_points_both_ways(
        self, client: TestClient, five: list[dict[str, Any]]
    ) -> None:
        first, middle, last = (
            _list(client, per_page=2),
            _list(client, per_page=2, page=2),
            _list(client, per_page=2, page=3),
        )
        assert _names(first) + _names(middle) + _names(last) == [
            d["name"] for d in five
        ]  # default order: _id
        assert first["pagination"] == {
            "page": 1,
            "per_page": 2,
            "pre_page": 0,
            "next_page": 2,
            "total": 5,
            "total_page": 3,
        }
        assert middle["pagination"]["pre_page"] == 1
        assert middle["pagination"]["next_page"] == 3
        assert last["pagination"]["next_page"] is None
        assert _list(client, per_page=2, page=4)["data"] == []

    @pytest.mark.parametrize(
        ("params", "word"),
        [
            ({"per_page": 0}, "per_page"),
            ({"per_page": 101}, "per_page"),
            ({"page": 0}, "page"),
            ({"sort": "shoe"}, "sort"),
            ({"from_updatedAt": "yesterday"}, "from_updatedAt"),
        ],
    )
    def test_given_an_invalid_parameter_when_listing_then_400_naming_it(
        self, client: TestClient, params: dict[str, Any], word: str
    ) -> None:
        response = client.get(CONTACTS, params=params, headers=CLIENT_CONTACTS)
        assert response.status_code == 400
        assert response.json()["success"] is False
        assert word in response.json()["error"]

    def test_given_sort_by_name_when_listing_then_ascending_and_descending(
        self, client: TestClient, five: list[dict[str, Any]]
    ) -> None:
        names = sorted(d["name"] for d in five)
        assert _names(_list(client, sort="name")) == names
        assert _names(_list(client, sort="-name")) == names[::-1]

    def test_given_ids_repeated_or_comma_separated_when_listing_then_only_those(
        self, client: TestClient, five: list[dict[str, Any]]
    ) -> None:
        a, b, c = five[0]["_id"], five[2]["_id"], five[4]["_id"]
        assert _names(_list(client, ids=[a, b])) == ["Carol", "Bob"]
        assert _names(_list(client, ids=f"{a},{c}")) == ["Carol", "Eve Smithson"]

    def test_given_search_when_listing_then_case_insensitive_substring_of_name(
        self, client: TestClient, five: list[dict[str, Any]]
    ) -> None:
        assert _names(_list(client, search="SMITH")) == ["Dave Smith", "Eve Smithson"]

    def test_given_names_when_listing_then_exact_matches_only(
        self, client: TestClient, five: list[dict[str, Any]]
    ) -> None:
        assert _names(_list(client, name=["Bob", "Dave Smith", "Smith"])) == ["Bob", "Dave Smith"]

    def test_given_id_bounds_when_listing_then_both_exclusive(
        self, client: TestClient, five: list[dict[str, Any]]
    ) -> None:
        assert _names(_list(client, from__id=five[0]["_id"], to__id=five[3]["_id"])) == ["alice", "Bob"]

    def test_given_updated_at_bounds_when_listing_then_from_inclusive_and_to_exclusive(
        self, client: TestClient, five: list[dict[str, Any]]
    ) -> None:
        time.sleep(0.002)
        touched = client.put(
            f"{CONTACTS}/{five[1]['_id']}", json={"title": "x"}, headers=CLIENT_CONTACTS
        ).json()["data"]
        at = int(datetime.fromisoformat(touched["updatedAt"]).timestamp() * 1000)
        assert _names(_list(client, from_updatedAt=at)) == ["alice"]
        assert "alice" not in _names(_list(client, to_updatedAt=at))
        assert len(_names(_list(client, to_updatedAt=at))) == 4
