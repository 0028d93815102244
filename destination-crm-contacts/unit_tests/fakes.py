"""In-memory stand-ins for the two target APIs, served through requests-mock.

They keep state, so a test can write, write again, and assert on what the target holds. Faults
are queued per call: `fail("POST", "/contacts", 500)` answers the next create with a 500;
`lose_answer("POST", "/contacts")` commits the next create, then drops its answer.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict, deque
from typing import Any

import requests
import requests_mock

from contacts_sandbox.fakes import FakeTime as FakeTime
from contacts_sandbox.routers.client_contacts import SERVER_FIELDS
from contacts_sandbox.routers.client_contacts import WRITABLE as CLIENT_CONTACT_WRITABLE

CRM_URL = "https://crm.test/api"
# A base URL on the CRM's host that leads to no API: its server answers 404 to anything there.
WRONG_CRM_URL = "https://crm.test/wrong"
CLIENT_CONTACTS_URL = "https://contacts.test/v1"
CRM_KEY = "crm-key"
CLIENT_CONTACTS_KEY = "cc-key"


class _Faults:
    def __init__(self) -> None:
        self._queued: dict[tuple[str, str], deque[Any]] = defaultdict(deque)

    def queue(self, method: str, path: str, fault: Any) -> None:
        self._queued[(method, path)].append(fault)

    def next(self, method: str, path: str) -> Any:
        queued = self._queued.get((method, path))
        return queued.popleft() if queued else None


class FakeApi:
    # (method, path) of the requests that change the target's contacts.
    WRITES: tuple[tuple[str, str], ...] = ()

    def __init__(self, mocker: requests_mock.Mocker, authorization: dict[str, str], strict: bool) -> None:
        """`authorization`: the headers a request must carry, or it gets a 401."""
        self.mocker = mocker
        self.strict = strict
        self.calls: list[tuple[str, str]] = []
        self._authorization = authorization
        self._faults = _Faults()

    def fail(self, method: str, path: str, status: int, headers: dict[str, str] | None = None) -> None:
        self._faults.queue(method, path, ("status", status, headers or {}))

    def lose_answer(self, method: str, path: str) -> None:
        self._faults.queue(method, path, ("lose", requests.exceptions.ReadTimeout("read timed out")))

    def drop_connection(self, method: str, path: str) -> None:
        self._faults.queue(method, path, ("drop", requests.exceptions.ConnectionError("connection reset")))

    def count(self, method: str, path: str) -> int:
        return sum(1 for call in self.calls if call == (method, path))

    @property
    def writes(self) -> int:
        """How many requests changed the target's contacts: creates, updates and deletes."""
        return sum(self.count(*call) for call in self.WRITES)

    def _enter(self, request: Any, context: Any, path: str) -> tuple[Any, bool]:
        """(the answer of an injected status or of a missing key, or None; whether the answer must
        be lost after the call commits)."""
        self.calls.append((request.method, path))
        fault = self._faults.next(request.method, path)
        kind, *detail = fault or (None,)
        if kind == "status":
            context.status_code = detail[0]
            context.headers.update(detail[1])
            return {"error": f"injected {detail[0]}"}, False
        if kind == "drop":
            raise detail[0]
        if any(request.headers.get(name) != value for name, value in self._authorization.items()):
            context.status_code = 401
            return {"error": "unauthorized"}, False
        return None, kind == "lose"


CRM_FIELDS = frozenset({"first_name", "last_name", "email", "phone", "company", "job_title", "notes"})


class FakeCrm(FakeApi):
    """Answers searches with a list of full contacts whose field contains the term (or `exact`ly
    equals it), unless `id_only` (the id of the first) or `paged` (the list in an envelope that
    says more follow).

    `strict` does only what the API's document shows: a search answers `{"id"}` of one contact
    whose field equals the term, or 404; null and unknown fields get a 400; delete answers plain
    text."""

    WRITES = (("POST", "/contacts"), ("POST", "/contacts/edit"), ("DELETE", "/contacts"))

    def __init__(self, mocker: requests_mock.Mocker, strict: bool = False) -> None:
        super().__init__(mocker, {"x-api-key": CRM_KEY}, strict)
        self.contacts: dict[str, dict[str, Any]] = {}
        self.id_only = False
        self.paged = False
        self.exact = False
        self._ids = itertools.count(10_000_000_000_000_000_000)
        mocker.register_uri("POST", f"{CRM_URL}/contacts", json=self._create)
        mocker.register_uri("GET", f"{CRM_URL}/contacts", json=self._search)
        mocker.register_uri("POST", f"{CRM_URL}/contacts/edit", json=self._edit)
        mocker.register_uri("DELETE", f"{CRM_URL}/contacts", text=self._delete)

    def add(self, **fields: Any) -> str:
        contact_id = str(next(self._ids))
        self.contacts[contact_id] = {"id": contact_id, **fields}
        return contact_id

    def by_marker(self, key: str) -> list[dict[str, Any]]:
        return [c for c in self.contacts.values() if f"[source-id:{key}]" in (c.get("notes") or "")]

    def _create(self, request: Any, context: Any) -> Any:
        answer, lose = self._enter(request, context, "/contacts")
        if answer is not None:
            return answer
        body = request.json()
        if not body.get("first_name") or not body.get("email"):
            context.status_code = 400
            return {"error": "first_name and email are required"}
        refused = self._refused(body, CRM_FIELDS)
        if refused:
            context.status_code = 400
            return {"error": refused}
        contact_id = self.add(**body)
        if lose:
            raise requests.exceptions.ReadTimeout("the create committed, its answer was lost")
        return {"id": contact_id}

    def _search(self, request: Any, context: Any) -> Any:
        answer, _ = self._enter(request, context, "/contacts")
        if answer is not None:
            return answer
        query = request.qs if request.qs else {k: [v] for k, v in (request.json() or {}).items()}
        field, term = query["searchby"][0], query["search"][0]
        if self.strict:
            exact = [c for c in self.contacts.values() if c.get(field) == term]
            if not exact:
                context.status_code = 404
                return {"error": "no contact matches"}
            return {"id": exact[0]["id"]}
        if self.exact:
            found = [c for c in self.contacts.values() if c.get(field) == term]
        else:
            found = [
                c for c in self.contacts.values() if term.casefold() in str(c.get(field) or "").casefold()
            ]
        if self.id_only:
            return {"id": found[0]["id"]} if found else {}
        if self.paged:
            return {"data": found[:2], "next_page": 2 if len(found) > 2 else None}
        return found

    def _edit(self, request: Any, context: Any) -> Any:
        answer, _ = self._enter(request, context, "/contacts/edit")
        if answer is not None:
            return answer
        body = request.json()
        contact = self.contacts.get(body.get("contact_id"))
        if contact is None:
            context.status_code = 404
            return {"error": "not found"}
        changes = body["update_fields"]
        refused = self._refused(changes, frozenset({"name", "email", "phone"}))
        if set(changes) - {"name", "email", "phone"} or refused:
            context.status_code = 400
            return {"error": refused or "only name, email and phone can be edited"}
        if "name" in changes:
            contact["first_name"], _, contact["last_name"] = changes["name"].partition(" ")
        contact.update({k: v for k, v in changes.items() if k != "name"})
        return {"id": contact["id"]}

    def _delete(self, request: Any, context: Any) -> str:
        answer, _ = self._enter(request, context, "/contacts")
        if answer is not None:
            return json.dumps(answer)
        contact_id = (request.json() or {}).get("contact_id")
        if self.contacts.pop(contact_id, None) is None:
            context.status_code = 404
            return json.dumps({"error": "not found"})
        if self.strict:
            context.headers["Content-Type"] = "text/plain"
            return "Document deleted successfully"
        return json.dumps("Document deleted successfully")

    def _refused(self, body: dict[str, Any], known: frozenset[str]) -> str | None:
        """Why a strict CRM refuses these fields: one it does not know, or a null."""
        if not self.strict:
            return None
        unknown = sorted(set(body) - known)
        if unknown:
            return f"unknown fields: {', '.join(unknown)}"
        nulls = sorted(name for name, value in body.items() if value is None)
        return f"null is not a value of {', '.join(nulls)}" if nulls else None


class FakeClientContacts(FakeApi):
    """PUT merges the fields it is sent, like PATCH, unless `strict`: then PUT replaces the
    writable fields (one not sent is gone), and null, an unknown field or an email that is not
    an address gets a 400."""

    WRITES = (("POST", "/contacts"), ("PUT", "/contacts/<id>"), ("DELETE", "/contacts/<id>"))

    def __init__(self, mocker: requests_mock.Mocker, strict: bool = False) -> None:
        super().__init__(mocker, {"Authorization": f"Bearer {CLIENT_CONTACTS_KEY}"}, strict)
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
            context.status_code = 400
            return {"success": False, "error": refused}
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
            context.status_code = 400
            return {"success": False, "error": refused}
        if self.strict and request.method == "PUT":
            for field in CLIENT_CONTACT_WRITABLE - set(body):
                document.pop(field, None)
        document.update({k: v for k, v in body.items() if k not in SERVER_FIELDS})
        document["__v"] += 1
        return {"success": True, "data": document}

    def _refused(self, body: dict[str, Any]) -> str | None:
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
