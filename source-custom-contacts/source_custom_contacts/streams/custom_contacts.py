"""Custom Contact Source API, stream `contacts`.

Full refresh reads every page of /contacts. Incremental reads /contacts/delta from the state's
timestamp: updated contacts become records, deleted ids become tombstones. The state is the
time this sync began less the lookback window, and changes only once every page is read.

Both endpoints page by offset, so a contact that leaves its place during a read moves the later
ones back a place, and one of them can slip into a page already read. Each read closes that hole
by asking the delta what moved meanwhile and reading again from the first page it could touch
(see `delta_moves.py` and `shift_repair.py`).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping, MutableMapping
from functools import partial
from typing import Any

from airbyte_cdk.models import AirbyteMessage, SyncMode

from source_custom_contacts.dates import from_unix, less_lookback, rfc3339
from source_custom_contacts.errors import malformed_response
from source_custom_contacts.normalize import UPDATED_AT, normalize_page, tombstone
from source_custom_contacts.reading.creations import ListEnd, Tally, largest
from source_custom_contacts.reading.delta_moves import Changes, DeltaItems, DeltaMoves, changed, changes_of
from source_custom_contacts.reading.emitted import EmittedIds, EveryId, PageRuns
from source_custom_contacts.reading.list_order import ListOrder
from source_custom_contacts.reading.page_size import ServedPageSize
from source_custom_contacts.reading.pages import Page, fetch_pages_in_order
from source_custom_contacts.reading.passes import read_with_shift_repair
from source_custom_contacts.reading.progress import ReadProgress
from source_custom_contacts.reading.saved_state import unix_seconds, warn_if_ahead
from source_custom_contacts.streams.base import SyncStartStateStream, now_millis, record_message

STATE_KEY = "timestamp"
# A page's warning names at most this many ids: the log stays readable on a page of a thousand.
MAX_IDS_LOGGED = 10
# A delta is usually a few pages: at most one page is asked ahead for every two read, so the
# pages asked past its end are fewer than half of those it has (none or one up to 6 pages).
DELTA_LOOK_AHEAD_SHARE = 0.5


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
        since = unix_seconds(self.name, value, STATE_KEY)
        return {STATE_KEY: since, **ListEnd.of(value).as_state()}, since

    def _records(self, sync_mode: SyncMode, progress: ReadProgress) -> Iterator[AirbyteMessage]:
        self._served = ServedPageSize(self._page_size, self._client.api_name, self.logger)
        started = self._clock()
        seen_at, next_start = rfc3339(started), less_lookback(started, self._lookback)
        if sync_mode == SyncMode.incremental and self._since is not None:
            warn_if_ahead(self.name, from_unix(self._since), started, next_start, self.logger)
            # A state ahead of the clock reads no change, created contacts included.
            tail = self._since <= started
            list_end = yield from self._read_delta(
                self._since, seen_at, progress, ListEnd.of(self._state), tail
            )
        else:
            list_end = yield from self._read_all(seen_at, progress)
        if sync_mode == SyncMode.incremental:
            self._state = {STATE_KEY: next_start.int_timestamp, **list_end.as_state()}

    def probe(self) -> None:
        """One small page: proves the URL, the credentials and the answer's format."""
        self._client.get_json("/contacts", {"limit": 1, "page": 1})

    # Full read

    def _read_all(self, seen_at: str, progress: ReadProgress) -> Generator[AirbyteMessage, None, ListEnd]:
        # Every contact is emitted: remember them compactly (see `PageRuns`).
        emitted = PageRuns()
        order = ListOrder(
            lambda: [str(c.get("id")) for c in self._contacts_page(1).items if isinstance(c, dict)],
            lambda: emitted.near(1),
        )
        moves = self._delta_moves(emitted, order)
        tally = Tally()

        def read_pass(first_page: int) -> Iterator[AirbyteMessage]:
            moves.pass_began(first_page)
            pages = fetch_pages_in_order(self._contacts_page, self._max_in_flight, first_page, _has_no_items)
            name = self.name
            for page in pages:
                moves.page_read(page)
                progress.page_read(page)
                number, emitted_at = page.number, now_millis()
                seen = emitted.seen_near(number)
                records = self._live_records(page.items, seen_at)
                order.page_read(record["id"] for record in records)
                tally.passed(record["id"] for record in records)
                for record in records:
                    contact_id = record["id"]
                    if contact_id not in seen:
                        emitted.emitted(number, contact_id)
                        tally.saw(contact_id)
                        yield record_message(name, record, emitted_at)

        yield from read_with_shift_repair(read_pass, moves.first_shifted_page, self.logger)
        return ListEnd(tally.count, tally.last_id, marks=tuple(tally.marks))

    def _delta_moves(self, emitted: EmittedIds, order: ListOrder | None = None) -> DeltaMoves:
        return DeltaMoves(self._changes_since, emitted, self._served, self._clock, order)

    def _changes_since(self, timestamp: int) -> Changes:
        return changes_of(self._delta_pages(timestamp, 1))

    def _contacts_page(self, number: int) -> Page[list[Any]]:
        answer = self._client.get("/contacts", {"limit": self._served.size, "page": number})
        contacts, has_more = answer.body.get("contacts"), answer.body.get("has_more")
        if not isinstance(contacts, list) or not isinstance(has_more, bool):
            raise malformed_response(
                self._client.api_name,
                f"{self._client.base_url}/contacts",
                'JSON {"contacts": [...], "has_more": bool}',
            )
        self._served.served(len(contacts), has_more)
        return Page(number=number, items=contacts, is_last=not has_more, served_at=answer.served_at)

    # Delta: a contact updated or deleted during the read leaves its place in `updated` for the end
    # of a list, as in /contacts ordered by last change. Deleted ids only ever join the end of
    # `deleted`.

    def _read_delta(
        self, since: int, seen_at: str, progress: ReadProgress, list_end: ListEnd, tail: bool
    ) -> Generator[AirbyteMessage, None, ListEnd]:
        """The delta since the state, then, unless `tail` is False or the delta has been seen to
        carry new contacts, the tail of /contacts, where new contacts are (see `creations.py`)."""
        tombstoned: set[str] = set()
        updated_ids = Tally()
        # A changed contact moves to the end of the list, far from the page it was emitted on:
        # remember every id (a delta holds only the changes, so this stays small).
        emitted = EveryId()
        moves = self._delta_moves(emitted)

        # The state means "changed at or after this second"; a server may read the delta's "since"
        # as after the whole second, so ask from the one before (what it repeats, we emit again).
        asked_since = max(0, since - 1)

        def read_pass(first_page: int) -> Iterator[AirbyteMessage]:
            moves.pass_began(first_page)
            name = self.name
            for page in self._delta_pages(asked_since, first_page):
                moves.page_read(page)
                progress.page_read(page)
                for contact_id, became in changed(page.items):
                    moves.saw(contact_id, became)
                updated, deleted = page.items
                number, emitted_at = page.number, now_millis()
                seen = emitted.seen_near(number)
                # A contact the delta lists deleted ends deleted, whichever list or page names it
                # first: no live record follows its tombstone, nor shares its page.
                deleted_ids = [str(raw_id) for raw_id in deleted]
                deleted_here = set(deleted_ids)
                for record in self._live_records(updated, seen_at):
                    contact_id = record["id"]
                    if (
                        contact_id not in seen
                        and contact_id not in tombstoned
                        and contact_id not in deleted_here
                    ):
                        emitted.emitted(number, contact_id)
                        updated_ids.saw(contact_id)
                        yield record_message(name, record, emitted_at)
                for contact_id in deleted_ids:
                    if contact_id not in tombstoned:
                        tombstoned.add(contact_id)
                        yield record_message(name, tombstone(contact_id, seen_at), emitted_at)

        yield from read_with_shift_repair(read_pass, moves.first_shifted_page, self.logger)
        last_id = largest(list_end.last_id, updated_ids.last_id)
        if not tail or list_end.new_in_delta:
            return list_end
        if updated_ids.last_id is not None and list_end.proven_by(str(updated_ids.last_id)):
            return ListEnd(list_end.contacts, last_id, new_in_delta=True)
        first_page = list_end.tail_page(len(tombstoned) + updated_ids.count, self._served.size)
        # The marks that did not change must be in the tail, unless the list was reshuffled.
        marks = set(list_end.marks) - set(emitted.first_pages(list_end.marks)) - tombstoned
        new = Tally()
        seen = yield from self._read_tail(first_page, seen_at, progress, list_end, emitted, tombstoned, new)
        if first_page > 1 and not marks <= seen:
            self.logger.info(
                "The last contacts of the list at the sync before are no longer at its end, though "
                "they did not change: its order is unstable, so every page is read for new contacts."
            )
            yield from self._read_tail(1, seen_at, progress, list_end, emitted, tombstoned, new)
        remaining = max(0, (list_end.contacts or 0) - len(tombstoned))
        return ListEnd(remaining + new.count, largest(last_id, new.last_id), marks=tuple(new.marks))

    def _read_tail(
        self,
        first_page: int,
        seen_at: str,
        progress: ReadProgress,
        list_end: ListEnd,
        emitted: EveryId,
        tombstoned: set[str],
        new: Tally,
    ) -> Generator[AirbyteMessage, None, set[str]]:
        """The contacts created since `list_end` was kept, read from `first_page` of /contacts to
        its end and told to `new`; returns every id read."""
        seen: set[str] = set()
        for page in fetch_pages_in_order(self._contacts_page, self._max_in_flight, first_page, _has_no_items):
            progress.page_read(page)
            emitted_at = now_millis()
            records = self._live_records(page.items, seen_at)
            new.passed(record["id"] for record in records)
            for record in records:
                contact_id = record["id"]
                seen.add(contact_id)
                if contact_id in tombstoned or not list_end.is_new(contact_id):
                    continue
                if contact_id not in emitted.seen_near(page.number):
                    emitted.emitted(page.number, contact_id)
                    new.saw(contact_id)
                    yield record_message(self.name, record, emitted_at)
        return seen

    def _delta_pages(self, since: int, first_page: int) -> Iterator[Page[DeltaItems]]:
        return fetch_pages_in_order(
            partial(self._delta_page, since),
            self._max_in_flight,
            first_page,
            _has_no_items,
            look_ahead_share=DELTA_LOOK_AHEAD_SHARE,
        )

    def _delta_page(self, since: int, number: int) -> Page[DeltaItems]:
        answer = self._client.get(
            "/contacts/delta", {"limit": self._served.size, "page": number, "timestamp": since}
        )
        body = answer.body
        updated, deleted, has_more = body.get("updated"), body.get("deleted"), body.get("has_more")
        if not isinstance(updated, list) or not isinstance(deleted, list) or not isinstance(has_more, bool):
            raise malformed_response(
                self._client.api_name,
                f"{self._client.base_url}/contacts/delta",
                'JSON {"updated": [...], "deleted": [...], "has_more": bool}',
            )
        self._served.served(max(len(updated), len(deleted)), has_more)
        return Page(number=number, items=(updated, deleted), is_last=not has_more, served_at=answer.served_at)

    # Records

    def _live_records(self, contacts: list[Any], seen_at: str) -> list[dict[str, Any]]:
        page = normalize_page(contacts, seen_at)
        if page.without_id:
            # Reported by the fields they carry, never by their values: those are a person's data.
            fields = sorted(
                {key for contact in page.without_id if isinstance(contact, dict) for key in contact}
            )
            self.logger.error(
                f"Skipped {len(page.without_id)} contact(s) the API returned without an id (fields: "
                f"{', '.join(fields) or 'none'}): without one a contact can be neither deduplicated nor "
                "deleted; report it to the API's owner."
            )
        incomplete = page.incomplete_ids
        if incomplete:
            shown = ", ".join(incomplete[:MAX_IDS_LOGGED])
            more = f" and {len(incomplete) - MAX_IDS_LOGGED} more" if len(incomplete) > MAX_IDS_LOGGED else ""
            self.logger.warning(
                f"Contact(s) {shown}{more} lack the first_name or last_name the API documents as required; "
                "emitted as they are."
            )
        return page.records
