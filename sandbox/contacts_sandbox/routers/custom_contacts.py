"""Custom Contact Source API: a JWT from Basic credentials, then contacts and their delta."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from contacts_sandbox.auth import require_basic_client, require_custom_token
from contacts_sandbox.readings import ApiReadings
from contacts_sandbox.responses import json_array, json_response, raw_json_response
from contacts_sandbox.routers.custom_normalised import as_read
from contacts_sandbox.routers.params import LIMIT, PAGE, IntParam, offset_of, query_parameters
from contacts_sandbox.state import Sandbox, sandbox_from, sandbox_of
from contacts_sandbox.store import DeltaPage

SandboxDep = Annotated[Sandbox, Depends(sandbox_of)]

API = "custom"
TIMESTAMP = IntParam(
    "timestamp",
    "UNIX seconds: changes within that second (custom.timestamp=at_or_after) or only after it.",
    minimum=0,
)
LIMIT_CAP = 50
EMPTY_EVERY = 3
TAGS: list[str | Enum] = ["Custom Contact Source API"]
# Two routers under one prefix: the token endpoint takes Basic credentials, the data a JWT.
token_router = APIRouter(prefix="/custom", tags=TAGS, dependencies=[Depends(require_basic_client)])
data_router = APIRouter(prefix="/custom", tags=TAGS, dependencies=[Depends(require_custom_token)])


def _flag(value: bool) -> bytes:
    return b"true" if value else b"false"


@token_router.get("/token", summary="Exchange Basic credentials for a JWT")
async def token(sandbox: SandboxDep, client_id: Annotated[str, Depends(require_basic_client)]) -> Response:
    ttl = sandbox.faults.token_ttl(sandbox.settings.token_ttl)
    with_exp = sandbox.readings.custom.token_exp == "with"
    return json_response({"token": sandbox.tokens.issue(client_id, ttl, with_exp=with_exp)})


def _limit(request: Request, readings: ApiReadings) -> int:
    """`limit_cap=50`: a larger limit is silently served as 50."""
    limit = LIMIT.read(request, API)
    return min(limit, LIMIT_CAP) if readings.limit_cap == "50" else limit


def _data_page(page: int, readings: ApiReadings) -> tuple[int, bool]:
    """The page of data a requested page serves, and whether it comes back empty instead.

    `empty_page_more=sometimes`: every third page (3, 6, ...) is empty, as a server that filters
    rows after paging them answers; no data is lost, it moves on to the next page.
    """
    if readings.empty_page_more == "sometimes":
        return page - page // EMPTY_EVERY, page % EMPTY_EVERY == 0
    return page, False


@data_router.get(
    "/contacts",
    summary="Every contact: by id, by last change then id, or unstably (custom.order)",
    openapi_extra=query_parameters(LIMIT, PAGE),
)
async def contacts(request: Request) -> Response:
    sandbox = sandbox_from(request)
    readings = sandbox.readings.custom
    limit, page = _limit(request, readings), PAGE.read(request, API)
    data_page, empty = _data_page(page, readings)
    # By last change, an update during a full read moves a contact to the end, shifting every
    # later one back a place, as a delete does.
    items, has_more = sandbox.store.custom.page(
        offset_of(data_page, limit),
        limit,
        by_change=readings.order == "last_change",
        unstable=readings.order == "unstable",
    )
    if empty:
        items, has_more = [], bool(items)
    items = as_read(items, readings.labels)
    return raw_json_response(b'{"contacts":' + json_array(items) + b',"has_more":' + _flag(has_more) + b"}")


@data_router.get(
    "/contacts/delta",
    summary="Contacts changed and ids deleted since a UNIX time (within its second, or after it)",
    openapi_extra=query_parameters(TIMESTAMP, LIMIT, PAGE),
)
async def delta(request: Request) -> Response:
    sandbox = sandbox_from(request)
    readings = sandbox.readings.custom
    timestamp = TIMESTAMP.read(request, API)
    limit, page = _limit(request, readings), PAGE.read(request, API)
    data_page, empty = _data_page(page, readings)
    # `after`: "since" the timestamp read as after its whole second, as a server keeping whole
    # seconds and comparing with > would; a client must step its timestamp back to be safe.
    since = timestamp + 1 if readings.timestamp == "after" else timestamp
    changes = sandbox.store.custom.delta(
        since,
        offset_of(data_page, limit),
        limit,
        new=readings.updated_new == "included",
        deleted_versions=readings.updated_and_deleted == "sometimes",
    )
    if empty:
        more = bool(changes.updated or changes.deleted)
        changes = DeltaPage([], [], more)
    return raw_json_response(
        b'{"updated":'
        + json_array(as_read(changes.updated, readings.labels))
        + b',"deleted":'
        + json_array(changes.deleted)
        + b',"has_more":'
        + _flag(changes.has_more)
        + b"}"
    )
