"""The CRM's read: where it finds its filter, how it matches, and what it answers."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from contacts_sandbox.readings import ApiReadings
from contacts_sandbox.responses import ApiError, json_response
from contacts_sandbox.routers.bodies import json_object
from contacts_sandbox.routers.crm_fields import API, FIELDS
from contacts_sandbox.store import CRM_SEARCHABLE, DocumentStore

LIST_CAP = 50


async def read_filter(
    request: Request, readings: ApiReadings, searchby: str | None, search: str | None
) -> tuple[Any, Any]:
    """`searchby` and `search` from where the reading `search_in` looks: the query string, a JSON
    body on the GET (as the example sends it), or the query string and else the body."""
    where = readings.search_in
    if where == "body":
        searchby = search = None
    if where == "body" or (where == "either" and searchby is None and search is None):
        body = await json_object(request, API, optional=True)
        return body.get("searchby"), body.get("search")
    return searchby, search


def matches(store: DocumentStore, readings: ApiReadings, searchby: Any, term: Any) -> list[dict[str, Any]]:
    """The contacts the filter matches, oldest first; with no filter read and
    `absent_filter=match_all`, every contact (as a query with no condition would)."""
    if searchby is None and term is None and readings.absent_filter == "match_all":
        return store.all()
    fields = FIELDS if readings.search_fields == "listed" else CRM_SEARCHABLE
    if not isinstance(searchby, str) or not searchby:
        raise ApiError(API, 400, "searchby is required")
    if searchby not in fields:
        raise ApiError(API, 400, f"searchby must be a contact field, one of: {', '.join(fields)}")
    if term is None:
        raise ApiError(API, 400, "search is required")
    if readings.types == "typed" and not isinstance(term, str):
        raise ApiError(API, 400, "search must be a string")
    if readings.match == "exact":
        return store.equal(searchby, str(term))
    return store.search(searchby, str(term))


def answer(store: DocumentStore, readings: ApiReadings, found: list[dict[str, Any]], what: str) -> Response:
    if not found:
        return _no_match(readings.no_match, what)
    if readings.read_answer == "id":
        return json_response({"id": store.oldest(found)["id"]})
    return json_response(found[:LIST_CAP] if readings.list_cap == "50" else found)


def _no_match(reading: str, what: str) -> Response:
    if reading == "not_found":
        raise ApiError(API, 404, f"no contact {what}")
    empty: dict[str, Any] = {"empty_list": [], "empty_object": {}, "null_id": {"id": None}}
    return json_response(empty[reading])


def described(searchby: Any, term: Any) -> str:
    return "at all" if searchby is None and term is None else f"with {searchby} matching {term!r}"
