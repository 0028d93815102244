"""Company Contacts API, stream `contacts`: contacts with their tags.

`/api/v1/contacts?page&limit[&search]` answers `{"data": [...], "currentPage": n, "totalPages": n,
"totalRecords": n}`; `data` and `totalPages` are required, and `totalRecords` is kept when it is a
number (the read's move repair and its ESTIMATE count on it). The API cannot filter by time, so
incremental reads every page and emits what changed since the state. The state is the time the
whole read began less the lookback window, not the newest `updated_at` seen: a contact updated
during the read, on a page already passed, would otherwise be skipped for good. The API reports
no deletions, so incremental cannot carry them. The read is in `reading/company_read.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from datetime import datetime
from typing import Any

from source_custom_contacts.client import ApiClient
from source_custom_contacts.dates import less_lookback, parse_time, rfc3339
from source_custom_contacts.errors import malformed_response
from source_custom_contacts.reading.checkpoint import COMPLETE, Checkpoint, Position
from source_custom_contacts.reading.company_read import read_company_pages
from source_custom_contacts.reading.page_size import ServedPageSize
from source_custom_contacts.reading.pages import Page
from source_custom_contacts.reading.saved_state import MILLISECONDS_FROM, unreadable_state, warn_if_ahead
from source_custom_contacts.reading.stream import ReadItem
from source_custom_contacts.streams.base import ContactsStream, Paging

CURSOR = "updated_at"
ENVELOPE = '{"data": [...], "currentPage": n, "totalPages": n}'


def company_page(
    client: ApiClient, path: str, served: ServedPageSize, search: str | None, number: int
) -> Page[list[Any]]:
    params: dict[str, Any] = {"page": number, "limit": served.size}
    if search:
        params["search"] = search
    answer = client.get(path, params)
    data = answer.body.get("data")
    total_pages = _count(answer.body.get("totalPages"))
    if not isinstance(data, list) or total_pages is None:
        raise malformed_response(client.api_name, f"{client.base_url}{path}", f"JSON {ENVELOPE}")
    served.served(len(data), number < total_pages)
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


class CompanyContacts(ContactsStream[datetime]):
    cursor_field = CURSOR
    state_key = CURSOR
    schema_file = "company_contacts"
    path = "/api/v1/contacts"

    def __init__(self, paging: Paging, search: str | None, lookback_window_seconds: int) -> None:
        super().__init__(paging, lookback_window_seconds)
        self._search = search
        self.searching = bool(search)

    def _accept_since(self, value: dict[str, Any]) -> MutableMapping[str, Any]:
        saved = value.get(CURSOR)
        self._since = parse_time(saved)
        if self._since is None:
            raise unreadable_state(self.name, value, '{"updated_at": "<RFC 3339 time>"}', _why(saved))
        return value

    def _read_contacts(self, incremental: bool) -> Iterator[ReadItem]:
        resume = Position.of(self._state)
        started = self._started(resume)
        next_start = less_lookback(started, self._lookback)
        since = self._since if incremental else None
        kept = {CURSOR: self._state[CURSOR]} if since is not None else {}
        if since is not None:
            warn_if_ahead(self.name, since, started, next_start, self.logger)
        run = self._run(started, rfc3339(started), **kept)
        keep = (lambda items: items) if since is None else (lambda items: self._changed(items, since))
        # The list's size estimates the records of a read that emits every contact, not of one
        # that emits only what changed.
        yield from run.progress.counted(read_company_pages(self, run, resume, keep, since is None))
        run.progress.finished()
        yield Checkpoint({CURSOR: rfc3339(next_start)} if incremental else COMPLETE, final=True)

    def probe(self) -> None:
        """One small page: proves the URL, the API key and the answer's format."""
        self._client.get_json(self.path, {"page": 1, "limit": 1})

    def list_page(self, number: int) -> Page[list[Any]]:
        return company_page(self._client, self.path, self.served, self._search, number)

    def _changed(self, contacts: list[Any], since: datetime) -> Iterable[Mapping[str, Any]]:
        for contact in contacts:
            if not isinstance(contact, dict):
                yield contact  # not a record at all: page_messages reports it
                continue
            updated_at = parse_time(contact.get(CURSOR))
            if updated_at is None:
                # Without a readable time we cannot tell it is unchanged: emitting it loses nothing.
                self.logger.warning(
                    "Contact %r has no readable updated_at (%r); emitting it.",
                    contact.get("id"),
                    contact.get(CURSOR),
                )
                yield contact
            elif updated_at >= since:
                yield contact


def _why(saved: Any) -> str:
    if isinstance(saved, int | float) and not isinstance(saved, bool):
        unit = "milliseconds" if saved >= MILLISECONDS_FROM else "seconds"
        return f"a UNIX time in {unit}, not a text"
    return ""
