"""The Client Contacts API's readings, one at a time: each over the lenient preset."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import (
    CLIENT_CONTACTS,
    client_contact_names,
    create_client_contact,
    each_reading,
    epoch_ms,
    read_as,
)
from tests.helpers import CLIENT_CONTACTS_PATH as CONTACTS


class TestWrites:
    @pytest.mark.parametrize(
        ("point", "reading", "fields", "status"),
        [
            ("nulls", "taken", {"title": None}, 201),
            ("nulls", "refused", {"title": None}, 400),
            ("empty_strings", "taken", {"title": ""}, 201),
            ("empty_strings", "refused", {"title": ""}, 400),
            ("email", "any", {"email": "not an address"}, 201),
            ("email", "address", {"email": "not an address"}, 400),
        ],
    )
    def test_given_a_reading_when_creating_with_such_a_value_then_taken_or_refused_naming_it(
        self, client: TestClient, point: str, reading: str, fields: dict[str, Any], status: int
    ) -> None:
        read_as(client, {f"client_contacts.{point}": reading})
        response = client.post(CONTACTS, json={"name": "Ann", **fields}, headers=CLIENT_CONTACTS)
        assert response.status_code == status
        if status == 400:
            assert next(iter(fields)) in response.json()["error"]

    @each_reading("client_contacts.internal_types", ("status",), [("any", 200), ("checked", 400)])
    def test_given_a_reading_when_an_update_sends_back_a_mistyped_internal_field_then_ignored_or_refused(
        self, client: TestClient, status: int
    ) -> None:
        document = create_client_contact(client, "Ann")
        response = client.patch(f"{CONTACTS}/{document['_id']}", json={"__v": "7"}, headers=CLIENT_CONTACTS)
        assert response.status_code == status

    @each_reading("client_contacts.put", ("title",), [("merges", "Boss"), ("replaces", None)])
    def test_given_a_reading_when_putting_without_a_field_then_kept_or_removed(
        self, client: TestClient, title: str | None
    ) -> None:
        document = create_client_contact(client, "Ann", title="Boss")
        response = client.put(
            f"{CONTACTS}/{document['_id']}", json={"name": "Ann B"}, headers=CLIENT_CONTACTS
        )
        assert response.json()["data"]["name"] == "Ann B"
        assert response.json()["data"].get("title") == title


class TestErrors:
    def test_given_status_when_refused_then_a_4xx_with_success_false(self, client: TestClient) -> None:
        read_as(client, {"client_contacts.errors": "status"})
        response = client.post(CONTACTS, json={}, headers=CLIENT_CONTACTS)
        assert (response.status_code, response.json()["success"]) == (400, False)
        assert client.get(f"{CONTACTS}/{'0' * 24}", headers=CLIENT_CONTACTS).status_code == 404

    def test_given_success_false_when_refused_or_not_found_then_200_saying_success_false(
        self, client: TestClient
    ) -> None:
        read_as(client, {"client_contacts.errors": "success_false"})
        response = client.post(CONTACTS, json={}, headers=CLIENT_CONTACTS)
        assert (response.status_code, response.json()) == (
            200,
            {"success": False, "error": "name is required"},
        )
        missing = client.get(f"{CONTACTS}/{'0' * 24}", headers=CLIENT_CONTACTS)
        assert (missing.status_code, missing.json()["success"]) == (200, False)
        assert client.get(CONTACTS, headers={"Authorization": "Bearer wrong"}).status_code == 401


class TestList:
    @each_reading("client_contacts.unknown_filters", ("status",), [("ignored", 200), ("refused", 400)])
    def test_given_a_reading_when_listing_with_an_unnamed_filter_then_ignored_or_refused(
        self, client: TestClient, status: int
    ) -> None:
        response = client.get(CONTACTS, params={"updated_since": 5}, headers=CLIENT_CONTACTS)
        assert response.status_code == status

    @each_reading(
        "client_contacts.default_order", ("order",), [("id", ["Ann", "Bob"]), ("updated", ["Bob", "Ann"])]
    )
    def test_given_a_reading_when_the_first_created_is_updated_then_the_default_order(
        self, client: TestClient, order: list[str]
    ) -> None:
        ann = create_client_contact(client, "Ann")
        create_client_contact(client, "Bob")
        client.patch(f"{CONTACTS}/{ann['_id']}", json={"title": "Boss"}, headers=CLIENT_CONTACTS)
        assert client_contact_names(client) == order

    @each_reading("client_contacts.search", ("found",), [("any_case", ["Ann Lee"]), ("same_case", [])])
    def test_given_a_reading_when_searching_in_another_case_then_found_or_not(
        self, client: TestClient, found: list[str]
    ) -> None:
        create_client_contact(client, "Ann Lee")
        assert client_contact_names(client, search="ann") == found

    @each_reading("client_contacts.from_updated", ("found",), [("at_or_after", ["Ann"]), ("after", [])])
    def test_given_a_reading_when_listing_from_the_contacts_own_millisecond_then_found_or_not(
        self, client: TestClient, found: list[str]
    ) -> None:
        ann = create_client_contact(client, "Ann")
        assert client_contact_names(client, from_updatedAt=epoch_ms(ann["updatedAt"])) == found

    @each_reading("client_contacts.ids", ("found",), [("commas", ["Ann", "Bob"]), ("repeated", [])])
    def test_given_a_reading_when_listing_ids_comma_separated_then_both_or_none(
        self, client: TestClient, found: list[str]
    ) -> None:
        ids = [create_client_contact(client, name)["_id"] for name in ("Ann", "Bob")]
        assert client_contact_names(client, ids=",".join(ids)) == found
        assert client_contact_names(client, ids=ids) == ["Ann", "Bob"]

    @each_reading("client_contacts.per_page_cap", ("size",), [("none", 25), ("20", 20)])
    def test_given_a_reading_when_asking_25_per_page_then_that_many_and_the_pagination_says_so(
        self, client: TestClient, size: int
    ) -> None:
        for n in range(25):
            create_client_contact(client, f"Contact {n}")
        body = client.get(CONTACTS, params={"per_page": 25}, headers=CLIENT_CONTACTS).json()
        assert len(body["data"]) == body["pagination"]["per_page"] == size


class TestPatch:
    @each_reading("client_contacts.patch", ("status",), [("merges", 200), ("none", 405)])
    def test_given_a_reading_when_patching_then_merged_or_no_such_method(
        self, client: TestClient, status: int
    ) -> None:
        document = create_client_contact(client, "Ann", title="Boss")
        response = client.patch(
            f"{CONTACTS}/{document['_id']}", json={"title": "CEO"}, headers=CLIENT_CONTACTS
        )
        assert response.status_code == status
        stored = client.get(f"{CONTACTS}/{document['_id']}", headers=CLIENT_CONTACTS).json()["data"]
        assert stored["title"] == ("CEO" if status == 200 else "Boss")
