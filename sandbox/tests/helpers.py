"""Small helpers the sandbox tests share."""

from __future__ import annotations

from fastapi.testclient import TestClient

BASIC = ("test_id", "test_secret")
COMPANY_A = {"Authorization": "Bearer company-a-key"}
COMPANY_B = {"Authorization": "Bearer company-b-key"}
CRM = {"x-api-key": "crm-test-key"}
CLIENT_CONTACTS = {"Authorization": "Bearer client-contacts-test-key"}


def bearer(client: TestClient) -> dict[str, str]:
    token = client.get("/custom/token", auth=BASIC).json()["token"]
    return {"Authorization": f"Bearer {token}"}
