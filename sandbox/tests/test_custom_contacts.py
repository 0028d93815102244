"""Custom Contact Source API: token, contacts, delta."""

from __future__ import annotations

import time

import jwt
import pytest
from fastapi.testclient import TestClient

from contacts_sandbox import Settings
from tests.helpers import BASIC, bearer


class TestToken:
    def test_given_the_documented_credentials_when_asking_a_token_then_it_is_a_jwt_with_an_expiry(
        self, client: TestClient, settings: Settings
    ) -> None:
        before = time.time()
        response = client.get("/custom/token", auth=BASIC)
        assert response.status_code == 200
        claims = jwt.decode(response.json()["token"], settings.jwt_secret, algorithms=["HS256"])
        assert before + settings.token_ttl <= claims["exp"] <= time.time() + settings.token_ttl + 1

    @pytest.mark.parametrize(
        "auth", [None, ("test_id", "wrong"), ("someone", "test_secret")], ids=["none", "password", "user"]
    )
    def test_given_bad_credentials_when_asking_a_token_then_401(
        self, client: TestClient, auth: object
    ) -> None:
        response = client.get("/custom/token", auth=auth)  # type: ignore[arg-type]
        assert response.status_code == 401
        assert "error" in response.json()

    def test_given_a_bearer_header_when_asking_a_token_then_401(self, client: TestClient) -> None:
        assert client.get("/custom/token", headers={"Authorization": "Bearer x"}).status_code == 401


class TestAuthOfTheData:
    @pytest.mark.parametrize("path", ["/custom/contacts", "/custom/contacts/delta?timestamp=0"])
    def test_given_no_token_when_reading_then_401(self, client: TestClient, path: str) -> None:
        response = client.get(path)
        assert response.status_code == 401
        assert response.json() == {"error": "missing bearer token"}

    def test_given_a_malformed_token_when_reading_then_401(self, client: TestClient) -> None:
        assert (
            client.get("/custom/contacts", headers={"Authorization": "Bearer not-a-jwt"}).status_code == 401
        )

    def test_given_a_token_signed_with_another_key_when_reading_then_401(self, client: TestClient) -> None:
        forged = jwt.encode(
            {"sub": "test_id", "exp": int(time.time()) + 600},
            "another-signing-key-of-32-bytes-or-more",
            algorithm="HS256",
        )
        response = client.get("/custom/contacts", headers={"Authorization": f"Bearer {forged}"})
        assert response.status_code == 401
        assert "invalid token" in response.json()["error"]

    def test_given_an_expired_token_when_reading_then_401(
        self, client: TestClient, settings: Settings
    ) -> None:
        expired = jwt.encode(
            {"sub": "test_id", "exp": int(time.time()) - 1}, settings.jwt_secret, algorithm="HS256"
        )
        response = client.get("/custom/contacts", headers={"Authorization": f"Bearer {expired}"})
        assert response.status_code == 401
        assert response.json() == {"error": "token expired"}

    def test_given_a_token_without_expiry_when_reading_then_401(
        self, client: TestClient, settings: Settings
    ) -> None:
        endless = jwt.encode({"sub": "test_id"}, settings.jwt_secret, algorithm="HS256")
        assert (
            client.get("/custom/contacts", headers={"Authorization": f"Bearer {endless}"}).status_code == 401
        )


class TestContacts:
    def test_given_60_contacts_when_reading_every_page_then_each_comes_once_in_numeric_id_order(
        self, client: TestClient
    ) -> None:
        headers, ids, page = bearer(client), [], 1
        while True:
            body = client.get("/custom/contacts", params={"limit": 7, "page": page}, headers=headers).json()
            ids += [contact["id"] for contact in body["contacts"]]
            if not body["has_more"]:
                break
            page += 1
        assert page == 9  # 60 = 8 * 7 + 4: the last page is short
        assert len(ids) == len(set(ids)) == 60
        assert [int(i) for i in ids] == sorted(int(i) for i in ids)
        assert all(i.isdigit() for i in ids)
        assert ids != sorted(ids), "ids cross a digit boundary, so text order differs from numeric order"

    def test_given_an_exact_last_page_when_reading_it_then_has_more_is_false(
        self, client: TestClient
    ) -> None:
        body = client.get("/custom/contacts", params={"limit": 30, "page": 2}, headers=bearer(client)).json()
        assert len(body["contacts"]) == 30
        assert body["has_more"] is False

    def test_given_a_page_past_the_end_when_reading_then_empty_and_no_more(self, client: TestClient) -> None:
        body = client.get("/custom/contacts", params={"limit": 50, "page": 3}, headers=bearer(client)).json()
        assert body == {"contacts": [], "has_more": False}

    def test_given_no_parameters_when_reading_then_the_first_ten(self, client: TestClient) -> None:
        body = client.get("/custom/contacts", headers=bearer(client)).json()
        assert len(body["contacts"]) == 10
        assert body["has_more"] is True

    def test_given_a_contact_when_reading_then_it_has_exactly_the_documented_fields(
        self, client: TestClient
    ) -> None:
        contacts = client.get("/custom/contacts", params={"limit": 60}, headers=bearer(client)).json()[
            "contacts"
        ]
        documented = {"id", "first_name", "last_name", "company", "type", "phones", "emails"}
        for contact in contacts:
            assert set(contact) <= documented
            assert set(contact) >= documented - {"type"}
            assert all(set(phone) == {"number", "label"} for phone in contact["phones"])
            assert all(set(email) == {"email", "label"} for email in contact["emails"])

    @pytest.mark.parametrize(
        "params",
        [{"limit": 0}, {"limit": 1001}, {"page": 0}, {"limit": "ten"}, {"page": -1}],
        ids=["limit-0", "limit-1001", "page-0", "limit-text", "page-negative"],
    )
    def test_given_an_invalid_parameter_when_reading_then_400_naming_it(
        self, client: TestClient, params: dict[str, object]
    ) -> None:
        response = client.get("/custom/contacts", params=params, headers=bearer(client))
        assert response.status_code == 400
        assert next(iter(params)) in response.json()["error"]


class TestDelta:
    def _delta(self, client: TestClient, **params: object) -> dict[str, object]:
        response = client.get("/custom/contacts/delta", params=params, headers=bearer(client))
        assert response.status_code == 200, response.text
        body: dict[str, object] = response.json()
        return body

    def test_given_churn_now_when_asking_since_this_second_then_exactly_the_churned_ids(
        self, client: TestClient
    ) -> None:
        since = int(time.time())
        churned = client.post(
            "/admin/churn", json={"api": "custom", "create": 2, "update": 3, "delete": 4}
        ).json()
        body = self._delta(client, timestamp=since, limit=100)
        assert sorted(c["id"] for c in body["updated"]) == sorted(churned["created"] + churned["updated"])  # type: ignore[union-attr, index]
        assert sorted(body["deleted"]) == sorted(churned["deleted"])  # type: ignore[type-var]
        assert body["has_more"] is False

    def test_given_a_change_in_the_timestamps_second_when_asking_then_it_is_included(
        self, client: TestClient
    ) -> None:
        churned = client.post("/admin/churn", json={"api": "custom", "update": 1}).json()
        changed_second = int(time.time())
        # The change happened at or before now, in this second or the one before.
        ids = [c["id"] for c in self._delta(client, timestamp=changed_second - 1, limit=10)["updated"]]  # type: ignore[union-attr, index]
        assert ids == churned["updated"]

    def test_given_a_timestamp_after_the_changes_when_asking_then_nothing(self, client: TestClient) -> None:
        client.post("/admin/churn", json={"api": "custom", "create": 1, "delete": 1})
        body = self._delta(client, timestamp=int(time.time()) + 2)
        assert body == {"updated": [], "deleted": [], "has_more": False}

    def test_given_more_deletes_than_updates_when_paging_then_limit_applies_to_each_list(
        self, client: TestClient
    ) -> None:
        since = int(time.time())
        churned = client.post("/admin/churn", json={"api": "custom", "update": 2, "delete": 5}).json()
        first = self._delta(client, timestamp=since, limit=3, page=1)
        assert len(first["updated"]) == 2  # type: ignore[arg-type]
        assert len(first["deleted"]) == 3  # type: ignore[arg-type]
        assert first["has_more"] is True
        second = self._delta(client, timestamp=since, limit=3, page=2)
        assert second["updated"] == []
        assert len(second["deleted"]) == 2  # type: ignore[arg-type]
        assert second["has_more"] is False
        assert sorted(first["deleted"] + second["deleted"]) == sorted(churned["deleted"])  # type: ignore[operator]

    def test_given_seeded_contacts_when_asking_since_zero_then_every_contact_in_change_order(
        self, client: TestClient
    ) -> None:
        body = self._delta(client, timestamp=0, limit=1000)
        assert len(body["updated"]) == 60  # type: ignore[arg-type]
        assert body["deleted"] == []

    def test_given_a_deleted_contact_when_reading_contacts_then_it_is_gone(self, client: TestClient) -> None:
        deleted = client.post("/admin/churn", json={"api": "custom", "delete": 1}).json()["deleted"][0]
        contacts = client.get("/custom/contacts", params={"limit": 100}, headers=bearer(client)).json()[
            "contacts"
        ]
        assert deleted not in {contact["id"] for contact in contacts}
        assert len(contacts) == 59

    def test_given_no_timestamp_when_asking_then_400(self, client: TestClient) -> None:
        response = client.get("/custom/contacts/delta", headers=bearer(client))
        assert response.status_code == 400
        assert "timestamp" in response.json()["error"]
