"""Company Contacts API: read-only contacts and tags, scoped to the company of the API key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from contacts_sandbox.auth import require_company_key
from contacts_sandbox.responses import json_array, raw_json_response
from contacts_sandbox.routers.params import Limit, Page, offset_of, page_count
from contacts_sandbox.state import Sandbox, sandbox_of
from contacts_sandbox.store import dumps

SandboxDep = Annotated[Sandbox, Depends(sandbox_of)]
Company = Annotated[str, Depends(require_company_key)]
Search = Annotated[str | None, Query(description="Case-insensitive substring.")]

router = APIRouter(
    prefix="/company", tags=["Company Contacts API"], dependencies=[Depends(require_company_key)]
)


def _envelope(items: list[bytes], page: int, limit: int, total: int) -> Response:
    tail = b',"currentPage":%d,"totalPages":%d,"totalRecords":%d}' % (page, page_count(total, limit), total)
    return raw_json_response(b'{"data":' + json_array(items) + tail)


@router.get("/api/v1/contacts", summary="The company's contacts, ordered by id")
@router.head("/api/v1/contacts", include_in_schema=False)
async def contacts(
    sandbox: SandboxDep, company: Company, page: Page = 1, limit: Limit = 10, search: Search = None
) -> Response:
    items, total = sandbox.store.company.contacts_page(company, search, offset_of(page, limit), limit)
    return _envelope(items, page, limit, total)


@router.get("/api/v1/contacts/tags", summary="The company's tags, with usage counts")
@router.head("/api/v1/contacts/tags", include_in_schema=False)
async def tags(
    sandbox: SandboxDep, company: Company, page: Page = 1, limit: Limit = 10, search: Search = None
) -> Response:
    matching = sandbox.store.company.tags(company, search)
    offset = offset_of(page, limit)
    return _envelope([dumps(tag) for tag in matching[offset : offset + limit]], page, limit, len(matching))
