"""Client Contacts API: Mongo-style documents with list filters, create, get, update and delete."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from contacts_sandbox.auth import require_client_contacts_key
from contacts_sandbox.responses import ApiError, found, json_response
from contacts_sandbox.routers import client_contacts_list as listing
from contacts_sandbox.routers.bodies import json_object
from contacts_sandbox.routers.client_contacts_fields import (
    API,
    SERVER_FIELDS,
    WRITABLE,
    checked,
    create_defaults,
    replaced,
)
from contacts_sandbox.routers.openapi import CLIENT_CONTACT_CREATE, CLIENT_CONTACT_UPDATE
from contacts_sandbox.routers.params import Page, offset_of, page_count
from contacts_sandbox.seed import iso_ms
from contacts_sandbox.state import Sandbox, sandbox_of

SandboxDep = Annotated[Sandbox, Depends(sandbox_of)]
router = APIRouter(
    prefix="/client-contacts",
    tags=["Client Contacts API"],
    dependencies=[Depends(require_client_contacts_key)],
)


def _existing(sandbox: Sandbox, contact_id: str) -> dict[str, Any]:
    return found(API, f"client contact {contact_id}", sandbox.store.client_contacts.get(contact_id))


def _found(document: dict[str, Any], status_code: int = 200) -> Response:
    return json_response({"success": True, "data": document}, status_code)


@router.get(
    "/contacts",
    summary="List client contacts, filtered, sorted and paged; without sort: by _id, or "
    "by last change (client_contacts.default_order)",
)
async def list_contacts(
    request: Request,
    sandbox: SandboxDep,
    page: Page = 1,
    per_page: Annotated[int, Query(ge=1, le=100, description="Items per page.")] = 25,
    sort: Annotated[str | None, Query(description="A field; prefix with - for descending.")] = None,
    ids: Annotated[
        list[str] | None,
        Query(description="Ids, repeated (client_contacts.ids=commas also splits at commas)."),
    ] = None,
    search: Annotated[
        str | None, Query(description="Substring of name (client_contacts.search: any_case or same_case).")
    ] = None,
    name: Annotated[list[str] | None, Query(description="Exact names; repeat for several.")] = None,
    from_updatedAt: Annotated[  # noqa: N803
        int | None,
        Query(description="Epoch ms; updated at or after, or after (client_contacts.from_updated)."),
    ] = None,
    to_updatedAt: Annotated[int | None, Query(description="Epoch ms; updated strictly before.")] = None,  # noqa: N803
    from__id: Annotated[str | None, Query(description="Ids strictly greater.")] = None,
    to__id: Annotated[str | None, Query(description="Ids strictly smaller.")] = None,
) -> Response:
    readings = sandbox.readings.client_contacts
    listing.reject_unknown_filters(request.query_params.keys(), readings)
    per_page = listing.page_size(per_page, readings)
    documents = listing.documents(sandbox.store.client_contacts, readings)
    ids_wanted, wanted_names = listing.wanted_ids(ids, readings), set(name) if name else None
    if ids_wanted is not None:
        documents = [doc for doc in documents if doc["_id"] in ids_wanted]
    if wanted_names is not None:
        documents = [doc for doc in documents if doc.get("name") in wanted_names]
    if search:
        documents = listing.matching_name(documents, search, readings)
    if from__id is not None:
        documents = [doc for doc in documents if doc["_id"] > from__id]
    if to__id is not None:
        documents = [doc for doc in documents if doc["_id"] < to__id]
    if from_updatedAt is not None:
        documents = listing.updated_from(documents, from_updatedAt, readings)
    if to_updatedAt is not None:
        documents = listing.updated_before(documents, to_updatedAt)
    if sort:
        documents = listing.sorted_by(documents, sort)
    total, offset = len(documents), offset_of(page, per_page)
    total_pages = page_count(total, per_page)
    pagination = {
        "page": page,
        "per_page": per_page,
        "pre_page": page - 1,
        "next_page": page + 1 if page < total_pages else None,
        "total": total,
        "total_page": total_pages,
    }
    return json_response(
        {"success": True, "data": documents[offset : offset + per_page], "pagination": pagination}
    )


@router.post(
    "/contacts",
    status_code=201,
    summary="Create a client contact; name is required",
    openapi_extra=CLIENT_CONTACT_CREATE,
)
async def create(request: Request, sandbox: SandboxDep) -> Response:
    fields = checked(await json_object(request, API), WRITABLE, sandbox.readings.client_contacts)
    if "name" not in fields:
        raise ApiError(API, 400, "name is required")
    now = iso_ms(time.time())
    document = {
        "_id": sandbox.store.object_ids.next(),
        **create_defaults(),
        **fields,
        "createdAt": now,
        "updatedAt": now,
        "__v": 0,
    }
    sandbox.store.client_contacts.insert(document)
    delay = sandbox.faults.late_create_delay(API)
    if delay:
        await asyncio.sleep(delay)
    return _found(document, 201)


@router.get("/contacts/{_id}", summary="One client contact")
async def get(_id: str, sandbox: SandboxDep) -> Response:
    return _found(_existing(sandbox, _id))


@router.put(
    "/contacts/{_id}",
    summary="Update a client contact: the fields sent, or PUT replaces them (client_contacts.put)",
    openapi_extra=CLIENT_CONTACT_UPDATE,
)
@router.patch(
    "/contacts/{_id}",
    summary="Update the given fields of a client contact",
    openapi_extra=CLIENT_CONTACT_UPDATE,
)
async def update(_id: str, request: Request, sandbox: SandboxDep) -> Response:
    readings = sandbox.readings.client_contacts
    if request.method == "PATCH" and readings.patch == "none":
        # `none`: the document shows an update on PUT alone; a server without PATCH has no route.
        raise HTTPException(405, headers={"Allow": "GET, PUT, DELETE"})
    fields = checked(await json_object(request, API), WRITABLE | SERVER_FIELDS, readings)
    existing = _existing(sandbox, _id)
    if readings.put == "replaces" and request.method == "PUT":
        document = replaced(existing, fields)
    else:
        document = {**existing, **fields}
    document["updatedAt"] = iso_ms(time.time())
    document["__v"] += 1
    sandbox.store.client_contacts.replace(document)
    return _found(document)


@router.delete("/contacts/{_id}", summary="Delete a client contact; answers the deleted document")
async def delete(_id: str, sandbox: SandboxDep) -> Response:
    _existing(sandbox, _id)
    return _found(sandbox.store.client_contacts.delete(_id))
