"""The Custom Contact Source API's read of changes: every page of the delta since the state, with
tombstones, and, until the delta has shown that it carries new contacts, the tail of `/contacts`
where they are (see `creations.py`).

A contact updated or deleted during the read leaves its place in `updated` for the end of a list,
as in `/contacts` ordered by last change; deleted ids only ever join the end of `deleted`. The
read is short (its changes' pages), so it is not checkpointed: a failed one is read again from
the state before it.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from functools import partial

from source_custom_contacts.normalize import tombstone
from source_custom_contacts.reading.creations import ListEnd, Tally, largest
from source_custom_contacts.reading.delta_moves import DeltaItems, DeltaMoves, changed
from source_custom_contacts.reading.emitted import EveryId
from source_custom_contacts.reading.full_read import CustomPages, has_no_items
from source_custom_contacts.reading.messages import now_millis, record_message
from source_custom_contacts.reading.pages import Page, fetch_pages_in_order
from source_custom_contacts.reading.passes import read_with_shift_repair
from source_custom_contacts.reading.progress import ReadProgress
from source_custom_contacts.reading.stream import ReadItem

# A delta is usually a few pages: at most one page is asked ahead for every two read, so the
# pages asked past its end are fewer than half of those it has (none or one up to 6 pages).
DELTA_LOOK_AHEAD_SHARE = 0.5


def delta_pages(api: CustomPages, since: int, first_page: int) -> Iterator[Page[DeltaItems]]:
    return fetch_pages_in_order(
        partial(api.delta_page, since),
        api.max_in_flight,
        first_page,
        has_no_items,
        look_ahead_share=DELTA_LOOK_AHEAD_SHARE,
    )


def read_delta(
    api: CustomPages, since: int, seen_at: str, progress: ReadProgress, list_end: ListEnd, tail: bool
) -> Generator[ReadItem, None, ListEnd]:
    """The delta since the state, then, unless `tail` is False or the delta has been seen to
    carry new contacts, the tail of /contacts, where new contacts are (see `creations.py`)."""
    tombstoned: set[str] = set()
    updated_ids = Tally()
    # A changed contact moves to the end of the list, far from the page it was emitted on:
    # remember every id (a delta holds only the changes, so this stays small).
    emitted = EveryId()
    moves = DeltaMoves(api.changes_since, emitted, api.served, api.clock)

    # The state means "changed at or after this second"; a server may read the delta's "since"
    # as after the whole second, so ask from the one before (what it repeats, we emit again).
    asked_since = max(0, since - 1)

    def read_pass(first_page: int) -> Iterator[ReadItem]:
        moves.pass_began(first_page)
        name = api.name
        for page in delta_pages(api, asked_since, first_page):
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
            for record in api.live_records(updated, seen_at):
                contact_id = record["id"]
                if contact_id not in seen and contact_id not in tombstoned and contact_id not in deleted_here:
                    emitted.emitted(number, contact_id)
                    updated_ids.saw(contact_id)
                    yield record_message(name, record, emitted_at)
            for contact_id in deleted_ids:
                if contact_id not in tombstoned:
                    tombstoned.add(contact_id)
                    yield record_message(name, tombstone(contact_id, seen_at), emitted_at)

    yield from read_with_shift_repair(read_pass, moves.first_shifted_page, api.logger)
    last_id = largest(list_end.last_id, updated_ids.last_id)
    if not tail or list_end.new_in_delta:
        return list_end
    if updated_ids.last_id is not None and list_end.proven_by(str(updated_ids.last_id)):
        return ListEnd(list_end.contacts, last_id, new_in_delta=True)
    first_page = list_end.tail_page(len(tombstoned) + updated_ids.count, api.served.size)
    # The marks that did not change must be in the tail, unless the list was reshuffled.
    marks = set(list_end.marks) - set(emitted.first_pages(list_end.marks)) - tombstoned
    new = Tally()
    seen = yield from _read_tail(api, first_page, seen_at, progress, list_end, emitted, tombstoned, new)
    if first_page > 1 and not marks <= seen:
        api.logger.info(
            "The last contacts of the list at the sync before are no longer at its end, though "
            "they did not change: its order is unstable, so every page is read for new contacts."
        )
        yield from _read_tail(api, 1, seen_at, progress, list_end, emitted, tombstoned, new)
    remaining = max(0, (list_end.contacts or 0) - len(tombstoned))
    return ListEnd(remaining + new.count, largest(last_id, new.last_id), marks=tuple(new.marks))


def _read_tail(
    api: CustomPages,
    first_page: int,
    seen_at: str,
    progress: ReadProgress,
    list_end: ListEnd,
    emitted: EveryId,
    tombstoned: set[str],
    new: Tally,
) -> Generator[ReadItem, None, set[str]]:
    """The contacts created since `list_end` was kept, read from `first_page` of /contacts to
    its end and told to `new`; returns every id read."""
    seen: set[str] = set()
    for page in fetch_pages_in_order(api.contacts_page, api.max_in_flight, first_page, has_no_items):
        progress.page_read(page)
        emitted_at = now_millis()
        records = api.live_records(page.items, seen_at)
        new.passed(record["id"] for record in records)
        for record in records:
            contact_id = record["id"]
            seen.add(contact_id)
            if contact_id in tombstoned or not list_end.is_new(contact_id):
                continue
            if contact_id not in emitted.seen_near(page.number):
                emitted.emitted(page.number, contact_id)
                new.saw(contact_id)
                yield record_message(api.name, record, emitted_at)
    return seen
