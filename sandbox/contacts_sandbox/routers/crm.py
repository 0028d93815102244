"""CRM API: create, search, edit and delete contacts, with an x-api-key."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from contacts_sandbox.auth import require_crm_key
from contacts_sandbox.responses import ApiError, found, json_response
from contacts_sandbox.routers import crm_strict
from contacts_sandbox.routers.bodies import first_of, json_object, reject_unknown
from contacts_sandbox.routers.openapi import CRM_CREATE, CRM_DELETE, CRM_EDIT
from contacts_sandbox.state import Sandbox, sandbox_of
from contacts_sandbox.store import CRM_SEARCHABLE

API = "crm"
REQUIRED = ("first_name", "email")
OPTIONAL = ("last_name", "company", "phone", "job_title", "notes")
CONTACT_FIELDS = frozenset(REQUIRED + OPTIONAL)
SEARCHABLE = CRM_SEARCHABLE
EDITABLE = frozenset({"name", "email", "phone"})
DELETED = crm_strict.DELETED

SandboxDep = Annotated[Sandbox, Depends(sandbox_of)]
router = APIRouter(prefix="/crm", tags=["CRM API"], dependencies=[Depends(require_crm_key)])


def _text(name: str, value: Any, *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise ApiError(API, 400, f"{name} is required")
        return None if value is None else ""
    if not isinstance(value, str):
        raise ApiError(API, 400, f"{name} must be a string")
    return value


def _phone(value: Any) -> str | None:
    # Typed Integer in the document, shown as "+1234567890" in its example: both are taken.
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ApiError(API, 400, "phone must be a string or an integer")


def _contact_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        raise ApiError(API, 400, "contact_id is required")
    return value


def _existing(sandbox: Sandbox, contact_id: str) -> dict[str, Any]:
    return found(API, f"contact {contact_id}", sandbox.store.crm.get(contact_id))


@router.post(
    "/contacts", summary="Create a contact; first_name and email are required", openapi_extra=CRM_CREATE
)
async def create(request: Request, sandbox: SandboxDep) -> Response:
    body = await json_object(request, API)
    reject_unknown(API, body, CONTACT_FIELDS)
    if sandbox.profiles.is_strict(API):
        crm_strict.reject_nulls(body)
    contact: dict[str, Any] = {"id": sandbox.new_crm_id()}
    for name in REQUIRED:
        contact[name] = _text(name, body.get(name), required=True)
    for name in OPTIONAL:
        contact[name] = _phone(body.get(name)) if name == "phone" else _text(name, body.get(name))
    sandbox.store.crm.insert(contact)
    delay = sandbox.faults.late_create_delay(API)
    if delay:
        await asyncio.sleep(delay)
    return json_response({"id": contact["id"]})


@router.get(
    "/contacts",
    summary="Lenient: every contact whose field `searchby` contains `search`; "
    "strict: `{id}` of the oldest contact whose field equals it, else 404",
)
async def search(
    request: Request,
    sandbox: SandboxDep,
    searchby: Annotated[
        str | None, Query(description=f"One of: {', '.join(SEARCHABLE)} (strict: not id).")
    ] = None,
    search: Annotated[
        str | None, Query(description="Lenient: case-insensitive substring; strict: exact value.")
    ] = None,
) -> Response:
    if searchby is None and search is None:
        # The document's example sends the search as a JSON body, even on a GET.
        body = await json_object(request, API, optional=True)
        searchby, search = body.get("searchby"), body.get("search")
    strict = sandbox.profiles.is_strict(API)
    fields = crm_strict.FIELDS if strict else SEARCHABLE
    if not isinstance(searchby, str) or not searchby:
        raise ApiError(API, 400, "searchby is required")
    if searchby not in fields:
        raise ApiError(API, 400, f"searchby must be a contact field, one of: {', '.join(fields)}")
    if search is None:
        raise ApiError(API, 400, "search is required")
    if strict:
        return crm_strict.search(sandbox.store.crm, searchby, search)
    return json_response(sandbox.store.crm.search(searchby, str(search)))


@router.post("/contacts/edit", summary="Edit the name, email or phone of a contact", openapi_extra=CRM_EDIT)
async def edit(request: Request, sandbox: SandboxDep) -> Response:
    body = await json_object(request, API)
    if sandbox.profiles.is_strict(API):
        contact_id, changes = crm_strict.edit_request(body)
    else:
        contact_id = _contact_id(first_of(body, "contact_id", "contactID"))
        changes = first_of(body, "update_fields", "updateFields")
        if not isinstance(changes, dict) or not changes:
            raise ApiError(API, 400, "update_fields is required: an object with name, email or phone")
        reject_unknown(API, changes, EDITABLE)
    contact = dict(_existing(sandbox, contact_id))
    if "name" in changes:
        full_name = _text("name", changes["name"], required=True) or ""
        first, _, last = full_name.partition(" ")
        contact["first_name"], contact["last_name"] = first, last
    if "email" in changes:
        contact["email"] = _text("email", changes["email"], required=True)
    if "phone" in changes:
        contact["phone"] = _phone(changes["phone"])
    sandbox.store.crm.replace(contact)
    return json_response({"id": contact_id})


@router.delete(
    "/contacts",
    summary="Delete a contact by id (JSON body or query); strict answers plain text",
    openapi_extra=CRM_DELETE,
)
async def delete(
    request: Request,
    sandbox: SandboxDep,
    contact_id: Annotated[str | None, Query(description="The id, when not sent in a JSON body.")] = None,
) -> Response:
    strict = sandbox.profiles.is_strict(API)
    if strict:
        key = crm_strict.delete_id(await json_object(request, API, optional=True), contact_id)
    else:
        if contact_id is None:
            body = await json_object(request, API, optional=True)
            contact_id = first_of(body, "contact_id", "contactID")
        key = _contact_id(contact_id)
    _existing(sandbox, key)
    sandbox.store.crm.delete(key)
    return crm_strict.deleted() if strict else json_response(DELETED)
