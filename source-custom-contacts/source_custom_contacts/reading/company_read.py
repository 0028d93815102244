"""The Company Contacts API's read of every page of a list, repaired for moves, and resumable.

The API has no delta: what moved shows in the pages themselves (see `company_moves.py`). A
checkpoint keeps the pass's window and the list's size when it began, so a resumed attempt goes
on telling moves from the same start; it resumes a page before the one kept, for the contacts that
moved back across the gap. A contact that moved and that this attempt never read was read by the
earlier one: after the checkpoint, it left a hole near the page kept; before it, anywhere, and the
pages are read again from the first.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any, Protocol

from source_custom_contacts.reading.checkpoint import Checkpoint, Position, ReadRun
from source_custom_contacts.reading.company_moves import EnvelopeMoves
from source_custom_contacts.reading.emitted import PageRuns
from source_custom_contacts.reading.messages import page_messages, row_estimate
from source_custom_contacts.reading.pages import Page, fetch_pages_in_order
from source_custom_contacts.reading.passes import read_with_shift_repair
from source_custom_contacts.reading.stream import PagedStream, ReadItem


class CompanyPages(PagedStream, Protocol):
    searching: bool

    def list_page(self, number: int) -> Page[list[Any]]: ...


def read_company_pages(
    api: CompanyPages,
    run: ReadRun,
    resume: Position | None,
    keep: Callable[[list[Any]], Iterable[Any]],
    estimate: bool,
) -> Generator[ReadItem, None, None]:
    """Every contact the list holds, less those `keep` leaves out; an ESTIMATE first if `estimate`."""
    # Every contact seen is remembered, emitted or not: where it was tells a move.
    seen = PageRuns()
    moves = EnvelopeMoves(seen, api.served, api.searching, api.clock, api.logger)
    first = 1
    if resume is not None:
        first = max(1, resume.page - 1)
        moves.pending = resume.repair_from
        moves.resumed(resume.window, resume.listed, resume.checked or resume.window, first, resume.page)
    estimate_due = estimate

    def read_pass(first_page: int) -> Iterator[ReadItem]:
        nonlocal estimate_due
        moves.pass_began(first_page)
        for page in fetch_pages_in_order(api.list_page, api.max_in_flight, first_page):
            moves.page_read(page)
            run.progress.page_read(page)
            if estimate_due and page.total_items is not None:
                estimate_due = False
                yield row_estimate(api.name, page.total_items)
            number, near, unseen = page.number, seen.seen_near(page.number), []
            for item in page.items:
                if item.__class__ is dict and "id" in item:
                    contact_id = str(item["id"])
                    moves.contact_seen(number, item)
                    if contact_id in near:
                        continue
                    seen.emitted(number, contact_id)
                unseen.append(item)
            yield from page_messages(api.name, keep(unseen), api.logger)
            if not page.is_last and run.cadence.due(len(unseen)):
                moves.check_now()
                window, checked = moves.window
                position = Position(
                    started=run.started,
                    window=window,
                    page=number + 1,
                    page_size=api.served.size,
                    repair_from=moves.pending,
                    listed=moves.latest_count,
                    checked=checked,
                )
                yield Checkpoint(position.as_state(**run.around))

    yield from read_with_shift_repair(read_pass, moves.first_shifted_page, api.logger, first)
