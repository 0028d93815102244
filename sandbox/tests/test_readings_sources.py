"""The two source APIs' readings, one at a time: each over the lenient preset."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from contacts_sandbox import Settings
from contacts_sandbox.seed import EMAIL_LABELS as EMAIL
from contacts_sandbox.seed import PHONE_LABELS as PHONE
from contacts_sandbox.state import Sandbox
from tests.helpers import BASIC, COMPANY_A, bearer, each_reading, read_as

CUSTOM = "/custom/contacts"
PHONE_LABELS, EMAIL_LABELS = set(PHONE), set(EMAIL)
# Half a second into a second no other change falls in.
CHANGED_AT = 2_000_000_000.5
COMPANY = "/company/api/v1/contacts"


def _page(client: TestClient, headers: dict[str, str], page: int, limit: int) -> tuple[list[str], bool]:
    body = client.get(CUSTOM, params={"limit": limit, "page": page}, headers=headers).json()
    return [contact["id"] for contact in body["contacts"]], body["has_more"]


def _read_all(client: TestClient, headers: dict[str, str], limit: int) -> list[str]:
    ids, page, has_more = [], 1, True
    while has_more:
        found, has_more = _page(client, headers, page, limit)
        ids += found
        page += 1
    return ids


def _delta(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(f"{CUSTOM}/delta", params={"limit": 1000, **params}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _sandbox(client: TestClient) -> Sandbox:
    sandbox: Sandbox = client.app.state.sandbox  # type: ignore[attr-defined]
    return sandbox


class TestCustomOrder:
    def test_given_id_when_reading_every_page_then_by_numeric_id(self, client: TestClient) -> None:
        read_as(client, {"custom.order": "id"})
        ids = _read_all(client, bearer(client), 7)
        assert ids == sorted(ids, key=int)

    def test_given_last_change_when_reading_every_page_then_as_the_delta_lists_changes(
        self, client: TestClient
    ) -> None:
        read_as(client, {"custom.order": "last_change"})
        headers = bearer(client)
        by_change = [contact["id"] for contact in _delta(client, headers, timestamp=0)["updated"]]
        assert _read_all(client, headers, 7) == by_change != sorted(by_change, key=int)

    def test_given_unstable_when_a_write_happens_between_reads_then_the_order_changes_reproducibly(
        self, client: TestClient
    ) -> None:
        read_as(client, {"custom.order": "unstable"})
        headers = bearer(client)
        first = _read_all(client, headers, 7)
        assert first == _read_all(client, headers, 7)
        assert first != sorted(first, key=int)
        client.post("/admin/churn", json={"api": "custom", "update": 1, "seed": 3})
        second = _read_all(client, headers, 7)
        assert second != first
        assert sorted(second) == sorted(first)
        read_as(client, {"custom.order": "unstable"})
        assert _read_all(client, headers, 7) == first


class TestCustomToken:
    def test_given_with_when_asking_a_token_then_it_carries_exp(
        self, client: TestClient, settings: Settings
    ) -> None:
        read_as(client, {"custom.token_exp": "with"})
        token = client.get("/custom/token", auth=BASIC).json()["token"]
        assert "exp" in jwt.decode(token, settings.jwt_secret, algorithms=["HS256"])

    def test_given_without_when_using_the_token_then_good_until_the_server_ends_it_after_the_ttl(
        self, client: TestClient, settings: Settings
    ) -> None:
        read_as(client, {"custom.token_exp": "without"})
        token = client.get("/custom/token", auth=BASIC).json()["token"]
        assert "exp" not in jwt.decode(token, settings.jwt_secret, algorithms=["HS256"])
        assert client.get(CUSTOM, headers={"Authorization": f"Bearer {token}"}).status_code == 200
        tokens = _sandbox(client).tokens
        assert tokens.check(token, now=time.time() + settings.token_ttl - 5) is None
        assert tokens.check(token, now=time.time() + settings.token_ttl + 2) == "token expired"

    def test_given_without_when_a_token_without_exp_was_not_issued_here_then_401(
        self, client: TestClient, settings: Settings
    ) -> None:
        read_as(client, {"custom.token_exp": "without"})
        claims = {"sub": "someone", "iat": int(time.time())}
        forged = jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
        assert client.get(CUSTOM, headers={"Authorization": f"Bearer {forged}"}).status_code == 401

    @each_reading("custom.expired_status", ("status",), [("401", 401), ("403", 403)])
    def test_given_a_reading_when_the_token_has_expired_then_that_status(
        self, client: TestClient, settings: Settings, status: int
    ) -> None:
        claims = {"sub": "test_id", "iat": int(time.time()) - 100, "exp": int(time.time()) - 10}
        expired = jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
        response = client.get(CUSTOM, headers={"Authorization": f"Bearer {expired}"})
        assert (response.status_code, response.json()) == (status, {"error": "token expired"})
        assert client.get(CUSTOM, headers={"Authorization": "Bearer forged"}).status_code == 401


class TestCustomPaging:
    @each_reading("custom.limit_cap", ("count",), [("none", 60), ("50", 50)])
    def test_given_a_reading_when_asking_60_then_that_many(self, client: TestClient, count: int) -> None:
        ids, _ = _page(client, bearer(client), 1, 60)
        assert len(ids) == count

    def test_given_sometimes_when_reading_every_page_then_every_third_is_empty_with_more_and_none_lost(
        self, client: TestClient
    ) -> None:
        read_as(client, {"custom.empty_page_more": "sometimes"})
        headers = bearer(client)
        assert _page(client, headers, 3, 10) == ([], True)
        ids = _read_all(client, headers, 10)
        assert ids == sorted(ids, key=int)
        assert len(ids) == len(set(ids)) == 60
        delta = client.get(
            f"{CUSTOM}/delta", params={"limit": 10, "page": 3, "timestamp": 0}, headers=headers
        )
        assert delta.json() == {"updated": [], "deleted": [], "has_more": True}

    def test_given_never_when_reading_the_third_page_then_it_holds_contacts(self, client: TestClient) -> None:
        read_as(client, {"custom.empty_page_more": "never"})
        ids, has_more = _page(client, bearer(client), 3, 10)
        assert (len(ids), has_more) == (10, True)


class TestCustomDelta:
    @each_reading("custom.updated_and_deleted", ("in_both",), [("never", False), ("sometimes", True)])
    def test_given_a_reading_when_a_contact_changed_since_is_deleted_then_in_both_lists_or_deleted_only(
        self, client: TestClient, in_both: bool
    ) -> None:
        (gone,) = client.post("/admin/churn", json={"api": "custom", "delete": 1, "seed": 5}).json()[
            "deleted"
        ]
        body = _delta(client, bearer(client), timestamp=0)
        assert gone in body["deleted"]
        assert (gone in [contact["id"] for contact in body["updated"]]) == in_both

    @each_reading("custom.updated_new", ("new_listed",), [("included", True), ("excluded", False)])
    def test_given_a_reading_when_a_contact_is_created_since_then_listed_as_updated_or_not(
        self, client: TestClient, new_listed: bool
    ) -> None:
        since = int(time.time()) - 1
        churned = client.post(
            "/admin/churn", json={"api": "custom", "create": 1, "update": 1, "seed": 5}
        ).json()
        updated = [contact["id"] for contact in _delta(client, bearer(client), timestamp=since)["updated"]]
        assert churned["updated"][0] in updated
        assert (churned["created"][0] in updated) == new_listed


class TestCustomTimestamp:
    @each_reading("custom.timestamp", ("listed",), [("at_or_after", True), ("after", False)])
    def test_given_a_reading_when_a_contact_changed_within_the_timestamps_second_then_listed_or_not(
        self, client: TestClient, listed: bool
    ) -> None:
        store = _sandbox(client).store.custom
        changed = store.ids()[0]
        store.put(store.get(changed), CHANGED_AT)
        updated = _delta(client, bearer(client), timestamp=int(CHANGED_AT))["updated"]
        assert [contact["id"] for contact in updated] == ([changed] if listed else [])


class TestCustomLabels:
    @pytest.mark.parametrize("reading", ["raw", "normalised"])
    def test_given_a_reading_when_reading_contacts_then_odd_labels_and_types_as_stored_or_handled(
        self, client: TestClient, reading: str
    ) -> None:
        read_as(client, {"custom.labels": reading})
        headers = bearer(client)
        contacts = client.get(CUSTOM, params={"limit": 1000}, headers=headers).json()["contacts"]
        updated = _delta(client, headers, timestamp=0)["updated"]
        for listed in (contacts, updated):
            types = {contact.get("type") for contact in listed}
            labels = {entry["label"] for contact in listed for entry in contact["phones"] + contact["emails"]}
            documented = types <= {"customer", "lead"} and labels <= PHONE_LABELS | EMAIL_LABELS
            assert documented == (reading == "normalised")


class TestCompany:
    @each_reading("company.times", ("ends_with_z",), [("zoned", True), ("naive", False)])
    def test_given_a_reading_when_reading_contacts_and_tags_then_times_with_or_without_their_zone(
        self, client: TestClient, ends_with_z: bool
    ) -> None:
        contact = client.get(COMPANY, headers=COMPANY_A).json()["data"][0]
        tag = client.get(f"{COMPANY}/tags", headers=COMPANY_A).json()["data"][0]
        for value in (contact["created_at"], contact["updated_at"], tag["created_at"]):
            assert value.endswith("Z") == ends_with_z
            assert len(value) == len("2025-08-01T10:00:00.000") + ends_with_z

    @each_reading("company.page_order", ("moves",), [("stable", False), ("any", True)])
    def test_given_a_reading_when_a_contact_is_updated_then_it_keeps_its_place_or_moves_to_the_end(
        self, client: TestClient, moves: bool
    ) -> None:

        def ids() -> list[str]:
            return [
                c["id"] for c in client.get(COMPANY, params={"limit": 1000}, headers=COMPANY_A).json()["data"]
            ]

        before = ids()
        (moved,) = client.post("/admin/churn", json={"api": "company", "update": 1, "seed": 4}).json()[
            "updated"
        ]
        expected = [contact_id for contact_id in before if contact_id != moved] + [moved] if moves else before
        assert ids() == expected

    @each_reading("company.limit_cap", ("count", "pages"), [("none", 60, 1), ("50", 50, 2)])
    def test_given_a_reading_when_asking_60_then_that_many_and_the_pages_counted_so(
        self, client: TestClient, count: int, pages: int
    ) -> None:
        body = client.get(COMPANY, params={"limit": 60}, headers=COMPANY_A).json()
        assert (len(body["data"]), body["totalPages"]) == (count, pages)
