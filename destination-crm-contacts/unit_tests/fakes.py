"""In-memory stand-ins for the two target APIs, served through requests-mock.

They keep state, so a test can write, write again, and assert on what the target holds. Faults
are queued per call: `fail("POST", "/contacts", 500)` answers the next create with a 500;
`lose_answer("POST", "/contacts")` commits the next create, then drops its answer.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import requests
import requests_mock

from contacts_sandbox.fakes import FakeTime as FakeTime
from contacts_sandbox.routers.client_contacts import SERVER_FIELDS
from contacts_sandbox.routers.client_contacts import WRITABLE as CLIENT_CONTACT_WRITABLE
from unit_tests.fake_api import CLIENT_CONTACTS_KEY as CLIENT_CONTACTS_KEY
from unit_tests.fake_api import CLIENT_CONTACTS_URL as CLIENT_CONTACTS_URL
from unit_tests.fake_api import CRM_KEY as CRM_KEY
from unit_tests.fake_api import CRM_URL as CRM_URL
from unit_tests.fake_api import WRONG_CRM_URL as WRONG_CRM_URL
from unit_tests.fake_api import FakeApi
from unit_tests.fake_crm import FakeCrm as FakeCrm


class FakeClientContacts(FakeApi):
    """PUT merges the fields it is sent, like PATCH, unless `strict`: then PUT replaces the
    writable fields (one not sent is gone), and null, an unknown field or an email that is not
    an address gets a 400.

    `readings` (the sandbox's names) take one reading of a point at a time: `nulls` and
    `empty_strings` (`taken` or `refused`), `put` (`merges` or `replaces`), `errors` (`status`,
    or `success_false`: a refusal answered 200 with `success: false`)."""

    WRITES = (("POST", "/contacts"), ("PUT", "/contacts/<id>"), ("DELETE", "/contacts/<id>"))

    def __init__(
        self, mocker: requests_mock.Mocker, strict: bool = False, readings: dict[str, str] | None = None
    ) -> None:
        super().__init__(mocker, {"Authorization": f"Bearer {CLIENT_CONTACTS_KEY}"}, strict)
        lenient = {"nulls": "taken", "empty_strings": "taken", "put": "merges", "errors": "status"}
        strict_readings = {"nulls": "refused", "put": "replaces"} if strict else {}
        self.readings = {**lenient, **strict_readings, **(readings or {})}
        self.documents: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(0x60F1B2B3C9E9A12345678901)
        item = re.compile(re.escape(f"{CLIENT_CONTACTS_URL}/contacts/") + r"[0-9a-f]+$")
        mocker.register_uri("GET", f"{CLIENT_CONTACTS_URL}/contacts", json=self._list)
        mocker.register_uri("POST", f"{CLIENT_CONTACTS_URL}/contacts", json=self._create)
        mocker.register_uri("PUT", item, json=self._update)
        mocker.register_uri("PATCH", item, json=self._update)
        mocker.register_uri("DELETE", item, json=self._delete)

    def add(self, **fields: Any) -> str:
        document_id = format(next(self._ids), "x")
        self.documents[document_id] = {"_id": document_id, "__v": 0, **fields}
        return document_id

    def by_key(self, key: str) -> list[dict[str, Any]]:
        return [
            d for d in self.documents.values() if (d.get("integration_meta") or {}).get("external_id") == key
        ]

    def _list(self, request: Any, context: Any) -> Any:
        answer, _ = self._enter(request, context, "/contacts")
        if answer is not None:
            return answer
        page, per_page = int(request.qs.get("page", ["1"])[0]), int(request.qs.get("per_page", ["25"])[0])
        documents = sorted(self.documents.values(), key=lambda d: d["_id"])
        if "name" in request.qs:
            documents = [d for d in documents if d.get("name") in request.qs["name"]]
        total_pages = max(1, -(-len(documents) // per_page))
        return {
            "success": True,
            "data": documents[(page - 1) * per_page : page * per_page],
            "pagination": {
                "page": page,
                "per_page": per_page,
                "total": len(documents),
                "total_page": total_pages,
            },
        }

    def _create(self, request: Any, context: Any) -> Any:
        answer, lose = self._enter(request, context, "/contacts")
        if answer is not None:
            return answer
        body = request.json()
        if not body.get("name"):
            context.status_code = 400
            return {"success": False, "error": "name is required"}
        refused = self._refused(body)
        if refused:
            return self._refusal(context, refused)
        document_id = self.add(**body)
        if lose:
            raise requests.exceptions.ReadTimeout("the create committed, its answer was lost")
        context.status_code = 201
        return {"success": True, "data": self.documents[document_id]}

    def _update(self, request: Any, context: Any) -> Any:
        answer, _ = self._enter(request, context, "/contacts/<id>")
        if answer is not None:
            return answer
        document = self.documents.get(request.path.rsplit("/", 1)[-1])
        if document is None:
            context.status_code = 404
            return {"success": False, "error": "not found"}
        body = request.json()
        refused = self._refused(body)
        if refused:
            return self._refusal(context, refused)
        if self.readings["put"] == "replaces" and request.method == "PUT":
            for field in CLIENT_CONTACT_WRITABLE - set(body):
                document.pop(field, None)
        document.update({k: v for k, v in body.items() if k not in SERVER_FIELDS})
        document["__v"] += 1
        return {"success": True, "data": document}

    def _refusal(self, context: Any, reason: str) -> dict[str, Any]:
        context.status_code = 200 if self.readings["errors"] == "success_false" else 400
        return {"success": False, "error": reason}

    def _refused(self, body: dict[str, Any]) -> str | None:
        empty = sorted(name for name, value in body.items() if value == "")
        if empty and self.readings["empty_strings"] == "refused":
            return f"{', '.join(empty)} must not be empty"
        nulls = sorted(name for name, value in body.items() if value is None)
        if nulls and self.readings["nulls"] == "refused":
            return f"null is not a value of {', '.join(nulls)}"
        if not self.strict:
            return None
        unknown = sorted(set(body) - CLIENT_CONTACT_WRITABLE - SERVER_FIELDS)
        if unknown:
            return f"unknown fields: {', '.join(unknown)}"
        if "email" in body and "@" not in str(body["email"]):
            return f"email must be an email address, got {body['email']!r}"
        nulls = sorted(name for name, value in body.items() if value is None)
        return f"null is not a value of {', '.join(nulls)}" if nulls else None

    def _delete(self, request: Any, context: Any) -> Any:
        answer, _ = self._enter(request, context, "/contacts/<id>")
        if answer is not None:
            return answer
        document = self.documents.pop(request.path.rsplit("/", 1)[-1], None)
        if document is None:
            context.status_code = 404
            return {"success": False, "error": "not found"}
        return {"success": True, "data": document}


def answer_everything_under(http: requests_mock.Mocker, url: str, **answer: Any) -> None:
    """Every request to `url` or below it gets `answer` (`status_code` and `json`, or `exc`):
    a host or a path where the API is not."""
    http.register_uri(requests_mock.ANY, re.compile(re.escape(url)), **answer)
