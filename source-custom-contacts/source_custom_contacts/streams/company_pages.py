"""The Company Contacts API's page envelope: `data`, `currentPage`, `totalPages`, `totalRecords`.

`data` and `totalPages` are required; `totalRecords` is kept when it is a number, as the repair of
pages shifted during a read counts on it (see `streams/company_moves.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from source_custom_contacts.client import ApiClient
from source_custom_contacts.errors import malformed_response
from source_custom_contacts.reading.page_size import ServedPageSize
from source_custom_contacts.reading.pages import Page, fetch_pages_in_order

ENVELOPE = '{"data": [...], "currentPage": n, "totalPages": n}'


def _fetch(
    client: ApiClient, path: str, page_size: ServedPageSize, search: str | None, number: int
) -> Page[list[Any]]:
    params: dict[str, Any] = {"page": number, "limit": page_size.size}
    if search:
        params["search"] = search
    answer = client.get(path, params)
    data = answer.body.get("data")
    total_pages = _count(answer.body.get("totalPages"))
    if not isinstance(data, list) or total_pages is None:
        raise malformed_response(client.api_name, f"{client.base_url}{path}", f"JSON {ENVELOPE}")
    page_size.served(len(data), number < total_pages)
    return Page(
        number=number,
        items=data,
        is_last=number >= total_pages,
        total_pages=total_pages,
        total_items=_count(answer.body.get("totalRecords")),
        served_at=answer.served_at,
    )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def company_pages(
    client: ApiClient,
    path: str,
    page_size: ServedPageSize,
    search: str | None,
    max_in_flight: int,
    first_page: int = 1,
) -> Iterator[Page[list[Any]]]:
    """The first page alone; once it tells `totalPages`, the others are fetched in parallel."""
    return fetch_pages_in_order(partial(_fetch, client, path, page_size, search), max_in_flight, first_page)
