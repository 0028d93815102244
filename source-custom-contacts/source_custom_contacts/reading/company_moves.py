"""What moved during a pass over the Company Contacts API's contacts, told by the pages themselves.

The API has no delta, but each page says how many contacts the list holds (`totalRecords`) and
each contact when it was created and last updated. The document names no order; this reads every
order in which a new contact joins the end and an update moves a contact no earlier (by id, by
creation, by last change), and then, in a pass:

- an update moves a contact later: it shows again on a later page, updated since the pass began,
  and the next pass starts on the page it was first emitted on (less a page for each page's worth
  of moves, as a contact drifts back one place for each one that left before it);
- a deletion shows only in the count: the count falls by the deletions less the contacts that
  joined, and every contact that joined shows on a later page, created since the pass began. If
  the fall is more than those can explain, contacts left from places we cannot know, and the next
  pass starts on the first page.

With a search term, an update can also make a contact join or leave the list, so each contact
updated since the pass began counts as one that may have joined.

Time is the server's: the `Date` header of its answers, or this machine's clock when it sends
none. A move that shows again, unchanged, in the next pass was already repaired.

A resumed attempt goes on from its checkpoint (`resumed`): the pass's window and the list's size
at the checkpoint, the contacts that joined or moved between the attempts, told from those of
this attempt by the server time of its first answer (see `_Gap`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from source_custom_contacts.auth import Clock
from source_custom_contacts.dates import from_unix, parse_time
from source_custom_contacts.reading.delta_moves import earliest
from source_custom_contacts.reading.emitted import EmittedIds
from source_custom_contacts.reading.page_size import ServedPageSize
from source_custom_contacts.reading.pages import Page


@dataclass
class _Gap:
    """The first pass of a resumed attempt: the list's size at the checkpoint, and the contacts
    that joined it between the attempts and during this one."""

    listed: int
    checked: datetime
    first_page: int  # this attempt's
    kept_page: int  # the checkpoint's
    resumed_at: datetime | None = None  # server time of this attempt's first answer
    joined_between: int = 0
    joined_during: int = 0

    def joined(self, at: datetime) -> None:
        if at < self.checked:
            return  # joined before the checkpoint: the earlier attempt counted it
        if self.resumed_at is None or at < self.resumed_at:
            self.joined_between += 1
        else:
            self.joined_during += 1

    def between(self, at: datetime) -> bool:
        return self.checked <= at and (self.resumed_at is None or at < self.resumed_at)

    def first_shifted_page(self, now: int, last: int, page_size: int, moved_between: int = 0) -> int | None:
        """Contacts that left between the attempts (deleted, or `moved_between` to the end by an
        update) moved the later ones back across the page the checkpoint kept, by as many places;
        ones that left during this attempt, across its first page."""
        between = self.listed + self.joined_between - now + moved_between
        during = now + self.joined_during - last
        if during > 0:
            return max(1, self.first_page - -(-(max(0, between) + during) // page_size))
        if between > (self.kept_page - self.first_page) * page_size:
            return max(1, self.kept_page - -(-between // page_size))
        return None


@dataclass(eq=False)
class EnvelopeMoves:
    """Told of each pass, page and contact, says after a pass from which page to read again."""

    emitted: EmittedIds
    page_size: ServedPageSize
    searching: bool
    clock: Clock
    logger: logging.Logger

    # The page to read again from after this pass, found at a checkpoint or kept by one.
    pending: int | None = None

    def __post_init__(self) -> None:
        # Server time from which a change counts against the current pass; the next pass's
        # window starts at the last answer of this one.
        self._window_start: datetime | None = None
        self._next_window_start: datetime | None = None
        self._count_before: int | None = None  # the list's size when the pass began
        self._counts: dict[int, int] = {}
        self._uncounted = False
        self._joined: set[str] = set()
        self._joined_now = 0
        self._updated: dict[str, tuple[int, str]] = {}  # id -> (page it showed on, its updated_at)
        self._repaired: dict[str, str] = {}
        self._first_page = 1
        self._pages = 0
        # A resumed attempt: its first page, and the server time of the checkpoint it resumed from.
        self._resumed: tuple[int, datetime] | None = None
        self._gap: _Gap | None = None

    def pass_began(self, first_page: int) -> None:
        self._first_page, self._pages = first_page, 0
        self._counts, self._joined_now, self._updated = {}, 0, {}
        self._window_start = self._next_window_start

    def page_read(self, page: Page[Any]) -> None:
        served = self._server_time(page.served_at)
        if self._window_start is None:
            self._window_start = served
        if self._next_window_start is None or served > self._next_window_start:
            self._next_window_start = served
        if self._gap is not None and self._gap.resumed_at is None:
            self._gap.resumed_at = served
        if page.total_items is None:
            self._uncounted = True
        else:
            self._counts[page.number] = page.total_items
        self._pages += 1

    def contact_seen(self, page: int, contact: dict[str, Any]) -> None:
        since = self._window_start
        if since is None:
            return
        contact_id = str(contact.get("id"))
        created, updated = parse_time(contact.get("created_at")), parse_time(contact.get("updated_at"))
        is_new = created is not None and created >= since
        is_updated = updated is not None and updated >= since
        if (is_new or (self.searching and is_updated)) and contact_id not in self._joined:
            self._joined.add(contact_id)
            self._joined_now += 1
            if self._gap is not None:
                self._gap.joined((created if is_new else updated) or since)
        if is_updated and not is_new:
            self._updated[contact_id] = (page, str(contact.get("updated_at")))

    def resumed(
        self, window: float, listed: int | None, checked: float, first_page: int, kept_page: int
    ) -> None:
        """Takes up the pass a checkpoint kept: moves count from its `window`, the list held
        `listed` contacts then, and a moved contact this attempt did not read was read by an
        earlier one: on a page before `first_page` if it moved after the checkpoint, anywhere
        before it if it moved before."""
        self._next_window_start = from_unix(window)
        self._resumed = (first_page, from_unix(checked))
        if listed is not None:
            self._gap = _Gap(listed, from_unix(checked), first_page, kept_page)

    @property
    def window(self) -> tuple[float, float]:
        """Server times: from which moves count in this pass, and of its latest answer."""
        start, latest = self._window_start, self._next_window_start
        now = self.clock()
        return (now if start is None else start.timestamp(), now if latest is None else latest.timestamp())

    @property
    def latest_count(self) -> int | None:
        """How many contacts the list held at its latest answer, where it says."""
        return self._counts[max(self._counts)] if self._counts else None

    @property
    def listed(self) -> int | None:
        """How many contacts the list held when this pass began, where it says."""
        counts = self._counts
        return self._count_before if self._count_before is not None or not counts else counts[min(counts)]

    def check_now(self) -> None:
        """At a checkpoint: what moved so far becomes a page to read again after this pass."""
        counts = self._counts
        if not counts:
            return
        latest = counts[max(counts)]
        if self._gap is None:
            self.pending = earliest(self.pending, self._shifted(self.listed, latest))
            return
        found = self._gap.first_shifted_page(counts[min(counts)], latest, self.page_size.size)
        self.pending = earliest(self.pending, found, self._shifted(None, latest))

    def first_shifted_page(self) -> int | None:
        count_before, counts = self.listed, self._counts
        last = None
        if counts:
            last = counts[max(counts)]
            self._count_before = last
        if self._first_page == 1 and self._pages <= 1 and self.pending is None:
            return None  # the whole list came in one answer: nothing could slip between pages
        if self._uncounted:
            last = None
            self.logger.warning(
                "The Company Contacts API's pages carry no totalRecords, so a contact deleted during "
                "this read could not be noticed; if one was, a later one may have been missed."
            )
            self._uncounted = False
        gap, self._gap = self._gap, None
        if gap is not None and counts and last is not None:
            # The count told the checkpoint what left before it; what left since is the gap's, and
            # so are the contacts updated between the attempts, which this one read only at the end.
            seen_first = self.emitted.first_pages(self._updated)
            moved_between = [
                contact_id
                for contact_id, (page, updated_at) in self._updated.items()
                if seen_first.get(contact_id, page) >= page
                and gap.between(parse_time(updated_at) or gap.checked)
            ]
            for contact_id in moved_between:
                self._repaired[contact_id] = self._updated[contact_id][1]
            found = gap.first_shifted_page(counts[min(counts)], last, self.page_size.size, len(moved_between))
            self.pending = earliest(self.pending, found)
            count_before = None
        shifted = earliest(self.pending, self._shifted(count_before, last))
        self.pending = None
        return shifted

    def _shifted(self, count_before: int | None, last: int | None) -> int | None:
        if last is not None and count_before is not None and count_before + self._joined_now - last > 0:
            return 1  # more left than joined: deletions, from places unknown
        moved = {
            contact_id: page
            for contact_id, (page, updated_at) in self._updated.items()
            if self._repaired.get(contact_id) != updated_at
        }
        first = self.emitted.first_pages(moved)
        if self._resumed is not None:
            first_page, checked = self._resumed
            # Read by this attempt only where it moved to: where it was is the earlier attempt's.
            for contact_id in [i for i, page in moved.items() if first.get(i, page) >= page]:
                updated = parse_time(self._updated[contact_id][1])
                first[contact_id] = first_page if updated is not None and updated >= checked else 1
        earlier = [number for contact_id, number in first.items() if number < moved[contact_id]]
        for contact_id in first:
            self._repaired[contact_id] = self._updated[contact_id][1]
        if not earlier:
            return None
        pages_back = -(-len(self._repaired) // self.page_size.size)
        return max(1, min(earlier) - pages_back)

    def _server_time(self, served_at: float | None) -> datetime:
        seconds = self.clock() if served_at is None else served_at
        # The Date header is in whole seconds: a change in the same second counts.
        return from_unix(seconds)
