"""In-memory stand-ins for the two target APIs, served through requests-mock.

They keep state, so a test can write, write again, and assert on what the target holds. Faults
are queued per call: `fail("POST", "/contacts", 500)` answers the next create with a 500;
`lose_answer("POST", "/contacts")` commits the next create, then drops its answer.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict, deque
from typing import Any

import requests
import requests_mock

CRM_URL = "https://crm.test/api"
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
    def __init__(self, mocker: requests_mock.Mocker, base_url: str) -> None:
        self.mocker = mocker
        self.base_url = base_url
        self.calls: list[tuple[str, str]] = []
        self._faults = _Faults()

    def fail(self, method: str, path: str, status: int, headers: dict[str, str] | None = None) -> None:
        self._faults.queue(method, path, ("status", status, headers or {}))

    def lose_answer(self, method: str, path: str) -> None:
        self._faults.queue(method, path, ("lose", requests.exceptions.ReadTimeout("read timed out")))

    def drop_connection(self, method: str, path: str) -> None:
        self._faults.queue(method, path, ("drop", requests.exceptions.ConnectionError("connection reset")))

    def count(self, method: str, path: str) -> int:
        return sum(1 for call in self.calls if call == (method, path))

    def _enter(self, request: Any, context: Any, path: str) -> tuple[Any, bool]:
        """(status answer or None, whether the answer must be lost after the call commits)."""
        self.calls.append((request.method, path))
        fault = self._faults.next(request.method, path)
        if fault is None:
            return None, False
        kind, *detail = fault
        if kind == "status":
            context.status_code = detail[0]
            context.headers.update(detail[1])
            return {"error": f"injected {detail[0]}"}, False
        if kind == "drop":
            raise detail[0]
        return None, True


class FakeCrm(FakeApi):
    """Answers searches with a list of full contacts, unless `id_only` (the documented example)."""

    def __init__(self, mocker: requests_mock.Mocker, base_url: str = CRM_URL, api_key: str = CRM_KEY) -> None:
        super().__init__(mocker, base_url)
        self.contacts: dict[str, dict[str, Any]] = {}
        self.id_only = False
        self._ids = itertools.count(10_000_000_000_000_000_000)
        self._api_key = api_key
        mocker.register_uri("POST", f"{base_url}/contacts", json=self._create)
        mocker.register_uri("GET", f"{base_url}/contacts", json=self._search)
        mocker.register_uri("POST", f"{base_url}/contacts/edit", json=self._edit)
        mocker.register_uri("DELETE", f"{base_url}/contacts", json=self._delete)

    def add(self, **fields: Any) -> str:
        contact_id = str(next(self._ids))
        self.contacts[contact_id] = {"id": contact_id, **fields}
        return contact_id

    def by_marker(self, key: str) -> list[dict[str, Any]]:
        return [c for c in self.contacts.values() if f"[source-id:{key}]" in (c.get("notes") or "")]

    def _authorized(self, request: Any, context: Any) -> bool:
        if request.headers.get("x-api-key") != self._api_key:
            context.status_code = 401
            return False
        return True

    def _create(self, request: Any, context: Any) -> Any:
        answer, lose = self._enter(request, context, "/contacts")
        if answer is not None or not self._authorized(request, context):
            return answer or {"error": "unauthorized"}
        body = request.json()
        if not body.get("first_name") or not body.get("email"):
            context.status_code = 400
            return {"error": "first_name and email are required"}
        contact_id = self.add(**body)
        if lose:
            raise requests.exceptions.ReadTimeout("the create committed, its answer was lost")
        return {"id": contact_id}

    def _search(self, request: Any, context: Any) -> Any:
        answer, _ = self._enter(request, context, "/contacts")
        if answer is not None or not self._authorized(request, context):
            return answer or {"error": "unauthorized"}
        query = request.qs if request.qs else {k: [v] for k, v in (request.json() or {}).items()}
        field, term = query["searchby"][0], query["search"][0].casefold()
        found = [c for c in self.contacts.values() if term in str(c.get(field) or "").casefold()]
        if self.id_only:
            return {"id": found[0]["id"]} if found else {}
        return found

    def _edit(self, request: Any, context: Any) -> Any:
        answer, _ = self._enter(request, context, "/contacts/edit")
        if answer is not None or not self._authorized(request, context):
            return answer or {"error": "unauthorized"}
        body = request.json()
        contact = self.contacts.get(body.get("contact_id"))
        if contact is None:
            context.status_code = 404
            return {"error": "not found"}
        changes = body["update_fields"]
        if set(changes) - {"name", "email", "phone"}:
            context.status_code = 400
            return {"error": "only name, email and phone can be edited"}
        if "name" in changes:
            contact["first_name"], _, contact["last_name"] = changes["name"].partition(" ")
        contact.update({k: v for k, v in changes.items() if k != "name"})
        return {"id": contact["id"]}

    def _delete(self, request: Any, context: Any) -> Any:
        answer, _ = self._enter(request, context, "/contacts")
        if answer is not None or not self._authorized(request, context):
            return answer or {"error": "unauthorized"}
        contact_id = (request.json() or {}).get("contact_id")
        if self.contacts.pop(contact_id, None) is None:
            context.status_code = 404
            return {"error": "not found"}
        return "Document deleted successfully"


class FakeClientContacts(FakeApi):
    def __init__(
        self,
        mocker: requests_mock.Mocker,
        base_url: str = CLIENT_CONTACTS_URL,
        api_key: str = CLIENT_CONTACTS_KEY,
    ) -> None:
        super().__init__(mocker, base_url)
        self.documents: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(0x60F1B2B3C9E9A12345678901)
        self._api_key = api_key
        item = re.compile(re.escape(f"{base_url}/contacts/") + r"[0-9a-f]+$")
        mocker.register_uri("GET", f"{base_url}/contacts", json=self._list)
        mocker.register_uri("POST", f"{base_url}/contacts", json=self._create)
        mocker.register_uri("PUT", item, json=self._update)
        mocker.register_uri("DELETE", item, json=self._delete)

    def add(self, **fields: Any) -> str:
        document_id = format(next(self._ids), "x")
        self.documents[document_id] = {"_id": document_id, "__v": 0, **fields}
        return document_id

    def by_key(self, key: str) -> list[dict[str, Any]]:
        return [
            d for d in self.documents.values() if (d.get("integration_meta") or {}).get("external_id") == key
        ]

    def _authorized(self, request: Any, context: Any) -> bool:
        if request.headers.get("Authorization") != f"Bearer {self._api_key}":
            context.status_code = 401
            return False
        return True

    def _list(self, request: Any, context: Any) -> Any:
        answer, _ = self._enter(request, context, "/contacts")
        if answer is not None or not self._authorized(request, context):
            return answer or {"error": "unauthorized"}
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
        if answer is not None or not self._authorized(request, context):
            return answer or {"error": "unauthorized"}
        body = request.json()
        if not body.get("name"):
            context.status_code = 400
            return {"success": False, "error": "name is required"}
        document_id = self.add(**body)
        if lose:
            raise requests.exceptions.ReadTimeout("the create committed, its answer was lost")
        context.status_code = 201
        return {"success": True, "data": self.documents[document_id]}

    def _update(self, request: Any, context: Any) -> Any:
        answer, _ = self._enter(request, context, "/contacts/<id>")
        if answer is not None or not self._authorized(request, context):
            return answer or {"error": "unauthorized"}
        document = self.documents.get(request.path.rsplit("/", 1)[-1])
        if document is None:
            context.status_code = 404
            return {"success": False, "error": "not found"}
        document.update(request.json())
        document["__v"] += 1
        return {"success": True, "data": document}

    def _delete(self, request: Any, context: Any) -> Any:
        answer, _ = self._enter(request, context, "/contacts/<id>")
        if answer is not None or not self._authorized(request, context):
            return answer or {"error": "unauthorized"}
        document = self.documents.pop(request.path.rsplit("/", 1)[-1], None)
        if document is None:
            context.status_code = 404
            return {"success": False, "error": "not found"}
        return {"success": True, "data": document}


class FakeTime:
    """A clock that moves only when something sleeps on it: pacing without real waits."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds
