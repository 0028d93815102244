"""The Custom Contact Source API's full read: every page of `/contacts`, repaired for moves, and
resumable from a checkpoint.

Pages are read in passes (`passes.py`); what moved is asked of the delta (`delta_moves.py`). At a
checkpoint the read first settles what moved so far (a page to read again after this pass), then
keeps its place. An attempt that resumes asks the delta what moved since that checkpoint: each
contact that left its place moved the later ones back a place, so the unread ones crossed at most
that many places into pages already read, and the attempt starts that many places earlier. The
last ids read before the checkpoint that did not change must then turn up again before the page
it kept; where one does not, the list was reshuffled and is read again from page 1.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any, Protocol

from source_custom_contacts.reading.checkpoint import Checkpoint, Position, ReadRun
from source_custom_contacts.reading.creations import ListEnd, Tally, numeric
from source_custom_contacts.reading.delta_moves import Changes, DeltaItems, DeltaMoves
from source_custom_contacts.reading.emitted import PageRuns
from source_custom_contacts.reading.list_order import ListOrder
from source_custom_contacts.reading.messages import now_millis, record_message
from source_custom_contacts.reading.pages import Page, fetch_pages_in_order
from source_custom_contacts.reading.passes import read_with_shift_repair
from source_custom_contacts.reading.stream import PagedStream, ReadItem


class CustomPages(PagedStream, Protocol):
    """What the stream tells the read of its endpoints."""

    def contacts_page(self, number: int) -> Page[list[Any]]: ...

    def delta_page(self, since: int, number: int) -> Page[DeltaItems]: ...

    def changes_since(self, timestamp: int) -> Changes: ...

    def live_records(self, contacts: list[Any], seen_at: str) -> list[dict[str, Any]]: ...


def has_no_items(items: DeltaItems | list[Any]) -> bool:
    if isinstance(items, tuple):
        return not items[0] and not items[1]
    return not items


def read_every_page(
    api: CustomPages, run: ReadRun, resume: Position | None
) -> Generator[ReadItem, None, ListEnd]:
    # Every contact is emitted: remember them compactly (see `PageRuns`).
    emitted = PageRuns()
    first = 1  # this attempt's first page; the list's order is checked on it
    order = ListOrder(
        lambda: [str(c.get("id")) for c in api.contacts_page(first).items if isinstance(c, dict)],
        lambda: emitted.near(first),
    )
    moves = DeltaMoves(api.changes_since, emitted, api.served, api.clock, order)
    tally = Tally()
    marks, kept_page = set[str](), 1
    if resume is not None:
        first = moves.resumed(resume.window, resume.page, margin=len(resume.last_ids))
        moves.pending, moves.unknown_page = resume.repair_from, first if first > 1 else None
        kept_page = resume.page
        marks = set(resume.last_ids) - moves.gap if moves.gap else set()
        # Pages read again are counted again: the count stays a floor.
        tally.count = max(0, (resume.contacts or 0) - (kept_page - first) * api.served.size)
        tally.last_id = numeric(resume.last_id) if resume.last_id else None
        tally.marks.extend(resume.last_ids)

    def read_pass(first_page: int) -> Iterator[ReadItem]:
        moves.pass_began(first_page)
        pages = fetch_pages_in_order(api.contacts_page, api.max_in_flight, first_page, has_no_items)
        for page in pages:
            moves.page_read(page)
            run.progress.page_read(page)
            number, emitted_at = page.number, now_millis()
            seen = emitted.seen_near(number)
            records = api.live_records(page.items, run.seen_at)
            ids = [record["id"] for record in records]
            order.page_read(ids)
            tally.passed(ids)
            fresh = 0
            for record in records:
                contact_id = record["id"]
                if contact_id not in seen:
                    emitted.emitted(number, contact_id)
                    tally.saw(contact_id)
                    fresh += 1
                    yield record_message(api.name, record, emitted_at)
            if marks:
                marks.difference_update(ids)
                if number >= kept_page - 1 and marks:
                    api.logger.info(
                        "The last contacts read before the checkpoint are no longer where they "
                        "were, though they did not change: the order is unstable, so every page "
                        "is read again."
                    )
                    moves.pending = 1
                    marks.clear()
                elif number >= kept_page - 1:
                    marks.clear()
            if not page.is_last and run.cadence.due(fresh):
                moves.check_now()
                yield Checkpoint(
                    Position(
                        started=run.started,
                        window=moves.window_start,
                        page=number + 1,
                        page_size=api.served.size,
                        repair_from=moves.pending,
                        contacts=tally.count,
                        last_id=None if tally.last_id is None else str(tally.last_id),
                        last_ids=tuple(tally.marks),
                    ).as_state(**run.around)
                )

    yield from read_with_shift_repair(read_pass, moves.first_shifted_page, api.logger, first)
    return ListEnd(tally.count, tally.last_id, marks=tuple(tally.marks))
