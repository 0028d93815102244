"""The Company Contacts API's page envelope: `data`, `currentPage`, `totalPages`, `totalRecords`."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from source_custom_contacts.client import ApiClient
from source_custom_contacts.errors import malformed_response
from source_custom_contacts.pagination import Page, fetch_pages_in_order

ENVELOPE = '{"data": [...], "currentPage": n, "totalPages": n}'


def _fetch(client: ApiClient, path: str, page_size: int, search: str | None, number: int) -> Page[list[Any]]:
    params: dict[str, Any] = {"page": number, "limit": page_size}
    if search:
        params["search"] = search
    body = client.get_json(path, params)
    data = body.get("data")
    total_pages = body.get("totalPages")
    if not isinstance(data, list) or not isinstance(total_pages, int) or isinstance(total_pages, bool):
        raise malformed_response(client.api_name, f"{client.base_url}{path}", f"JSON {ENVELOPE}")
    return Page(number=number, items=data, is_last=number >= total_pages, total_pages=total_pages)


def company_pages(
    client: ApiClient, path: str, page_size: int, search: str | None, max_in_flight: int
) -> Iterator[Page[list[Any]]]:
    """Page 1 first; once it tells `totalPages`, the others are fetched in parallel."""
    return fetch_pages_in_order(partial(_fetch, client, path, page_size, search), max_in_flight)
