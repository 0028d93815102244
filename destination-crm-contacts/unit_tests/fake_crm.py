"""A stateful stand-in for the CRM API, taking one reading of each point its document leaves open
(the names and values of the sandbox's readings: `readings={"search_in": "body", ...}`)."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import requests
import requests_mock

from unit_tests.fake_api import CRM_KEY, CRM_URL, FakeApi

CRM_FIELDS = frozenset({"first_name", "last_name", "email", "phone", "company", "job_title", "notes"})
SPELLINGS = {"table": ("contact_id", "update_fields"), "example": ("contactID", "updateFields")}
# Every reading's lenient value: what the fake does unless told otherwise.
LENIENT = {
    "search_in": "either",
    "absent_filter": "refused",
    "no_match": "empty_list",
    "read_answer": "documents",
    "match": "substring",
    "edit_spelling": "either",
    "edit_name": "split",
    "other_spelling": "refused",
    "phone": "text",
    "refusal": "400",
    "delete_id_in": "any",
    "nulls": "taken",
    "list_cap": "none",
}
# What `strict` changes: only what the document shows.
STRICT = {"no_match": "not_found", "read_answer": "id", "match": "exact", "nulls": "refused"}


class FakeCrm(FakeApi):
    """Answers searches with a list of full contacts whose field contains the term, unless a reading
    says otherwise; `id_only` answers the id of the first (`{}` for none), `paged` the list in an
    envelope that says more follow.

    `strict` does only what the API's document shows: a search answers `{"id"}` of one contact
    whose field equals the term, or 404; null and unknown fields get a 400; delete answers plain
    text."""

    WRITES = (
        ("POST", "/contacts"),
        ("POST", "/contacts/edit"),
        ("DELETE", "/contacts"),
        ("DELETE", "/contacts/<id>"),
    )

    def __init__(
        self, mocker: requests_mock.Mocker, strict: bool = False, readings: dict[str, str] | None = None
    ) -> None:
        super().__init__(mocker, {"x-api-key": CRM_KEY}, strict)
        self.readings = {**LENIENT, **(STRICT if strict else {}), **(readings or {})}
        self.contacts: dict[str, dict[str, Any]] = {}
        self.id_only = False
        self.paged = False
        self.exact = False
        self._ids = itertools.count(10_000_000_000_000_000_000)
        mocker.register_uri("POST", f"{CRM_URL}/contacts", json=self._create)
        mocker.register_uri("GET", f"{CRM_URL}/contacts", json=self._search)
        mocker.register_uri("POST", f"{CRM_URL}/contacts/edit", json=self._edit)
        mocker.register_uri("DELETE", f"{CRM_URL}/contacts", text=self._delete)
        item = re.compile(re.escape(f"{CRM_URL}/contacts/") + r"\d+$")
        mocker.register_uri("DELETE", item, text=self._delete_by_path)

    def add(self, **fields: Any) -> str:
        contact_id = str(next(self._ids))
        self.contacts[contact_id] = {"id": contact_id, **fields}
        return contact_id

    def by_marker(self, key: str) -> list[dict[str, Any]]:
        return [c for c in self.contacts.values() if f"[source-id:{key}]" in (c.get("notes") or "")]

    def _refuse(self, context: Any, message: str) -> dict[str, Any]:
        context.status_code = int(self.readings["refusal"])
        if context.status_code == 500:
            return {"error": "Internal Server Error"}
        return {"error": message}

    def _create(self, request: Any, context: Any) -> Any:
        answer, lose = self._enter(request, context, "/contacts")
        if answer is not None:
            return answer
        body = json.loads(request.body) if request.body else {}
        if not body.get("first_name") or not body.get("email"):
            return self._refuse(context, "first_name and email are required")
        refused = self._refused(body, CRM_FIELDS)
        if refused:
            return self._refuse(context, refused)
        contact_id = self.add(**body)
        if lose:
            raise requests.exceptions.ReadTimeout("the create committed, its answer was lost")
        return {"id": contact_id}

    def _filter(self, request: Any) -> dict[str, Any]:
        in_query = {key: values[0] for key, values in request.qs.items()}
        in_body = json.loads(request.body) if request.body else {}
        place = self.readings["search_in"]
        if place == "neither":  # no reading of the API's: a server that reads its filters nowhere
            return {}
        if place == "query":
            return in_query
        if place == "body":
            return in_body
        return in_query or in_body

    def _search(self, request: Any, context: Any) -> Any:
        answer, _ = self._enter(request, context, "/contacts")
        if answer is not None:
            return answer
        query = self._filter(request)
        if "searchby" not in query or "search" not in query:
            if self.readings["absent_filter"] == "refused":
                context.status_code = 400
                return {"error": "searchby and search are required"}
            found = list(self.contacts.values())
        else:
            found = self._matching(query["searchby"], query["search"])
        if self.paged:
            return {"data": found[:2], "next_page": 2 if len(found) > 2 else None}
        if not found:
            return self._nothing(context)
        if self.id_only or self.readings["read_answer"] == "id":
            return {"id": found[0]["id"]}
        cap = self.readings["list_cap"]
        return found if cap == "none" else found[: int(cap)]

    def _matching(self, field: str, term: str) -> list[dict[str, Any]]:
        if self.exact or self.readings["match"] == "exact":
            return [c for c in self.contacts.values() if c.get(field) == term]
        return [c for c in self.contacts.values() if term.casefold() in str(c.get(field) or "").casefold()]

    def _nothing(self, context: Any) -> Any:
        if self.id_only:
            return {}
        no_match = self.readings["no_match"]
        if no_match == "not_found":
            context.status_code = 404
            return {"error": "no contact matches"}
        return {"empty_list": [], "empty_object": {}, "null_id": {"id": None}}[no_match]

    def _edit(self, request: Any, context: Any) -> Any:
        answer, _ = self._enter(request, context, "/contacts/edit")
        if answer is not None:
            return answer
        body = request.json()
        taken = self.readings["edit_spelling"]
        spellings = list(SPELLINGS.values()) if taken == "either" else [SPELLINGS[taken]]
        spelling = next((s for s in spellings if s[0] in body), None)
        if spelling is None:
            if self.readings["other_spelling"] == "ignored":
                return {"id": ""}
            return self._refuse(context, f"{spellings[0][0]} is required")
        contact = self.contacts.get(body.get(spelling[0]))
        if contact is None:
            context.status_code = 404
            return {"error": "not found"}
        changes = body.get(spelling[1]) or {}
        refused = self._refused(changes, frozenset({"name", "email", "phone"}))
        if set(changes) - {"name", "email", "phone"} or refused:
            return self._refuse(context, refused or "only name, email and phone can be edited")
        if "name" in changes and self.readings["edit_name"] == "first_name":
            contact["first_name"] = changes["name"]
        elif "name" in changes:
            contact["first_name"], _, contact["last_name"] = changes["name"].partition(" ")
        contact.update({k: v for k, v in changes.items() if k != "name"})
        return {"id": contact["id"]}

    def _delete(self, request: Any, context: Any) -> str:
        answer, _ = self._enter(request, context, "/contacts")
        if answer is not None:
            return json.dumps(answer)
        place = self.readings["delete_id_in"]
        if place == "path":
            context.status_code = 405
            return json.dumps({"detail": "Method Not Allowed"})
        in_body = (json.loads(request.body) if request.body else {}).get("contact_id")
        in_query = (request.qs.get("contact_id") or [None])[0]
        contact_id = {"body": in_body, "query": in_query}.get(place, in_query or in_body)
        if not contact_id:
            return json.dumps(self._refuse(context, "contact_id is required"))
        return self._delete_id(contact_id, context)

    def _delete_by_path(self, request: Any, context: Any) -> str:
        answer, _ = self._enter(request, context, "/contacts/<id>")
        if answer is not None:
            return json.dumps(answer)
        if self.readings["delete_id_in"] not in ("path", "any"):
            context.status_code = 404
            return json.dumps({"detail": "Not Found"})
        return self._delete_id(request.path.rsplit("/", 1)[-1], context)

    def _delete_id(self, contact_id: str, context: Any) -> str:
        if self.contacts.pop(contact_id, None) is None:
            context.status_code = 404
            return json.dumps({"error": "not found"})
        if self.strict:
            context.headers["Content-Type"] = "text/plain"
            return "Document deleted successfully"
        return json.dumps("Document deleted successfully")

    def _refused(self, body: dict[str, Any], known: frozenset[str]) -> str | None:
        """Why this CRM refuses these fields: a text phone where it takes integers; under `strict`,
        a field it does not know or a null."""
        if self.readings["phone"] == "integer" and isinstance(body.get("phone"), str):
            return "phone must be an integer"
        if self.readings["nulls"] == "refused":
            nulls = sorted(name for name, value in body.items() if value is None)
            if nulls:
                return f"null is not a value of {', '.join(nulls)}"
        if not self.strict:
            return None
        unknown = sorted(set(body) - known)
        return f"unknown fields: {', '.join(unknown)}" if unknown else None
