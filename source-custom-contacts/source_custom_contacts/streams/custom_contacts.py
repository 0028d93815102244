"""Custom Contact Source API, stream `contacts`.

Full refresh reads every page of /contacts. Incremental reads /contacts/delta from the state's
timestamp: updated contacts become records, deleted ids become tombstones. The state is the
time this sync began less the lookback window, and changes only once every page is read.

Both endpoints page by offset, so a contact that leaves its place during a read moves the later
ones back a place, and one of them can slip into a page already read. Each read closes that hole
by asking the delta what moved meanwhile and reading again from the first page it could touch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from functools import partial
from typing import Any

from airbyte_cdk.models import AirbyteMessage, SyncMode

from source_custom_contacts.errors import malformed_response
from source_custom_contacts.normalize import UPDATED_AT, normalize_page, tombstone
from source_custom_contacts.pagination import Page, fetch_pages_in_order
from source_custom_contacts.streams.base import (
    SyncStartStateStream,
    now_millis,
    record_message,
    rfc3339,
    unreadable_state,
)
from source_custom_contacts.streams.emitted import EmittedIds, EveryId, PageRuns

STATE_KEY = "timestamp"
# Rounds of re-reading after contacts moved during a read; each round covers the moves made
# during the one before, so more than a few only happen under constant churn.
MAX_REPAIR_ROUNDS = 3

DeltaItems = tuple[list[Any], list[Any]]


def _has_no_items(items: DeltaItems | list[Any]) -> bool:
    if isinstance(items, tuple):
        return not items[0] and not items[1]
    return not items


class CustomContacts(SyncStartStateStream[int]):
    name = "contacts"
    primary_key = "id"
    cursor_field = UPDATED_AT
    schema_file = "custom_contacts"

    def _read_state(self, value: Mapping[str, Any]) -> tuple[MutableMapping[str, Any], int]:
        since = value.get(STATE_KEY)
        if isinstance(since, bool) or not isinstance(since, int) or since < 0:
            raise unreadable_state(self.name, value, '{"timestamp": <UNIX seconds>}')
        return {STATE_KEY: since}, since

    def read_records(
        self,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_slice: Mapping[str, Any] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[AirbyteMessage]:
        """Yields record messages rather than dicts: see `record_message`."""
        started = int(self._clock())
        seen_at = rfc3339(started)
        if sync_mode == SyncMode.incremental and self._since is not None:
            yield from self._read_delta(self._since, started, seen_at)
        else:
            yield from self._read_all(started, seen_at)
        if sync_mode == SyncMode.incremental:
            self._state = {STATE_KEY: max(0, started - self._lookback)}

    def probe(self) -> None:
        """One small page: proves the URL, the credentials and the answer's format."""
        self._client.get_json("/contacts", {"limit": 1, "page": 1})

    # Both lists page by offset: a contact that leaves the list during a read moves every later
    # one back a place, and the one that crosses into a page already read would be missed. After
    # a pass we ask the delta what moved since the pass began; if we had emitted one of those,
    # we pass again from its page, emitting only ids not emitted yet.

    def _read_with_shift_repair(
        self,
        read_pass: Callable[[int, EmittedIds], Iterator[AirbyteMessage]],
        moved_since: Callable[[int], set[str]],
        started: int,
        emitted: EmittedIds,
    ) -> Iterator[AirbyteMessage]:
        first_page, pass_began = 1, started
        for _ in range(MAX_REPAIR_ROUNDS + 1):
            yield from read_pass(first_page, emitted)
            checked_at = int(self._clock())
            shifted_pages = emitted.pages_of(moved_since(pass_began))
            if not shifted_pages:
                return
            first_page, pass_began = min(shifted_pages), checked_at
            self.logger.info(
                "%d emitted contacts left the list during the read, so later ones moved back a place; "
                "reading again from page %d for any that slipped past.",
                len(shifted_pages),
                first_page,
            )
        self.logger.warning(
            "Contacts kept changing during %d re-reads; one may have slipped between pages. "
            "The next sync reads it if it changes again, a full refresh in any case.",
            MAX_REPAIR_ROUNDS,
        )

    # Full read: /contacts is ordered by id, so only deletions move contacts.

    def _read_all(self, started: int, seen_at: str) -> Iterator[AirbyteMessage]:
        def read_pass(first_page: int, emitted: EmittedIds) -> Iterator[AirbyteMessage]:
            pages = fetch_pages_in_order(self._contacts_page, self._max_in_flight, first_page, _has_no_items)
            name = self.name
            for page in pages:
                number, emitted_at = page.number, now_millis()
                seen = emitted.seen_near(number)
                for record in self._live_records(page.items, seen_at):
                    contact_id = record["id"]
                    if contact_id not in seen:
                        emitted.emitted(number, contact_id)
                        yield record_message(name, record, emitted_at)

        def deleted_since(timestamp: int) -> set[str]:
            return {str(i) for page in self._delta_pages(timestamp, 1) for i in page.items[1]}

        # Every contact is emitted: remember them compactly (see `PageRuns`).
        return self._read_with_shift_repair(read_pass, deleted_since, started, PageRuns())

    def _contacts_page(self, number: int) -> Page[list[Any]]:
        body = self._client.get_json("/contacts", {"limit": self._page_size, "page": number})
        contacts, has_more = body.get("contacts"), body.get("has_more")
        if not isinstance(contacts, list) or not isinstance(has_more, bool):
            raise malformed_response(
                self._client.api_name,
                f"{self._client.base_url}/contacts",
                'JSON {"contacts": [...], "has_more": bool}',
            )
        return Page(number=number, items=contacts, is_last=not has_more)

    # Delta

    # Delta: ordered by change time, so a contact updated or deleted during the read leaves its
    # place in `updated` for the end of a list. Deleted ids only ever join the end of `deleted`.

    def _read_delta(self, since: int, started: int, seen_at: str) -> Iterator[AirbyteMessage]:
        tombstoned: set[str] = set()

        def read_pass(first_page: int, emitted: EmittedIds) -> Iterator[AirbyteMessage]:
            name = self.name
            for page in self._delta_pages(since, first_page):
                updated, deleted = page.items
                number, emitted_at = page.number, now_millis()
                seen = emitted.seen_near(number)
                for record in self._live_records(updated, seen_at):
                    contact_id = record["id"]
                    if contact_id not in seen:
                        emitted.emitted(number, contact_id)
                        yield record_message(name, record, emitted_at)
                for raw_id in deleted:
                    contact_id = str(raw_id)
                    if contact_id not in tombstoned:
                        tombstoned.add(contact_id)
                        yield record_message(name, tombstone(contact_id, seen_at), emitted_at)

        def changed_since(timestamp: int) -> set[str]:
            changed: set[str] = set()
            for page in self._delta_pages(timestamp, 1):
                updated, deleted = page.items
                changed.update(str(c.get("id")) for c in updated if isinstance(c, dict))
                changed.update(str(i) for i in deleted)
            return changed

        # A changed contact moves to the end of the list, far from the page it was emitted on:
        # remember every id (a delta holds only the changes, so this stays small).
        return self._read_with_shift_repair(read_pass, changed_since, started, EveryId())

    def _delta_pages(self, since: int, first_page: int) -> Iterator[Page[DeltaItems]]:
        return fetch_pages_in_order(
            partial(self._delta_page, since), self._max_in_flight, first_page, _has_no_items
        )

    def _delta_page(self, since: int, number: int) -> Page[DeltaItems]:
        body = self._client.get_json(
            "/contacts/delta", {"limit": self._page_size, "page": number, "timestamp": since}
        )
        updated, deleted, has_more = body.get("updated"), body.get("deleted"), body.get("has_more")
        if not isinstance(updated, list) or not isinstance(deleted, list) or not isinstance(has_more, bool):
            raise malformed_response(
                self._client.api_name,
                f"{self._client.base_url}/contacts/delta",
                'JSON {"updated": [...], "deleted": [...], "has_more": bool}',
            )
        return Page(number=number, items=(updated, deleted), is_last=not has_more)

    # Records

    def _live_records(self, contacts: list[Any], seen_at: str) -> list[dict[str, Any]]:
        page = normalize_page(contacts, seen_at)
        for contact in page.without_id:
            self.logger.error("Skipping a contact the API returned without an id: %r", contact)
        for contact_id in page.incomplete_ids:
            self.logger.warning(
                "Contact %s lacks a required first_name or last_name; emitting it as is.", contact_id
            )
        return page.records
