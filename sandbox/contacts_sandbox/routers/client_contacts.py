"""Client Contacts API: Mongo-style documents with list filters, create, get, update and delete."""

from __future__ import annotations

import asyncio
import functools
import time
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from contacts_sandbox.auth import require_client_contacts_key
from contacts_sandbox.responses import ApiError, found, json_response
from contacts_sandbox.routers import client_contacts_strict as strict_rules
from contacts_sandbox.routers.bodies import json_object, reject_unknown
from contacts_sandbox.routers.openapi import CLIENT_CONTACT_CREATE, CLIENT_CONTACT_UPDATE
from contacts_sandbox.routers.params import Page, offset_of, page_count
from contacts_sandbox.seed import iso_ms
from contacts_sandbox.state import Sandbox, sandbox_of

API = "client_contacts"
STRING_FIELDS = frozenset(
    {"name", "local_name", "phone1", "phone2", "email", "title", "extra_info", "cover_photo"}
)
STRING_LIST_FIELDS = frozenset({"media", "company_namespace"})
OBJECT_FIELDS = frozenset({"integration_meta", "creator", "editor"})
WRITABLE = STRING_FIELDS | STRING_LIST_FIELDS | OBJECT_FIELDS | {"disabled"}
# Sent back by clients that PUT a whole document; the server keeps its own values.
SERVER_FIELDS = frozenset({"_id", "createdAt", "updatedAt", "__v"})
SORTABLE = WRITABLE | SERVER_FIELDS

SandboxDep = Annotated[Sandbox, Depends(sandbox_of)]
router = APIRouter(
    prefix="/client-contacts",
    tags=["Client Contacts API"],
    dependencies=[Depends(require_client_contacts_key)],
)


def _checked(body: dict[str, Any], allowed: frozenset[str], strict: bool) -> dict[str, Any]:
    reject_unknown(API, body, allowed)
    if strict:
        strict_rules.check(body)
    fields = {}
    for name, value in body.items():
        if name in SERVER_FIELDS:
            continue
        if value is not None:
            if name in STRING_FIELDS and not isinstance(value, str):
                raise ApiError(API, 400, f"{name} must be a string")
            if name in STRING_LIST_FIELDS and not (
                isinstance(value, list) and all(isinstance(item, str) for item in value)
            ):
                raise ApiError(API, 400, f"{name} must be an array of strings")
            if name in OBJECT_FIELDS and not isinstance(value, dict):
                raise ApiError(API, 400, f"{name} must be an object")
            if name == "disabled" and not isinstance(value, bool):
                raise ApiError(API, 400, "disabled must be a boolean")
        fields[name] = value
    if "name" in fields and not (isinstance(fields["name"], str) and fields["name"].strip()):
        raise ApiError(API, 400, "name is required")
    return fields


def _existing(sandbox: Sandbox, contact_id: str) -> dict[str, Any]:
    return found(API, f"client contact {contact_id}", sandbox.store.client_contacts.get(contact_id))


def _found(document: dict[str, Any], status_code: int = 200) -> Response:
    return json_response({"success": True, "data": document}, status_code)


@functools.lru_cache(maxsize=65536)
def _epoch_ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def _sort_key(field: str) -> Any:
    def key(document: dict[str, Any]) -> tuple[bool, Any]:
        value = document.get(field)
        # Missing values sort first, as MongoDB does; mixed types compare by their text.
        return (value is not None, value if isinstance(value, str | int | float) else str(value))

    return key


def _split(values: list[str] | None) -> set[str] | None:
    if not values:
        return None
    return {part.strip() for value in values for part in value.split(",") if part.strip()}


@router.get(
    "/contacts",
    summary="List client contacts, filtered, sorted and paged; without sort: by _id (lenient), "
    "by last change (strict)",
)
async def list_contacts(
    sandbox: SandboxDep,
    page: Page = 1,
    per_page: Annotated[int, Query(ge=1, le=100, description="Items per page.")] = 25,
    sort: Annotated[str | None, Query(description="A field; prefix with - for descending.")] = None,
    ids: Annotated[
        list[str] | None, Query(description="Ids, repeated; lenient also splits at commas.")
    ] = None,
    search: Annotated[
        str | None, Query(description="Substring of name: any case (lenient), same case (strict).")
    ] = None,
    name: Annotated[list[str] | None, Query(description="Exact names; repeat for several.")] = None,
    from_updatedAt: Annotated[  # noqa: N803
        int | None, Query(description="Epoch ms; updated at or after (lenient), strictly after (strict).")
    ] = None,
    to_updatedAt: Annotated[int | None, Query(description="Epoch ms; updated strictly before.")] = None,  # noqa: N803
    from__id: Annotated[str | None, Query(description="Ids strictly greater.")] = None,
    to__id: Annotated[str | None, Query(description="Ids strictly smaller.")] = None,
) -> Response:
    strict = sandbox.readings.client_contacts.default_order == "updated"
    store = sandbox.store.client_contacts
    # Strict: the document names no default order; by last change, a write moves a contact.
    documents = store.by_change() if strict else store.all()
    wanted_ids = strict_rules.split_ids(ids) if strict else _split(ids)
    wanted_names = set(name) if name else None
    if wanted_ids is not None:
        documents = [doc for doc in documents if doc["_id"] in wanted_ids]
    if wanted_names is not None:
        documents = [doc for doc in documents if doc.get("name") in wanted_names]
    if search and strict:
        documents = [doc for doc in documents if search in (doc.get("name") or "")]
    elif search:
        needle = search.casefold()
        documents = [doc for doc in documents if needle in (doc.get("name") or "").casefold()]
    if from__id is not None:
        documents = [doc for doc in documents if doc["_id"] > from__id]
    if to__id is not None:
        documents = [doc for doc in documents if doc["_id"] < to__id]
    if from_updatedAt is not None:
        after = from_updatedAt + 1 if strict else from_updatedAt
        documents = [doc for doc in documents if _epoch_ms(doc["updatedAt"]) >= after]
    if to_updatedAt is not None:
        documents = [doc for doc in documents if _epoch_ms(doc["updatedAt"]) < to_updatedAt]
    if sort:
        field = sort.removeprefix("-")
        if field not in SORTABLE:
            raise ApiError(
                API, 400, f"sort must be one of: {', '.join(sorted(SORTABLE))} (prefix - to descend)"
            )
        documents = sorted(documents, key=_sort_key(field), reverse=sort.startswith("-"))
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
    fields = _checked(
        await json_object(request, API), WRITABLE, sandbox.readings.client_contacts.nulls == "refused"
    )
    if "name" not in fields:
        raise ApiError(API, 400, "name is required")
    now = iso_ms(time.time())
    document = {
        "_id": sandbox.store.object_ids.next(),
        **strict_rules.create_defaults(),
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
    summary="Update a client contact: the fields sent (lenient); replace its writable fields (strict)",
    openapi_extra=CLIENT_CONTACT_UPDATE,
)
@router.patch(
    "/contacts/{_id}",
    summary="Update the given fields of a client contact",
    openapi_extra=CLIENT_CONTACT_UPDATE,
)
async def update(_id: str, request: Request, sandbox: SandboxDep) -> Response:
    strict = sandbox.readings.client_contacts.put == "replaces"
    fields = _checked(await json_object(request, API), WRITABLE | SERVER_FIELDS, strict)
    existing = _existing(sandbox, _id)
    if strict and request.method == "PUT":
        document = strict_rules.replaced(existing, fields)
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
