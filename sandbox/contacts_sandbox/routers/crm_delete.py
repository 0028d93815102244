"""The CRM's delete: where it reads the contact's id, and how it answers."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import PlainTextResponse, Response

from contacts_sandbox.readings import ApiReadings
from contacts_sandbox.responses import ApiError, json_response
from contacts_sandbox.routers.bodies import first_of, json_object, reject_unknown
from contacts_sandbox.routers.crm_fields import API, contact_id

DELETED = "Document deleted successfully"


async def delete_id(request: Request, readings: ApiReadings, from_query: str | None) -> str:
    """The id from where `delete_id_in` looks (body, query string, or either), under the
    spellings `delete_spelling` takes. A route with the id in its path reads it there."""
    where = readings.delete_id_in
    if where == "path":
        raise ApiError(API, 404, "Not Found")
    spellings = ("contact_id", "contactID") if readings.delete_spelling == "either" else ("contact_id",)
    strict_body = readings.extra_fields == "refused"
    query = None if where == "body" else from_query
    if query is not None and not (where == "any" and strict_body):
        return contact_id(query, readings)
    body = {} if where == "query" else await json_object(request, API, optional=True)
    if query is not None:
        if body:
            raise ApiError(API, 400, "send contact_id in the query string or in the body, not both")
        return contact_id(query, readings)
    if strict_body:
        reject_unknown(API, body, set(spellings))
    return contact_id(first_of(body, *spellings), readings)


def path_id(readings: ApiReadings, from_path: str) -> str:
    """`delete_id_in=path`: the id is the last part of the path; any other reading has no such route."""
    if readings.delete_id_in != "path":
        raise ApiError(API, 404, "Not Found")
    return from_path


def deleted(readings: ApiReadings) -> Response:
    """The answer the document shows: `json` a JSON string, `text` the plain text of its example."""
    return PlainTextResponse(DELETED) if readings.delete_answer == "text" else json_response(DELETED)
