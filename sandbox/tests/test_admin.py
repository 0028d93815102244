"""Admin endpoints: reset, churn, dumps, counters, faults; loopback clients only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from contacts_sandbox import Settings, create_app
from tests.helpers import COMPANY_A, CRM, bearer


def test_given_a_client_that_is_not_loopback_when_calling_admin_then_403(settings: Settings) -> None:
    with TestClient(create_app(settings), client=("192.0.2.10", 5000)) as remote:
        response = remote.post("/admin/reset")
        assert response.status_code == 403
        assert "loopback" in response.json()["error"]


def test_given_health_when_asked_then_ok(client: TestClient) -> None:
    assert client.get("/admin/health").json() == {"status": "ok"}


class TestReset:
    def test_given_churn_writes_and_faults_when_resetting_then_back_to_the_seed(
        self, client: TestClient
    ) -> None:
        seeded = client.get("/admin/dump/custom").json()
        client.post("/admin/churn", json={"api": "custom", "create": 3, "update": 3, "delete": 3})
        client.post("/crm/contacts", json={"first_name": "A", "email": "a@b.c"}, headers=CRM)
        client.put("/admin/faults/crm", json={"error_rate": 0.5})
        assert client.post("/admin/reset").status_code == 200
        assert client.get("/admin/dump/custom").json() == seeded
        assert client.get("/admin/dump/crm").json() == []
        assert client.get("/admin/faults").json() == {
            "custom": {},
            "company": {},
            "crm": {},
            "client_contacts": {},
        }
        assert client.get("/admin/stats").json()["status"]["crm"] == {}

    def test_given_a_seed_and_a_count_when_resetting_then_that_data_set(self, client: TestClient) -> None:
        client.post("/admin/reset", json={"seed": 99, "contacts": 25})
        first = client.get("/admin/dump/custom").json()
        assert len(first["contacts"]) == 25
        assert len(client.get("/admin/dump/company").json()["company-b-key"]["contacts"]) == 25
        client.post("/admin/reset", json={"seed": 98, "contacts": 25})
        assert client.get("/admin/dump/custom").json() != first
        client.post("/admin/reset", json={"seed": 99, "contacts": 25})
        assert client.get("/admin/dump/custom").json() == first

    def test_given_a_bad_body_when_resetting_then_400(self, client: TestClient) -> None:
        assert client.post("/admin/reset", json={"contacts": -1}).status_code == 400
        assert client.post("/admin/reset", json={"sede": 1}).status_code == 400


class TestChurn:
    def test_given_counts_when_churning_custom_then_the_answer_lists_what_changed(
        self, client: TestClient
    ) -> None:
        before = {c["id"] for c in client.get("/admin/dump/custom").json()["contacts"]}
        result = client.post(
            "/admin/churn", json={"api": "custom", "create": 2, "update": 3, "delete": 4}
        ).json()
        assert (len(result["created"]), len(result["updated"]), len(result["deleted"])) == (2, 3, 4)
        assert not set(result["updated"]) & set(result["deleted"])
        after = client.get("/admin/dump/custom").json()
        ids = {c["id"] for c in after["contacts"]}
        assert ids == (before - set(result["deleted"])) | set(result["created"])
        assert min(int(i) for i in result["created"]) > max(int(i) for i in before)
        assert after["deleted"] == sorted(result["deleted"], key=int)

    def test_given_a_seed_when_churning_after_a_reset_then_the_same_changes(self, client: TestClient) -> None:
        body = {"api": "company", "create": 2, "update": 2, "delete": 2, "seed": 5}
        first = client.post("/admin/churn", json=body).json()
        client.post("/admin/reset")
        assert client.post("/admin/churn", json=body).json() == first

    def test_given_more_than_exist_when_churning_then_every_contact_at_most_once(
        self, client: TestClient
    ) -> None:
        client.post("/admin/reset", json={"contacts": 4})
        result = client.post("/admin/churn", json={"api": "custom", "update": 3, "delete": 3}).json()
        assert len(result["updated"]) + len(result["deleted"]) == 4

    @pytest.mark.parametrize(
        "body",
        [
            {"api": "crm", "create": 1},
            {"api": "company", "company": "nobody", "create": 1},
            {"api": "custom", "create": -1},
        ],
    )
    def test_given_a_bad_churn_when_asking_then_400(
        self, client: TestClient, body: dict[str, object]
    ) -> None:
        assert client.post("/admin/churn", json=body).status_code == 400


class TestDumpsAndStats:
    def test_given_each_store_when_dumping_then_its_documented_shape(self, client: TestClient) -> None:
        custom = client.get("/admin/dump/custom").json()
        assert set(custom) == {"contacts", "deleted"}
        company = client.get("/admin/dump/company").json()
        assert set(company) == {"company-a-key", "company-b-key"}
        assert set(company["company-a-key"]) == {"contacts", "tags"}
        assert client.get("/admin/dump/crm").json() == []
        assert client.get("/admin/dump/client_contacts").json() == []
        assert client.get("/admin/dump/nothing").status_code == 400

    def test_given_requests_when_reading_stats_then_counted_by_route_and_status(
        self, client: TestClient
    ) -> None:
        headers = bearer(client)
        client.get("/custom/contacts", headers=headers)
        client.get("/custom/contacts", headers=headers)
        client.get("/custom/contacts")
        client.get("/company/api/v1/contacts", headers=COMPANY_A)
        client.get("/client-contacts/contacts/0123456789abcdef01234567")
        stats = client.get("/admin/stats").json()
        assert stats["custom"] == {"GET /custom/token": 1, "GET /custom/contacts": 3}
        assert stats["status"]["custom"] == {"200": 3, "401": 1}
        assert stats["company"] == {"GET /company/api/v1/contacts": 1}
        assert stats["client_contacts"] == {"GET /client-contacts/contacts/{_id}": 1}
        assert client.post("/admin/stats/reset").status_code == 200
        assert client.get("/admin/stats").json()["custom"] == {}


class TestFaultSettings:
    def test_given_faults_when_set_read_and_cleared_then_each_step_shows(self, client: TestClient) -> None:
        client.put("/admin/faults/crm", json={"error_rate": 0.25, "latency_ms": 5})
        assert client.get("/admin/faults").json()["crm"] == {"error_rate": 0.25, "latency_ms": 5}
        client.put("/admin/faults/crm", json={"drop_rate": 0.5})
        assert client.get("/admin/faults").json()["crm"] == {"drop_rate": 0.5}, (
            "a PUT replaces the API's faults"
        )
        client.delete("/admin/faults")
        assert client.get("/admin/faults").json()["crm"] == {}

    @pytest.mark.parametrize(
        ("api", "body"),
        [("crm", {"error_rate": 2}), ("crm", {"eror_rate": 0.1}), ("nowhere", {"error_rate": 0.1})],
        ids=["out-of-range", "misspelt", "unknown-api"],
    )
    def test_given_bad_faults_when_setting_then_400(
        self, client: TestClient, api: str, body: dict[str, object]
    ) -> None:
        assert client.put(f"/admin/faults/{api}", json=body).status_code == 400

    def test_given_a_drop_under_an_in_process_client_when_calling_then_the_call_fails(
        self, client: TestClient
    ) -> None:
        client.put("/admin/faults/crm", json={"drop_rate": 1})
        with pytest.raises(ConnectionAbortedError):
            client.get("/crm/contacts", params={"searchby": "id", "search": "1"}, headers=CRM)


def test_given_the_app_when_asking_its_openapi_document_then_every_api_path_is_there(
    client: TestClient,
) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert {
        "/custom/token", "/custom/contacts", "/custom/contacts/delta",
        "/company/api/v1/contacts", "/company/api/v1/contacts/tags",
        "/crm/contacts", "/crm/contacts/edit",
        "/client-contacts/contacts", "/client-contacts/contacts/{_id}",
        "/admin/reset", "/admin/churn", "/admin/faults/{api}",
    } <= paths  # fmt: skip


def test_given_the_openapi_document_when_reading_the_write_endpoints_then_their_bodies_are_described(
    client: TestClient,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    crm_create = paths["/crm/contacts"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert crm_create["required"] == ["first_name", "email"]
    client_update = paths["/client-contacts/contacts/{_id}"]["put"]["requestBody"]["content"][
        "application/json"
    ]
    assert "integration_meta" in client_update["schema"]["properties"]


def test_given_the_hand_parsed_read_paths_when_reading_the_openapi_document_then_their_parameters_are_listed(
    client: TestClient,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    def names(path: str) -> set[str]:
        return {parameter["name"] for parameter in paths[path]["get"]["parameters"]}

    assert names("/custom/contacts") == {"limit", "page"}
    assert names("/custom/contacts/delta") == {"timestamp", "limit", "page"}
    assert names("/company/api/v1/contacts") == {"page", "limit", "search"}
    assert names("/company/api/v1/contacts/tags") == {"page", "limit", "search"}
