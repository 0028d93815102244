from __future__ import annotations

import base64
import copy
import json
from typing import Any, Self

from airbyte_cdk.test.mock_http import HttpResponse
from airbyte_cdk.test.mock_http.response_builder import FieldPath, RecordBuilder, find_template

_TEMPLATES = {
    name: find_template(name, __file__) for name in ("contacts", "delta", "company_contacts", "contact_tags")
}


def _record(template: str, list_key: str) -> RecordBuilder:
    body = copy.deepcopy(_TEMPLATES[template])
    return RecordBuilder(body[list_key][0], FieldPath("id"), None)


def contact(contact_id: str) -> RecordBuilder:
    return _record("contacts", "contacts").with_id(contact_id)


def company_contact(contact_id: str, updated_at: str = "2025-09-15T08:30:00.000Z") -> RecordBuilder:
    return (
        _record("company_contacts", "data")
        .with_id(contact_id)
        .with_field(FieldPath("updated_at"), updated_at)
    )


def contact_tag(tag_id: str) -> RecordBuilder:
    return _record("contact_tags", "data").with_id(tag_id)


def jwt(subject: str, expires_at: float | None) -> str:
    """An unsigned-looking JWT: the connector reads `exp` and leaves verification to the API."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims: dict[str, Any] = {"sub": subject}
    if expires_at is not None:
        claims["exp"] = int(expires_at)
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def token_response(token: str) -> HttpResponse:
    return HttpResponse(json.dumps({"token": token}), 200)


def error_response(status: int, headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(json.dumps({"error": f"status {status}"}), status, headers or {})


class _CustomPage:
    """A page of the Custom Contact Source API: its lists, and whether another page follows."""

    def __init__(self) -> None:
        self._has_more = False

    def with_more(self) -> Self:
        self._has_more = True
        return self

    def _response(self, **lists: list[Any]) -> HttpResponse:
        return HttpResponse(json.dumps({**lists, "has_more": self._has_more}), 200)


class ContactsPage(_CustomPage):
    """A page of /contacts."""

    def __init__(self) -> None:
        super().__init__()
        self._records: list[RecordBuilder] = []

    def with_record(self, record: RecordBuilder) -> ContactsPage:
        self._records.append(record)
        return self

    def build(self) -> HttpResponse:
        return self._response(contacts=[r.build() for r in self._records])


class DeltaPage(_CustomPage):
    """A page of /contacts/delta."""

    def __init__(self) -> None:
        super().__init__()
        self._updated: list[RecordBuilder] = []
        self._deleted: list[str] = []

    def with_updated(self, *contact_ids: str) -> DeltaPage:
        self._updated.extend(contact(contact_id) for contact_id in contact_ids)
        return self

    def with_deleted(self, contact_id: str) -> DeltaPage:
        self._deleted.append(contact_id)
        return self

    def build(self) -> HttpResponse:
        return self._response(updated=[r.build() for r in self._updated], deleted=self._deleted)


class CompanyPage:
    """A page of the Company Contacts API's envelope (contacts or tags). `total_records` counts
    the whole list, as the API does: a page of several must say it, since the source reads a
    count that changes between pages as contacts that left the list."""

    def __init__(self, page: int = 1, total_pages: int = 1, total_records: int | None = None) -> None:
        if total_records is None and total_pages > 1:
            raise ValueError("a page of several needs the list's total_records")
        self._records: list[RecordBuilder] = []
        self._page = page
        self._total_pages = total_pages
        self._total_records = total_records

    def with_record(self, record: RecordBuilder) -> CompanyPage:
        self._records.append(record)
        return self

    def build(self) -> HttpResponse:
        body = {
            "data": [r.build() for r in self._records],
            "currentPage": self._page,
            "totalPages": self._total_pages,
            "totalRecords": len(self._records) if self._total_records is None else self._total_records,
        }
        return HttpResponse(json.dumps(body), 200)
