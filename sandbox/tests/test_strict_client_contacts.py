"""The Client Contacts API under the strict profile: typed fields, PUT replaces, lists by last change."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import CLIENT_CONTACTS, client_contact_names, create_client_contact, epoch_ms
from tests.helpers import CLIENT_CONTACTS_PATH as CONTACTS


class TestWrites:
    @pytest.mark.parametrize(
        "field", ["email", "phone1", "local_name", "disabled", "media", "integration_meta", "creator"]
    )
    def test_given_null_in_a_typed_field_when_creating_then_400_naming_it(
        self, strict_client: TestClient, field: str
    ) -> None:
        response = strict_client.post(CONTACTS, json={"name": "Ann", field: None}, headers=CLIENT_CONTACTS)
        assert response.status_code == 400
        assert response.json()["success"] is False
        assert field in response.json()["error"]
        assert strict_client.get("/admin/dump/client_contacts").json() == []

    @pytest.mark.parametrize("method", ["PUT", "PATCH"])
    @pytest.mark.parametrize(
        "body",
        [
            {"email": None},
            {"nickname": "x"},
            {"__v": None},
            {"__v": "1"},
            {"_id": 5},
            {"email": "not-an-email"},
        ],
        ids=["null", "unknown", "null-internal", "internal-of-another-type", "id-as-number", "bad-email"],
    )
    def test_given_a_bad_field_when_updating_then_400_and_unchanged(
        self, strict_client: TestClient, method: str, body: dict[str, Any]
    ) -> None:
        created = create_client_contact(strict_client, "Ann", email="ann@example.com")
        response = strict_client.request(
            method,
            f"{CONTACTS}/{created['_id']}",
            json={"name": "Ann", **body},
            headers=CLIENT_CONTACTS,
        )
        assert response.status_code == 400
        assert (
            strict_client.get(f"{CONTACTS}/{created['_id']}", headers=CLIENT_CONTACTS).json()["data"]
            == created
        )

    def test_given_a_put_without_some_fields_then_they_are_cleared_or_back_to_the_create_defaults(
        self, strict_client: TestClient
    ) -> None:
        created = create_client_contact(
            strict_client,
            "Ann",
            email="ann@example.com",
            phone1="+1555",
            disabled=True,
            media=["https://cdn.example.com/a.jpg"],
            integration_meta={"external_id": "7"},
        )
        response = strict_client.put(
            f"{CONTACTS}/{created['_id']}",
            json={"name": "Ann Lee", "integration_meta": {"external_id": "7"}},
            headers=CLIENT_CONTACTS,
        )
        assert response.status_code == 200
        updated = response.json()["data"]
        assert set(updated) == {
            "_id", "name", "integration_meta", "disabled", "media", "company_namespace",
            "createdAt", "updatedAt", "__v",
        }  # fmt: skip
        assert (updated["disabled"], updated["media"], updated["company_namespace"]) == (False, [], [])
        assert (updated["_id"], updated["createdAt"], updated["__v"]) == (
            created["_id"],
            created["createdAt"],
            1,
        )
        assert (
            strict_client.get(f"{CONTACTS}/{created['_id']}", headers=CLIENT_CONTACTS).json()["data"]
            == updated
        )

    def test_given_a_put_without_a_name_then_400_a_contact_needs_one(self, strict_client: TestClient) -> None:
        created = create_client_contact(strict_client, "Ann")
        response = strict_client.put(
            f"{CONTACTS}/{created['_id']}",
            json={"email": "ann@example.com"},
            headers=CLIENT_CONTACTS,
        )
        assert response.status_code == 400

    def test_given_a_patch_without_some_fields_then_they_are_kept(self, strict_client: TestClient) -> None:
        created = create_client_contact(strict_client, "Ann", email="ann@example.com", phone1="+1555")
        response = strict_client.patch(
            f"{CONTACTS}/{created['_id']}", json={"phone1": "+1666"}, headers=CLIENT_CONTACTS
        )
        updated = response.json()["data"]
        assert (updated["name"], updated["email"], updated["phone1"]) == ("Ann", "ann@example.com", "+1666")

    def test_given_the_internal_fields_sent_back_in_a_put_then_accepted_and_the_servers_kept(
        self, strict_client: TestClient
    ) -> None:
        created = create_client_contact(strict_client, "Ann")
        body = {"name": "Ann", "_id": "0" * 24, "createdAt": "2023-01-15T10:30:00.000Z", "__v": 9}
        response = strict_client.put(
            f"{CONTACTS}/{created['_id']}",
            json={**body, "updatedAt": body["createdAt"]},
            headers=CLIENT_CONTACTS,
        )
        assert response.status_code == 200
        updated = response.json()["data"]
        assert (updated["_id"], updated["createdAt"], updated["__v"]) == (
            created["_id"],
            created["createdAt"],
            1,
        )


class TestList:
    def test_given_an_update_when_listing_without_sort_then_the_updated_contact_comes_last(
        self, strict_client: TestClient
    ) -> None:
        ann = create_client_contact(strict_client, "Ann")
        create_client_contact(strict_client, "Bob")
        create_client_contact(strict_client, "Cy")
        assert client_contact_names(strict_client) == ["Ann", "Bob", "Cy"]
        strict_client.patch(f"{CONTACTS}/{ann['_id']}", json={"title": "CEO"}, headers=CLIENT_CONTACTS)
        assert client_contact_names(strict_client) == ["Bob", "Cy", "Ann"]
        assert client_contact_names(strict_client, per_page=2, page=2) == ["Ann"]
        assert client_contact_names(strict_client, sort="_id") == ["Ann", "Bob", "Cy"]

    def test_given_lenient_and_an_update_when_listing_without_sort_then_creation_order(
        self, client: TestClient
    ) -> None:
        ann = create_client_contact(client, "Ann")
        create_client_contact(client, "Bob")
        client.patch(f"{CONTACTS}/{ann['_id']}", json={"title": "CEO"}, headers=CLIENT_CONTACTS)
        assert client_contact_names(client) == ["Ann", "Bob"]

    def test_given_a_search_when_listing_then_case_counts(self, strict_client: TestClient) -> None:
        create_client_contact(strict_client, "Dave Smith")
        create_client_contact(strict_client, "dave smithson")
        assert client_contact_names(strict_client, search="Smith") == ["Dave Smith"]

    def test_given_from_updated_at_when_listing_then_only_contacts_updated_strictly_after(
        self, strict_client: TestClient
    ) -> None:
        ann = create_client_contact(strict_client, "Ann")
        at = epoch_ms(ann["updatedAt"])
        assert "Ann" not in client_contact_names(strict_client, from_updatedAt=at)
        assert "Ann" in client_contact_names(strict_client, from_updatedAt=at - 1)

    def test_given_a_comma_in_ids_when_listing_then_it_is_one_id(self, strict_client: TestClient) -> None:
        ann, bob = create_client_contact(strict_client, "Ann"), create_client_contact(strict_client, "Bob")
        assert client_contact_names(strict_client, ids=f"{ann['_id']},{bob['_id']}") == []
        assert sorted(client_contact_names(strict_client, ids=[ann["_id"], bob["_id"]])) == ["Ann", "Bob"]
