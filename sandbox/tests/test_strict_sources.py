"""The two source APIs under the strict profile: lists by last change, a delta after its second."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import COMPANY_A, bearer

CUSTOM = "/custom/contacts"
COMPANY = "/company/api/v1/contacts"


def _custom_ids(client: TestClient, headers: dict[str, str], page: int, limit: int) -> tuple[list[str], bool]:
    body = client.get(CUSTOM, params={"limit": limit, "page": page}, headers=headers).json()
    return [contact["id"] for contact in body["contacts"]], body["has_more"]


def _read_all(client: TestClient, headers: dict[str, str], limit: int, start_page: int = 1) -> list[str]:
    ids, page = [], start_page
    while True:
        found, has_more = _custom_ids(client, headers, page, limit)
        ids += found
        if not has_more:
            return ids
        page += 1


def _delta(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(f"{CUSTOM}/delta", params={"limit": 1000, **params}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestCustomContacts:
    def test_given_strict_when_reading_every_page_then_ids_in_last_change_order(
        self, strict_client: TestClient
    ) -> None:
        headers = bearer(strict_client)
        in_change_order = [
            contact["id"] for contact in _delta(strict_client, headers, timestamp=0)["updated"]
        ]
        ids = _read_all(strict_client, headers, limit=7)
        assert ids == in_change_order
        assert ids != sorted(ids, key=int), "the seed's change order differs from its id order"

    def test_given_strict_and_an_update_of_a_read_contact_during_a_full_read_then_the_next_is_missed(
        self, strict_client: TestClient
    ) -> None:
        headers = bearer(strict_client)
        before = _read_all(strict_client, headers, limit=1000)
        first_page, _ = _custom_ids(strict_client, headers, 1, 10)
        # Churn seed 2 updates the third contact of the first page (checked below).
        updated = strict_client.post("/admin/churn", json={"api": "custom", "update": 1, "seed": 2}).json()
        (moved,) = updated["updated"]
        assert first_page.index(moved) == 2
        rest = _read_all(strict_client, headers, start_page=2, limit=10)

        assert rest == [*before[11:], moved]
        # Every contact after it moved back a place: the first of page two was never read.
        assert before[10] not in first_page + rest

    def test_given_lenient_and_an_update_when_reading_then_the_id_order_holds(
        self, client: TestClient
    ) -> None:
        headers = bearer(client)
        before = _read_all(client, headers, limit=1000)
        client.post("/admin/churn", json={"api": "custom", "update": 3, "seed": 3})
        assert _read_all(client, headers, limit=1000) == before

    def test_given_strict_when_asking_a_delta_since_the_churns_second_then_nothing(
        self, strict_client: TestClient
    ) -> None:
        headers = bearer(strict_client)
        started = time.time()
        churned = strict_client.post(
            "/admin/churn", json={"api": "custom", "create": 1, "update": 2, "delete": 2}
        ).json()
        ended = time.time()
        body = _delta(strict_client, headers, timestamp=int(ended))
        assert body == {"updated": [], "deleted": [], "has_more": False}
        body = _delta(strict_client, headers, timestamp=int(started) - 1)
        # One churn, one change time: the tie goes by id.
        changed = churned["created"] + churned["updated"]
        assert [contact["id"] for contact in body["updated"]] == sorted(changed, key=int)
        assert body["deleted"] == sorted(churned["deleted"], key=int)

    def test_given_strict_and_changes_when_asking_a_delta_then_both_lists_by_change_then_id(
        self, strict_client: TestClient
    ) -> None:
        headers = bearer(strict_client)
        strict_client.post("/admin/churn", json={"api": "custom", "update": 2, "delete": 1, "seed": 5})
        strict_client.post("/admin/churn", json={"api": "custom", "update": 2, "delete": 2, "seed": 6})
        dumped = strict_client.get("/admin/dump/custom").json()
        body = _delta(strict_client, headers, timestamp=0)
        assert len(body["updated"]) == len(dumped["contacts"])
        # The dump lists deleted ids by deletion time, then id: the delta must agree.
        assert body["deleted"] == dumped["deleted"]


class TestCompanyContacts:
    def _ids(self, client: TestClient, **params: Any) -> list[str]:
        body = client.get(COMPANY, params={"limit": 1000, **params}, headers=COMPANY_A).json()
        return [contact["id"] for contact in body["data"]]

    def test_given_strict_when_reading_then_by_updated_at_then_id(self, strict_client: TestClient) -> None:
        contacts = strict_client.get(COMPANY, params={"limit": 1000}, headers=COMPANY_A).json()["data"]
        keys = [(contact["updated_at"], int(contact["id"])) for contact in contacts]
        assert keys == sorted(keys)
        assert [key[1] for key in keys] != sorted(key[1] for key in keys)

    def test_given_strict_and_an_update_during_a_read_then_the_contact_moves_to_the_end(
        self, strict_client: TestClient
    ) -> None:
        before = self._ids(strict_client)
        updated = strict_client.post("/admin/churn", json={"api": "company", "update": 1, "seed": 4}).json()
        (moved,) = updated["updated"]
        assert self._ids(strict_client) == [contact_id for contact_id in before if contact_id != moved] + [
            moved
        ]
        # A search keeps the same order among the contacts it matches.
        everyone, matching = self._ids(strict_client), self._ids(strict_client, search="a")
        assert 0 < len(matching) < len(everyone)
        assert matching == [contact_id for contact_id in everyone if contact_id in set(matching)]

    def test_given_lenient_and_an_update_when_reading_then_the_id_order_holds(
        self, client: TestClient
    ) -> None:
        before = self._ids(client)
        client.post("/admin/churn", json={"api": "company", "update": 1, "seed": 4})
        assert self._ids(client) == before == sorted(before, key=int)
