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
        if is_updated and not is_new:
            self._updated[contact_id] = (page, str(contact.get("updated_at")))

    def resumed(self, window: float, listed: int | None, checked: float, first_page: int) -> None:
        """Takes up the pass a checkpoint kept: moves count from its `window`, the list held
        `listed` contacts then, and a moved contact this attempt did not read was read by an
        earlier one: on a page before `first_page` if it moved after the checkpoint, anywhere
        before it if it moved before."""
        self._next_window_start = from_unix(window)
        self._count_before = listed
        self._resumed = (first_page, from_unix(checked))

    @property
    def window(self) -> tuple[float, float]:
        """Server times: from which moves count in this pass, and of its latest answer."""
        start, latest = self._window_start, self._next_window_start
        now = self.clock()
        return (now if start is None else start.timestamp(), now if latest is None else latest.timestamp())

    @property
    def listed(self) -> int | None:
        """How many contacts the list held when this pass began, where it says."""
        counts = self._counts
        return self._count_before if self._count_before is not None or not counts else counts[min(counts)]

    def check_now(self) -> None:
        """At a checkpoint: what moved so far becomes a page to read again after this pass."""
        counts = self._counts
        if counts:
            self.pending = earliest(self.pending, self._shifted(self.listed, counts[max(counts)]))

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
