"""Company Contacts API, stream `contacts`: contacts with their tags.

The API cannot filter by time, so incremental reads every page and emits what changed since
the state. The state is the time the sync began less the lookback window, not the newest
`updated_at` seen: a contact updated during the read, on a page already passed, would
otherwise be skipped for good. The API reports no deletions, so incremental cannot carry them.

Both modes read every page, and a contact that moves during the read can make a later one slip
into a page already read: each read repairs that from what its pages show (see
`company_moves.py` and `shift_repair.py`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from datetime import datetime
from typing import Any

from airbyte_cdk.models import SyncMode
from airbyte_cdk.sources.streams.core import StreamData

from source_custom_contacts.auth import Clock
from source_custom_contacts.client import ApiClient
from source_custom_contacts.dates import less_lookback, parse_time, rfc3339
from source_custom_contacts.reading.company_moves import EnvelopeMoves
from source_custom_contacts.reading.emitted import PageRuns
from source_custom_contacts.reading.page_size import ServedPageSize
from source_custom_contacts.reading.passes import read_with_shift_repair
from source_custom_contacts.reading.progress import ReadProgress
from source_custom_contacts.reading.saved_state import MILLISECONDS_FROM, unreadable_state, warn_if_ahead
from source_custom_contacts.streams.base import SyncStartStateStream, page_messages, row_estimate
from source_custom_contacts.streams.company_pages import company_pages

CURSOR = "updated_at"


class CompanyContacts(SyncStartStateStream[datetime]):
    name = "contacts"
    primary_key = "id"
    cursor_field = CURSOR
    schema_file = "company_contacts"

    def __init__(
        self,
        client: ApiClient,
        page_size: int,
        search: str | None,
        lookback_window_seconds: int,
        max_in_flight: int,
        clock: Clock = time.time,
    ) -> None:
        super().__init__(client, page_size, lookback_window_seconds, max_in_flight, clock)
        self._search = search

    def _read_state(self, value: Mapping[str, Any]) -> tuple[MutableMapping[str, Any], datetime]:
        saved = value.get(CURSOR)
        since = parse_time(saved)
        if since is None:
            raise unreadable_state(self.name, value, '{"updated_at": "<RFC 3339 time>"}', _why(saved))
        return dict(value), since

    def _records(self, sync_mode: SyncMode, progress: ReadProgress) -> Iterator[StreamData]:
        started = self._clock()
        next_start = less_lookback(started, self._lookback)
        since = self._since if sync_mode == SyncMode.incremental else None
        if since is not None:
            warn_if_ahead(self.name, since, started, next_start, self.logger)
        # Every contact seen is remembered, emitted or not: where it was tells a move.
        seen = PageRuns()
        page_size = ServedPageSize(self._page_size, self._client.api_name, self.logger)
        moves = EnvelopeMoves(seen, page_size, bool(self._search), self._clock, self.logger)
        # The list's size estimates the records of a read that emits every contact, not of one
        # that emits only what changed.
        estimate_due = since is None

        def read_pass(first_page: int) -> Iterator[StreamData]:
            nonlocal estimate_due
            moves.pass_began(first_page)
            pages = company_pages(
                self._client,
                "/api/v1/contacts",
                page_size,
                self._search,
                self._max_in_flight,
                first_page,
            )
            for page in pages:
                moves.page_read(page)
                progress.page_read(page)
                if estimate_due and page.total_items is not None:
                    estimate_due = False
                    yield row_estimate(self.name, page.total_items)
                number, near, unseen = page.number, seen.seen_near(page.number), []
                for item in page.items:
                    if item.__class__ is dict and "id" in item:
                        contact_id = str(item["id"])
                        moves.contact_seen(number, item)
                        if contact_id in near:
                            continue
                        seen.emitted(number, contact_id)
                    unseen.append(item)
                items = unseen if since is None else self._changed(unseen, since)
                yield from page_messages(self.name, items, self.logger)

        yield from read_with_shift_repair(read_pass, moves.first_shifted_page, self.logger)
        if sync_mode == SyncMode.incremental:
            self._state = {CURSOR: rfc3339(next_start)}

    def probe(self) -> None:
        """One small page: proves the URL, the API key and the answer's format."""
        self._client.get_json("/api/v1/contacts", {"page": 1, "limit": 1})

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
