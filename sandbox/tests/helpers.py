"""Small helpers the sandbox tests share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

BASIC = ("test_id", "test_secret")
COMPANY_A = {"Authorization": "Bearer company-a-key"}
COMPANY_B = {"Authorization": "Bearer company-b-key"}
CRM = {"x-api-key": "crm-test-key"}
CLIENT_CONTACTS = {"Authorization": "Bearer client-contacts-test-key"}

CRM_CONTACTS = "/crm/contacts"
CLIENT_CONTACTS_PATH = "/client-contacts/contacts"
JOHN = {"first_name": "John", "last_name": "Doe", "email": "johndoe@example.com", "company": "Example Inc."}


def bearer(client: TestClient) -> dict[str, str]:
    token = client.get("/custom/token", auth=BASIC).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def create_crm_contact(client: TestClient, **fields: Any) -> str:
    """Creates John Doe, with `fields` over his, and answers the new contact's id."""
    response = client.post(CRM_CONTACTS, json={**JOHN, **fields}, headers=CRM)
    assert response.status_code == 200, response.text
    contact_id: str = response.json()["id"]
    return contact_id


def for_a_new_crm_contact(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    """Creates John Doe, and answers `body` with its "X" values replaced by his id."""
    contact_id = create_crm_contact(client)
    return {key: contact_id if value == "X" else value for key, value in body.items()}


def contact_ids(documents: list[dict[str, Any]]) -> list[Any]:
    """The ids of the contacts in `documents`, in their order."""
    return [document["id"] for document in documents]


def crm_dump(client: TestClient) -> list[dict[str, Any]]:
    dumped: list[dict[str, Any]] = client.get("/admin/dump/crm").json()
    return dumped


def search_crm(client: TestClient, searchby: str, term: str) -> httpx.Response:
    """A CRM search of the field `searchby` for `term`, in the query string."""
    return client.get(CRM_CONTACTS, params={"searchby": searchby, "search": term}, headers=CRM)


def crm_sending(client: TestClient, method: str, where: str, fields: dict[str, Any]) -> httpx.Response:
    """A request to the CRM's contacts that sends `fields` in one place: `query` (the query
    string), `body` (JSON, which `client.get` and `client.delete` cannot send), or `path` (one
    field's value, as the path's last part)."""
    if where == "query":
        return client.request(method, CRM_CONTACTS, params=fields, headers=CRM)
    if where == "body":
        return client.request(method, CRM_CONTACTS, json=fields, headers=CRM)
    [value] = fields.values()
    return client.request(method, f"{CRM_CONTACTS}/{value}", headers=CRM)


def refused(response: httpx.Response) -> str:
    """The error of an answer that must be a 400."""
    assert response.status_code == 400, response.text
    error: str = response.json()["error"]
    return error


def read_as(client: TestClient, readings: dict[str, str], profile: str | None = None) -> None:
    """Resets the in-process app under `profile` (default: the start preset), with `readings` on it."""
    body: dict[str, Any] = {"readings": readings}
    if profile is not None:
        body["profile"] = profile
    client.post("/admin/reset", json=body).raise_for_status()


def create_client_contact(client: TestClient, name: str, **fields: Any) -> dict[str, Any]:
    """Creates a Client Contacts contact named `name`, with `fields`, and answers its document."""
    response = client.post(CLIENT_CONTACTS_PATH, json={"name": name, **fields}, headers=CLIENT_CONTACTS)
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()["data"]
    return document


def client_contact_names(client: TestClient, **params: Any) -> list[str]:
    """The names a Client Contacts list with `params` answers, in its order."""
    response = client.get(CLIENT_CONTACTS_PATH, params=params, headers=CLIENT_CONTACTS)
    assert response.status_code == 200, response.text
    return [document["name"] for document in response.json()["data"]]


def epoch_ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def each_reading(point: str, names: tuple[str, ...], cases: list[Any]) -> pytest.MarkDecorator:
    """Runs a test once per case: a reading of `point`, which the `client` fixture serves, then
    the values of the test's parameters `names` (a case is the reading alone when `names` is empty)."""
    readings = [case if isinstance(case, tuple) else (case,) for case in cases]
    return pytest.mark.parametrize(
        ("client", *names),
        [
            pytest.param({point: reading}, *rest, id="-".join(map(str, (reading, *rest))))
            for reading, *rest in readings
        ],
        indirect=["client"],
    )


def each_reading_taking(
    point: str, names: tuple[str, str], takes: dict[str, tuple[Any, ...]], values: list[Any]
) -> pytest.MarkDecorator:
    """`each_reading` over every reading of `point` in `takes` and value in `values` (the test's
    parameter `names[0]`), with `names[1]`: whether that reading takes that value, as `takes` lists
    the values each one takes."""
    return each_reading(
        point,
        names,
        [(reading, value, value in taken) for reading, taken in takes.items() for value in values],
    )
