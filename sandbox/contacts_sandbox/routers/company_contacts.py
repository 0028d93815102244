"""Company Contacts API: read-only contacts and tags, scoped to the company of the API key."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from contacts_sandbox.auth import require_company_key
from contacts_sandbox.readings import ApiReadings
from contacts_sandbox.responses import json_array, raw_json_response
from contacts_sandbox.routers.params import LIMIT, PAGE, offset_of, page_count, query_parameters
from contacts_sandbox.state import sandbox_from
from contacts_sandbox.store import dumps

Company = Annotated[str, Depends(require_company_key)]
API = "company"
Route = Callable[..., Awaitable[Response]]
LIMIT_CAP = 50
# A time field's value up to its zone: what `times=naive` keeps.
ZONED_TIME = re.compile(rb'("(?:created_at|updated_at)":"[^"]*?)Z"')


def _search(description: str) -> dict[str, Any]:
    schema = {"type": "string"}
    return {"name": "search", "in": "query", "required": False, "description": description, "schema": schema}


SEARCH_PARAMETER = _search(
    "Case-insensitive substring of first_name, last_name, email, phone_number, phone_number_lid "
    "or a tag name."
)
TAG_SEARCH_PARAMETER = _search("Case-insensitive substring of the tag name.")

router = APIRouter(
    prefix="/company", tags=["Company Contacts API"], dependencies=[Depends(require_company_key)]
)


def _paged(path: str, summary: str, search: dict[str, Any]) -> Callable[[Route], Route]:
    """Registers a route answering one page (`page`, `limit`, `search`) at GET and HEAD `path`."""

    def register(route: Route) -> Route:
        parameters = query_parameters(PAGE, LIMIT, extra=[search])
        router.head(path, include_in_schema=False)(route)
        return router.get(path, summary=summary, openapi_extra=parameters)(route)

    return register


def _page_and_limit(request: Request, readings: ApiReadings) -> tuple[int, int]:
    """`limit_cap=50`: a larger limit is silently served as 50 (totalPages counts pages of 50)."""
    limit = LIMIT.read(request, API)
    return PAGE.read(request, API), min(limit, LIMIT_CAP) if readings.limit_cap == "50" else limit


def _envelope(items: list[bytes], page: int, limit: int, total: int, readings: ApiReadings) -> Response:
    tail = b',"currentPage":%d,"totalPages":%d,"totalRecords":%d}' % (page, page_count(total, limit), total)
    data = json_array(items)
    if readings.times == "naive":
        # `naive`: times as a server writing its database's local timestamps answers them, no zone.
        data = ZONED_TIME.sub(rb'\1"', data)
    return raw_json_response(b'{"data":' + data + tail)


@_paged(
    "/api/v1/contacts",
    "The company's contacts: by id, or by updated_at then id (company.page_order)",
    SEARCH_PARAMETER,
)
async def contacts(request: Request, company: Company) -> Response:
    sandbox = sandbox_from(request)
    readings = sandbox.readings.company
    page, limit = _page_and_limit(request, readings)
    search = request.query_params.get("search")
    # `any`: the document names no order; by last change, an update during a read moves a contact.
    items, total = sandbox.store.company.contacts_page(
        company, search, offset_of(page, limit), limit, by_change=readings.page_order == "any"
    )
    return _envelope(items, page, limit, total, readings)


@_paged("/api/v1/contacts/tags", "The company's tags, with usage counts", TAG_SEARCH_PARAMETER)
async def tags(request: Request, company: Company) -> Response:
    sandbox = sandbox_from(request)
    readings = sandbox.readings.company
    page, limit = _page_and_limit(request, readings)
    matching = sandbox.store.company.tags(company, request.query_params.get("search"))
    offset = offset_of(page, limit)
    items = [dumps(tag) for tag in matching[offset : offset + limit]]
    return _envelope(items, page, limit, len(matching), readings)
