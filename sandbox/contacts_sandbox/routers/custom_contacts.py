"""Custom Contact Source API: a JWT from Basic credentials, then contacts and their delta."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from contacts_sandbox.auth import require_basic_client, require_custom_token
from contacts_sandbox.responses import json_array, json_response, raw_json_response
from contacts_sandbox.routers.params import LIMIT, PAGE, IntParam, offset_of, query_parameters
from contacts_sandbox.state import Sandbox, sandbox_from, sandbox_of

SandboxDep = Annotated[Sandbox, Depends(sandbox_of)]

API = "custom"
TIMESTAMP = IntParam(
    "timestamp",
    "UNIX seconds. Lenient: changes in that second are included; strict: only changes after it.",
    minimum=0,
)
TAGS: list[str | Enum] = ["Custom Contact Source API"]
# Two routers under one prefix: the token endpoint takes Basic credentials, the data a JWT.
token_router = APIRouter(prefix="/custom", tags=TAGS, dependencies=[Depends(require_basic_client)])
data_router = APIRouter(prefix="/custom", tags=TAGS, dependencies=[Depends(require_custom_token)])


def _flag(value: bool) -> bytes:
    return b"true" if value else b"false"


@token_router.get("/token", summary="Exchange Basic credentials for a JWT")
async def token(sandbox: SandboxDep, client_id: Annotated[str, Depends(require_basic_client)]) -> Response:
    ttl = sandbox.faults.token_ttl(sandbox.settings.token_ttl)
    return json_response({"token": sandbox.tokens.issue(client_id, ttl)})


@data_router.get(
    "/contacts",
    summary="Every contact: by id (lenient), by last change then id (strict)",
    openapi_extra=query_parameters(LIMIT, PAGE),
)
async def contacts(request: Request) -> Response:
    limit, page = LIMIT.read(request, API), PAGE.read(request, API)
    sandbox = sandbox_from(request)
    # Strict: the document names no order, and by last change an update during a full read moves
    # a contact to the end, shifting every later one back a place, as a delete does.
    items, has_more = sandbox.store.custom.page(
        offset_of(page, limit), limit, by_change=sandbox.readings.custom.order == "last_change"
    )
    return raw_json_response(b'{"contacts":' + json_array(items) + b',"has_more":' + _flag(has_more) + b"}")


@data_router.get(
    "/contacts/delta",
    summary="Contacts changed and ids deleted since a UNIX time (strict: after its whole second)",
    openapi_extra=query_parameters(TIMESTAMP, LIMIT, PAGE),
)
async def delta(request: Request) -> Response:
    timestamp = TIMESTAMP.read(request, API)
    limit, page = LIMIT.read(request, API), PAGE.read(request, API)
    sandbox = sandbox_from(request)
    # Strict: "since" the timestamp read as after its whole second, as a server keeping whole
    # seconds and comparing with > would; a client must step its timestamp back to be safe.
    since = timestamp + 1 if sandbox.readings.custom.timestamp == "after" else timestamp
    changes = sandbox.store.custom.delta(since, offset_of(page, limit), limit)
    return raw_json_response(
        b'{"updated":'
        + json_array(changes.updated)
        + b',"deleted":'
        + json_array(changes.deleted)
        + b',"has_more":'
        + _flag(changes.has_more)
        + b"}"
    )
