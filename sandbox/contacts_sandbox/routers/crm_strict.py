"""The CRM API under the strict profile: only what its document shows.

Each function checks or answers one request the strict way; the routes in `crm` call them when
the CRM is under `strict`, and keep their lenient behaviour otherwise.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import PlainTextResponse, Response

from contacts_sandbox.responses import ApiError, json_response
from contacts_sandbox.routers.bodies import reject_unknown
from contacts_sandbox.store import DocumentStore

API = "crm"
# The fields the create lists: the only ones a search may name (the document's "valid contact field").
FIELDS = ("first_name", "email", "last_name", "company", "phone", "job_title", "notes")
EDIT_SPELLINGS = {
    "contact_id": ("contact_id", "contactID"),
    "update_fields": ("update_fields", "updateFields"),
}
EDITABLE = frozenset({"name", "email", "phone"})
DELETED = "Document deleted successfully"


def reject_nulls(body: dict[str, Any], where: str = "") -> None:
    """Every field the document lists is typed (String, Integer, Object): none is nullable."""
    for name, value in body.items():
        if value is None:
            raise ApiError(API, 400, f"{where}{name} must not be null")


def _one_spelling(body: dict[str, Any], spellings: tuple[str, ...]) -> Any:
    """The value under whichever documented spelling was sent; two spellings at once are refused,
    as a server that knows only one would refuse the other as an unknown field."""
    given = [spelling for spelling in spellings if spelling in body]
    if not given:
        raise ApiError(API, 400, f"{spellings[0]} is required")
    if len(given) > 1:
        raise ApiError(API, 400, f"send one of {' or '.join(spellings)}, not both")
    return body[given[0]]


def _string_id(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ApiError(API, 400, "contact_id must be a non-empty string")
    return value


def search(store: DocumentStore, searchby: str, term: Any) -> Response:
    """`{"id"}` of the oldest contact whose field `searchby` (one of `FIELDS`) equals the term
    exactly, or 404."""
    if not isinstance(term, str):
        raise ApiError(API, 400, "search must be a string")
    found = store.oldest_equal(searchby, term)
    if found is None:
        raise ApiError(API, 404, f"no contact with {searchby} equal to {term!r}")
    return json_response({"id": found["id"]})


def edit_request(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The contact id and the changes of an edit, checked: one spelling of each, nothing else."""
    reject_unknown(API, body, {spelling for pair in EDIT_SPELLINGS.values() for spelling in pair})
    contact_id = _string_id(_one_spelling(body, EDIT_SPELLINGS["contact_id"]))
    changes = _one_spelling(body, EDIT_SPELLINGS["update_fields"])
    if not isinstance(changes, dict) or not changes:
        raise ApiError(API, 400, "update_fields must be an object with name, email or phone")
    reject_unknown(API, changes, EDITABLE)
    reject_nulls(changes, "update_fields.")
    return contact_id, changes


def delete_id(body: dict[str, Any], from_query: str | None) -> str:
    """The id to delete: `contact_id`, the one name the delete's document gives, in the JSON body
    as its example sends it or in the query string."""
    if from_query is not None:
        if body:
            raise ApiError(API, 400, "send contact_id in the query string or in the body, not both")
        return _string_id(from_query)
    reject_unknown(API, body, {"contact_id"})
    return _string_id(body.get("contact_id"))


def deleted() -> Response:
    """The document's answer, as it shows it: plain text, not a JSON string."""
    return PlainTextResponse(DELETED)
