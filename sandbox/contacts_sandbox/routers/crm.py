"""CRM API: create, search, edit and delete contacts, with an x-api-key.

Each route reads its request as the readings in force say (`sandbox.readings.crm`); the modules
`crm_fields`, `crm_search`, `crm_edit` and `crm_delete` hold what each reading changes.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from contacts_sandbox.auth import require_crm_key
from contacts_sandbox.responses import ApiError, found, json_response
from contacts_sandbox.routers import crm_delete, crm_edit, crm_search
from contacts_sandbox.routers.bodies import json_object, reject_unknown
from contacts_sandbox.routers.crm_fields import API, OPTIONAL, REQUIRED, phone, reject_nulls, text
from contacts_sandbox.routers.openapi import CRM_CREATE, CRM_DELETE, CRM_EDIT
from contacts_sandbox.state import Sandbox, sandbox_of
from contacts_sandbox.store import CRM_SEARCHABLE

CONTACT_FIELDS = frozenset(REQUIRED + OPTIONAL)
DELETED = crm_delete.DELETED

SandboxDep = Annotated[Sandbox, Depends(sandbox_of)]
router = APIRouter(prefix="/crm", tags=["CRM API"], dependencies=[Depends(require_crm_key)])


def _existing(sandbox: Sandbox, contact_id: str) -> dict[str, Any] | None:
    """The contact; None when it is unknown and `unknown_id=ok` (a write that matched nothing
    answers as if it had, as an update or delete by a filter does), else 404."""
    contact = sandbox.store.crm.get(contact_id)
    if contact is None and sandbox.readings.crm.unknown_id == "ok":
        return None
    return found(API, f"contact {contact_id}", contact)


def _unique_email(sandbox: Sandbox, email: Any, contact_id: str) -> None:
    """`duplicate_email=refused`: the email is a unique key, as a unique index on it would make it."""
    if sandbox.readings.crm.duplicate_email != "refused" or not isinstance(email, str):
        return
    if any(other["id"] != contact_id for other in sandbox.store.crm.equal("email", email)):
        raise ApiError(API, 409, f"a contact with email {email!r} already exists")


def _delete(sandbox: Sandbox, key: str) -> Response:
    if _existing(sandbox, key) is not None:
        sandbox.store.crm.delete(key)
    return crm_delete.deleted(sandbox.readings.crm)


@router.post(
    "/contacts", summary="Create a contact; first_name and email are required", openapi_extra=CRM_CREATE
)
async def create(request: Request, sandbox: SandboxDep) -> Response:
    readings = sandbox.readings.crm
    body = await json_object(request, API)
    reject_unknown(API, body, CONTACT_FIELDS)
    reject_nulls(body, readings)
    contact: dict[str, Any] = {"id": sandbox.new_crm_id()}
    for name in REQUIRED:
        contact[name] = text(name, body.get(name), required=True)
    for name in OPTIONAL:
        contact[name] = phone(body.get(name), readings) if name == "phone" else text(name, body.get(name))
    _unique_email(sandbox, contact["email"], contact["id"])
    sandbox.store.crm.insert(contact)
    delay = sandbox.faults.late_create_delay(API)
    if delay:
        await asyncio.sleep(delay)
    return json_response({"id": contact["id"]})


@router.get(
    "/contacts",
    summary="Contacts whose field `searchby` matches `search` (see the readings crm.search_in, "
    "match, read_answer, no_match)",
)
async def search(
    request: Request,
    sandbox: SandboxDep,
    searchby: Annotated[str | None, Query(description=f"One of: {', '.join(CRM_SEARCHABLE)}.")] = None,
    search: Annotated[str | None, Query(description="The term: a substring, or the exact value.")] = None,
) -> Response:
    readings, store = sandbox.readings.crm, sandbox.store.crm
    searchby, term = await crm_search.read_filter(request, readings, searchby, search)
    matching = crm_search.matches(store, readings, searchby, term)
    return crm_search.answer(store, readings, matching, crm_search.described(searchby, term))


@router.post("/contacts/edit", summary="Edit the name, email or phone of a contact", openapi_extra=CRM_EDIT)
async def edit(request: Request, sandbox: SandboxDep) -> Response:
    readings = sandbox.readings.crm
    body = await json_object(request, API)
    try:
        contact_id, changes = crm_edit.edit_request(body, readings)
    except crm_edit.NothingEditedError:
        return json_response({"id": ""})
    contact = _existing(sandbox, contact_id)
    if changes and contact is not None:
        contact = crm_edit.edited(contact, changes, readings)
        _unique_email(sandbox, contact["email"], contact_id)
        sandbox.store.crm.replace(contact)
    return json_response({"id": contact_id})


@router.delete(
    "/contacts",
    summary="Delete a contact by id (JSON body or query string, as crm.delete_id_in reads it)",
    openapi_extra=CRM_DELETE,
)
async def delete(
    request: Request,
    sandbox: SandboxDep,
    contact_id: Annotated[str | None, Query(description="The id, when not sent in a JSON body.")] = None,
) -> Response:
    return _delete(sandbox, await crm_delete.delete_id(request, sandbox.readings.crm, contact_id))


@router.delete(
    "/contacts/{contact_id}", summary="Delete a contact by the id in the path (crm.delete_id_in=path)"
)
async def delete_at_path(sandbox: SandboxDep, contact_id: str) -> Response:
    return _delete(sandbox, crm_delete.path_id(sandbox.readings.crm, contact_id))
