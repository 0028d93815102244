"""Every example request of the four API documents, sent as written, gets the documented answer shape.

The bodies below are the documents' example requests; the paths carry the sandbox's prefixes.
Each runs under both profiles; where the lenient one answers more than the document shows, the
strict one answers exactly what it shows.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from contacts_sandbox.testing import SandboxProcess
from tests.helpers import CLIENT_CONTACTS, COMPANY_A, CRM

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
CREATOR = {"_id": "60f1b2b3c9e9a12345678901", "username": "admin_user", "name": "Admin User", "type": "admin"}
CLIENT_CONTACT_EXAMPLE = {
    "name": "John Smith",
    "creator": CREATOR,
    "editor": CREATOR,
    "local_name": "جون سميث",
    "phone1": "+1234567890",
    "phone2": "+1234567891",
    "email": "john.smith@example.com",
    "title": "Sales Manager",
    "extra_info": "Primary contact for technical issues",
    "disabled": False,
    "integration_meta": {"external_id": "contact_123"},
    "company_namespace": ["company1"],
}
CLIENT_CONTACT_KEYS = {*CLIENT_CONTACT_EXAMPLE, "_id", "createdAt", "updatedAt", "__v", "media"}


def _bearer(sandbox: SandboxProcess) -> dict[str, str]:
    token = requests.get(f"{sandbox.url}/custom/token", auth=("test_id", "test_secret"), timeout=5).json()[
        "token"
    ]
    return {"Authorization": f"Bearer {token}"}


def _custom_contact_shape(contact: dict[str, Any]) -> None:
    assert isinstance(contact["id"], str)
    assert contact["id"].isdigit()
    assert {"first_name", "last_name", "company", "phones", "emails"} <= set(contact)
    assert all(set(phone) == {"number", "label"} for phone in contact["phones"])
    assert all(set(email) == {"email", "label"} for email in contact["emails"])


class TestCustomContactSourceApi:
    def test_get_token_with_basic_auth(self, sandbox: SandboxProcess) -> None:
        response = requests.get(f"{sandbox.url}/custom/token", auth=("test_id", "test_secret"), timeout=5)
        assert response.status_code == 200
        assert set(response.json()) == {"token"}
        assert response.json()["token"].count(".") == 2  # a JWT

    def test_get_contacts_limit_2_page_1(self, sandbox: SandboxProcess) -> None:
        response = requests.get(
            f"{sandbox.url}/custom/contacts?limit=2&page=1", headers=_bearer(sandbox), timeout=5
        )
        body = response.json()
        assert set(body) == {"contacts", "has_more"}
        assert len(body["contacts"]) == 2
        assert body["has_more"] is True
        for contact in body["contacts"]:
            _custom_contact_shape(contact)

    def test_get_contacts_delta_limit_10_page_1_timestamp_1744797148(self, sandbox: SandboxProcess) -> None:
        sandbox.admin.churn("custom", update=1, delete=1)
        url = f"{sandbox.url}/custom/contacts/delta?limit=10&page=1&timestamp=1744797148"
        body = requests.get(url, headers=_bearer(sandbox), timeout=5).json()
        assert set(body) == {"updated", "deleted", "has_more"}
        assert len(body["updated"]) == 10
        assert body["has_more"] is True
        for contact in body["updated"]:
            _custom_contact_shape(contact)
        assert all(isinstance(contact_id, str) for contact_id in body["deleted"])
        assert len(body["deleted"]) == 1


class TestCompanyContactsApi:
    def test_get_contacts(self, sandbox: SandboxProcess) -> None:
        body = requests.get(f"{sandbox.url}/company/api/v1/contacts", headers=COMPANY_A, timeout=5).json()
        assert set(body) == {"data", "currentPage", "totalPages", "totalRecords"}
        assert (body["currentPage"], body["totalPages"], body["totalRecords"]) == (1, 20, 200)
        contact = body["data"][0]
        assert set(contact) == {
            "id", "first_name", "last_name", "email", "phone_number", "phone_number_lid", "profile_picture",
            "created_at", "updated_at", "tags",
        }  # fmt: skip
        assert ISO_MS.match(contact["created_at"])
        assert all(set(tag) == {"id", "name", "color"} for tag in contact["tags"])

    def test_get_contact_tags(self, sandbox: SandboxProcess) -> None:
        body = requests.get(
            f"{sandbox.url}/company/api/v1/contacts/tags", headers=COMPANY_A, timeout=5
        ).json()
        assert set(body) == {"data", "currentPage", "totalPages", "totalRecords"}
        for tag in body["data"]:
            assert set(tag) == {"id", "name", "color", "created_at", "_count"}
            assert isinstance(tag["_count"]["contact_tag"], int)

    @pytest.mark.parametrize("path", ["/company/api/v1/contacts", "/company/api/v1/contacts/tags"])
    def test_unauthorized_and_method_not_allowed(self, sandbox: SandboxProcess, path: str) -> None:
        assert requests.get(f"{sandbox.url}{path}", timeout=5).status_code == 401
        assert requests.post(f"{sandbox.url}{path}", headers=COMPANY_A, timeout=5).status_code == 405


class TestCrmApi:
    EXAMPLE = {
        "first_name": "John",
        "last_name": "Doe",
        "email": "johndoe@example.com",
        "phone": "+1234567890",
        "company": "Example Inc.",
        "job_title": "Sales Manager",
        "notes": "Interested in product demo",
    }

    def _create(self, sandbox: SandboxProcess) -> str:
        response = requests.post(f"{sandbox.url}/crm/contacts", json=self.EXAMPLE, headers=CRM, timeout=5)
        assert response.status_code == 200
        assert set(response.json()) == {"id"}
        contact_id: str = response.json()["id"]
        assert re.fullmatch(r"\d{20}", contact_id)
        return contact_id

    def test_creating_contacts(self, sandbox: SandboxProcess) -> None:
        self._create(sandbox)

    def test_reading_contacts(self, sandbox: SandboxProcess, sandbox_profile: str) -> None:
        contact_id = self._create(sandbox)
        body = {"searchby": "company", "search": "Example Inc."}
        response = requests.get(f"{sandbox.url}/crm/contacts", json=body, headers=CRM, timeout=5)
        assert response.status_code == 200
        if sandbox_profile == "strict":
            assert response.json() == {"id": contact_id}
        else:
            assert response.json() == [{"id": contact_id, **self.EXAMPLE}]

    def test_editing_contacts(self, sandbox: SandboxProcess) -> None:
        contact_id = self._create(sandbox)
        body = {
            "contactID": contact_id,
            "updateFields": {"email": "example@example.com", "phone": 1234567890},
        }
        response = requests.post(f"{sandbox.url}/crm/contacts/edit", json=body, headers=CRM, timeout=5)
        assert response.status_code == 200
        assert response.json() == {"id": contact_id}

    def test_deleting_contact(self, sandbox: SandboxProcess, sandbox_profile: str) -> None:
        contact_id = self._create(sandbox)
        response = requests.delete(
            f"{sandbox.url}/crm/contacts", json={"contact_id": contact_id}, headers=CRM, timeout=5
        )
        assert response.status_code == 200
        if sandbox_profile == "strict":
            assert response.headers["content-type"].startswith("text/plain")
            assert response.text == "Document deleted successfully"
        else:
            assert response.json() == "Document deleted successfully"


class TestClientContactsApi:
    def _create(self, sandbox: SandboxProcess) -> dict[str, Any]:
        response = requests.post(
            f"{sandbox.url}/client-contacts/contacts",
            json=CLIENT_CONTACT_EXAMPLE,
            headers=CLIENT_CONTACTS,
            timeout=5,
        )
        assert response.status_code == 201
        assert set(response.json()) == {"success", "data"}
        document: dict[str, Any] = response.json()["data"]
        assert set(document) == CLIENT_CONTACT_KEYS
        return document

    @staticmethod
    def _url_of(sandbox: SandboxProcess, document: dict[str, Any]) -> str:
        return f"{sandbox.url}/client-contacts/contacts/{document['_id']}"

    def test_list_client_contacts(self, sandbox: SandboxProcess) -> None:
        self._create(sandbox)
        body = requests.get(
            f"{sandbox.url}/client-contacts/contacts", headers=CLIENT_CONTACTS, timeout=5
        ).json()
        assert set(body) == {"success", "data", "pagination"}
        assert set(body["pagination"]) == {"page", "per_page", "pre_page", "next_page", "total", "total_page"}
        assert set(body["data"][0]) == CLIENT_CONTACT_KEYS

    def test_create_client_contact(self, sandbox: SandboxProcess) -> None:
        document = self._create(sandbox)
        assert {key: document[key] for key in CLIENT_CONTACT_EXAMPLE} == CLIENT_CONTACT_EXAMPLE

    def test_get_client_contact(self, sandbox: SandboxProcess) -> None:
        created = self._create(sandbox)
        answer = requests.get(self._url_of(sandbox, created), headers=CLIENT_CONTACTS, timeout=5).json()
        assert answer == {"success": True, "data": created}

    def test_update_client_contact(self, sandbox: SandboxProcess) -> None:
        created = self._create(sandbox)
        body = {
            **CLIENT_CONTACT_EXAMPLE,
            "name": "John Smith Updated",
            "local_name": "جون سميث محدث",
            "email": "john.smith.updated@example.com",
            "title": "Senior Sales Manager",
            "extra_info": "Primary contact for technical issues - updated",
            "integration_meta": {"external_id": "contact_123", "sync_status": "updated"},
            "_id": "60f1b2b3c9e9a12345678901",
            "createdAt": "2023-01-15T10:30:00.000Z",
            "updatedAt": "2023-01-15T10:30:00.000Z",
            "__v": 0,
        }
        response = requests.put(self._url_of(sandbox, created), json=body, headers=CLIENT_CONTACTS, timeout=5)
        assert response.status_code == 200
        updated = response.json()["data"]
        assert set(updated) == CLIENT_CONTACT_KEYS
        assert (updated["_id"], updated["name"], updated["__v"]) == (created["_id"], "John Smith Updated", 1)

    def test_delete_client_contact(self, sandbox: SandboxProcess) -> None:
        created = self._create(sandbox)
        answer = requests.delete(self._url_of(sandbox, created), headers=CLIENT_CONTACTS, timeout=5).json()
        assert answer == {"success": True, "data": created}
