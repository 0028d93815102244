"""Custom Contact Source API, stream `contacts`: its endpoints, its records and its state.

`/contacts?limit&page` answers `{"contacts": [...], "has_more": bool}`; `/contacts/delta` with a
`timestamp` answers `{"updated": [...], "deleted": [...], "has_more": bool}`. Full refresh reads
every page of `/contacts`; incremental without a state does the same, then with one reads the
delta (see `reading/full_read.py`, `reading/delta_read.py`). The state is the time the whole read
began less the lookback window, with what `reading/creations.py` keeps of the list's end.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, MutableMapping
from typing import Any

from source_custom_contacts.dates import from_unix, less_lookback, rfc3339
from source_custom_contacts.errors import malformed_response
from source_custom_contacts.normalize import UPDATED_AT, normalize_page
from source_custom_contacts.reading.checkpoint import COMPLETE, Checkpoint, Position
from source_custom_contacts.reading.creations import ListEnd
from source_custom_contacts.reading.delta_moves import Changes, DeltaItems, changes_of
from source_custom_contacts.reading.delta_read import delta_pages, read_delta
from source_custom_contacts.reading.full_read import read_every_page
from source_custom_contacts.reading.pages import Page
from source_custom_contacts.reading.saved_state import unix_seconds, warn_if_ahead
from source_custom_contacts.reading.stream import ReadItem
from source_custom_contacts.streams.base import ContactsStream

STATE_KEY = "timestamp"
# A page's warning names at most this many ids: the log stays readable on a page of a thousand.
MAX_IDS_LOGGED = 10


class CustomContacts(ContactsStream[int]):
    cursor_field = UPDATED_AT
    state_key = STATE_KEY
    schema_file = "custom_contacts"

    def _accept_since(self, value: dict[str, Any]) -> MutableMapping[str, Any]:
        self._since = unix_seconds(self.name, value, STATE_KEY)
        return {STATE_KEY: self._since, **ListEnd.of(value).as_state()}

    def _read_contacts(self, incremental: bool) -> Iterator[ReadItem]:
        resume = None if incremental and self._since is not None else Position.of(self._state)
        started = self._started(resume)
        next_start = less_lookback(started, self._lookback)
        run = self._run(started, rfc3339(started))
        if incremental and self._since is not None:
            warn_if_ahead(self.name, from_unix(self._since), started, next_start, self.logger)
            # A state ahead of the clock reads no change, created contacts included.
            tail = self._since <= started
            read: Generator[ReadItem, None, ListEnd] = read_delta(
                self, self._since, run.seen_at, run.progress, ListEnd.of(self._state), tail
            )
        else:
            read = read_every_page(self, run, resume)
        list_end = yield from run.progress.counted(read)
        run.progress.finished()
        final = {STATE_KEY: next_start.int_timestamp, **list_end.as_state()} if incremental else COMPLETE
        yield Checkpoint(final, final=True)

    def probe(self) -> None:
        """One small page: proves the URL, the credentials and the answer's format."""
        self._client.get_json("/contacts", {"limit": 1, "page": 1})

    def contacts_page(self, number: int) -> Page[list[Any]]:
        answer = self._client.get("/contacts", {"limit": self.served.size, "page": number})
        contacts, has_more = answer.body.get("contacts"), answer.body.get("has_more")
        if not isinstance(contacts, list) or not isinstance(has_more, bool):
            raise malformed_response(
                self._client.api_name,
                f"{self._client.base_url}/contacts",
                'JSON {"contacts": [...], "has_more": bool}',
            )
        self.served.served(len(contacts), has_more)
        return Page(number=number, items=contacts, is_last=not has_more, served_at=answer.served_at)

    def delta_page(self, since: int, number: int) -> Page[DeltaItems]:
        answer = self._client.get(
            "/contacts/delta", {"limit": self.served.size, "page": number, "timestamp": since}
        )
        body = answer.body
        updated, deleted, has_more = body.get("updated"), body.get("deleted"), body.get("has_more")
        if not isinstance(updated, list) or not isinstance(deleted, list) or not isinstance(has_more, bool):
            raise malformed_response(
                self._client.api_name,
                f"{self._client.base_url}/contacts/delta",
                'JSON {"updated": [...], "deleted": [...], "has_more": bool}',
            )
        self.served.served(max(len(updated), len(deleted)), has_more)
        return Page(number=number, items=(updated, deleted), is_last=not has_more, served_at=answer.served_at)

    def changes_since(self, timestamp: int) -> Changes:
        return changes_of(delta_pages(self, timestamp, 1))

    # Records

    def live_records(self, contacts: list[Any], seen_at: str) -> list[dict[str, Any]]:
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
