"""The Client Contacts list: its filters, order and page size, as the readings in force read them."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from contacts_sandbox.readings import ApiReadings
from contacts_sandbox.responses import ApiError
from contacts_sandbox.routers.client_contacts_fields import API, SERVER_FIELDS, WRITABLE
from contacts_sandbox.store import DocumentStore

SORTABLE = WRITABLE | SERVER_FIELDS
FILTERS = frozenset(
    {"page", "per_page", "sort", "ids", "search", "name"}
    | {"from_updatedAt", "to_updatedAt", "from__id", "to__id"}
)
PER_PAGE_CAP = 20


@functools.lru_cache(maxsize=65536)
def _epoch_ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def _sort_key(field: str) -> Any:
    def key(document: dict[str, Any]) -> tuple[bool, Any]:
        value = document.get(field)
        # Missing values sort first, as MongoDB does; mixed types compare by their text.
        return (value is not None, value if isinstance(value, str | int | float) else str(value))

    return key


def reject_unknown_filters(names: Iterable[str], readings: ApiReadings) -> None:
    """`unknown_filters=refused`: a parameter the document does not name is a 400."""
    if readings.unknown_filters != "refused":
        return
    unknown = sorted(set(names) - FILTERS)
    if unknown:
        raise ApiError(API, 400, f"unknown filter {unknown[0]!r}; filters: {', '.join(sorted(FILTERS))}")


def page_size(per_page: int, readings: ApiReadings) -> int:
    """`per_page_cap=20`: a larger page is silently cut to 20 (and the pagination says so)."""
    return min(per_page, PER_PAGE_CAP) if readings.per_page_cap == "20" else per_page


def wanted_ids(values: list[str] | None, readings: ApiReadings) -> set[str] | None:
    """`ids`: `commas` splits each value at commas; `repeated` takes one id per value, as the
    document's string-or-array type reads (a comma is part of the id)."""
    if not values:
        return None
    if readings.ids == "repeated":
        return set(values)
    return {part.strip() for value in values for part in value.split(",") if part.strip()}


def documents(store: DocumentStore, readings: ApiReadings) -> list[dict[str, Any]]:
    """Every document in the default order: by `_id` (creation), or by last change, oldest first
    (a write moves a document to the end)."""
    return store.by_change() if readings.default_order == "updated" else store.all()


def matching_name(found: list[dict[str, Any]], search: str, readings: ApiReadings) -> list[dict[str, Any]]:
    if readings.search == "same_case":
        return [doc for doc in found if search in (doc.get("name") or "")]
    needle = search.casefold()
    return [doc for doc in found if needle in (doc.get("name") or "").casefold()]


def updated_from(found: list[dict[str, Any]], since_ms: int, readings: ApiReadings) -> list[dict[str, Any]]:
    """`from_updated`: `at_or_after` takes that very millisecond, `after` only later ones."""
    after = since_ms + 1 if readings.from_updated == "after" else since_ms
    return [doc for doc in found if _epoch_ms(doc["updatedAt"]) >= after]


def updated_before(found: list[dict[str, Any]], before_ms: int) -> list[dict[str, Any]]:
    return [doc for doc in found if _epoch_ms(doc["updatedAt"]) < before_ms]


def sorted_by(found: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    field = sort.removeprefix("-")
    if field not in SORTABLE:
        raise ApiError(API, 400, f"sort must be one of: {', '.join(sorted(SORTABLE))} (prefix - to descend)")
    return sorted(found, key=_sort_key(field), reverse=sort.startswith("-"))
