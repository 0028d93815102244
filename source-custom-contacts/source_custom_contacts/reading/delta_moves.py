"""What moved during a pass over the Custom Contact Source API, asked of its delta.

The document names no order for `/contacts` or the delta's lists. Ordered by id, only deletions
move contacts; ordered by last change, an update moves one to the end as well. So every contact
the delta lists as updated or deleted since a pass began counts as moved, and the next pass starts
on the page it was first emitted on, less a page for each page's worth of moves before it (a
contact drifts back one place for each one that left before it, and each of those was seen).

A delta pass itself lists changes, so its check can tell which of them are old news: a contact
the check reports exactly as the pass read it did not move after the pass read it, and one that
moved before the pass read it left no hole behind in pages already read (it left its place
before they were). So a change counts only where it differs from what the pass read, or where
the pass read the same contact twice (it moved during the pass, to a page read later). Without
this, every change made in the second before a delta read would send it back to page 1.

A long pass is checked at each checkpoint too (`check_now`): what moved so far becomes a page to
read again after the pass, kept in the checkpoint, and the next check asks only from then. An
attempt resumed from a checkpoint asks what moved since it (`resumed`), and, not knowing where an
earlier attempt emitted a contact, takes any contact that moves during it for one that may have
left a hole from its first page on.

Time is the server's: the `Date` header of its answers, or this machine's clock when it sends
none. The delta's timestamp is in whole seconds, and a server may read "since" as after that whole
second, so a check asks from the second before the pass began; a move it reports again, unchanged,
was already repaired and does not count twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from source_custom_contacts.auth import Clock
from source_custom_contacts.reading.emitted import EmittedIds
from source_custom_contacts.reading.list_order import ListOrder
from source_custom_contacts.reading.page_size import ServedPageSize
from source_custom_contacts.reading.pages import Page

DeltaItems = tuple[list[Any], list[Any]]
DELETED = b""  # what a deleted id is remembered by, where an updated one keeps its content


@dataclass
class Changes:
    """One walk of the delta: each id with what it became, and whether an id showed up twice in one
    list (it changed again during the walk, so another may have slipped between the walk's pages).
    An id in both lists is a deletion: a server may keep listing a deleted contact as updated."""

    moved: dict[str, bytes] = field(default_factory=dict)
    repeated: bool = False
    served_at: float | None = None
    _sightings: set[tuple[str, bool]] = field(default_factory=set)

    def add(self, contact_id: str, became: bytes) -> None:
        sighting = (contact_id, became == DELETED)
        self.repeated = self.repeated or sighting in self._sightings
        self._sightings.add(sighting)
        if self.moved.get(contact_id) != DELETED:
            self.moved[contact_id] = became


def content(contact: dict[str, Any]) -> bytes:
    return orjson.dumps(contact, option=orjson.OPT_SORT_KEYS)


def changed(items: DeltaItems) -> Iterator[tuple[str, bytes]]:
    """Each id a page of the delta lists, with what it became: `DELETED`, or its content. Deleted
    ids come first: an id the page lists in both is a deletion (see `Changes`)."""
    updated, deleted = items
    for contact_id in deleted:
        yield str(contact_id), DELETED
    for contact in updated:
        if isinstance(contact, dict):
            yield str(contact.get("id")), content(contact)


def changes_of(pages: Iterator[Page[DeltaItems]]) -> Changes:
    changes = Changes()
    for page in pages:
        if changes.served_at is None:
            changes.served_at = page.served_at
        for contact_id, became in changed(page.items):
            changes.add(contact_id, became)
    return changes


@dataclass(eq=False)
class DeltaMoves:
    """Told of each pass and page, says after a pass from which page to read again, if any."""

    changes_since: Callable[[int], Changes]
    emitted: EmittedIds
    page_size: ServedPageSize
    clock: Clock
    # A full read's list, which a server may reshuffle (see `list_order.py`); None for a delta.
    order: ListOrder | None = None
    # The page to read again from after this pass, found at a checkpoint or kept by one.
    pending: int | None = None
    # The first page of a resumed attempt (see `_check`); None for a read from page 1.
    unknown_page: int | None = None

    def __post_init__(self) -> None:
        # Server time from which a move counts against the current pass.
        self._window_start: float | None = None
        self._repaired: dict[str, bytes] = {}
        self._first_page = 1
        self._pages = 0
        self._seen_again: set[str] = set()
        self._pass_ids: set[str] = set()
        self.gap: set[str] = set()  # what moved between the attempts of a resumed read

    def pass_began(self, first_page: int) -> None:
        self._first_page, self._pages = first_page, 0
        self._pass_ids = set()
        if self.order is not None:
            self.order.pass_began()

    def saw(self, contact_id: str, became: bytes) -> None:
        """A delta pass read this contact as it now is (see the module's docstring). A contact
        known deleted stays deleted: an update listed for it is stale. A deletion of one this read
        saw updated counts as a move once: it may have left its place after its page was read."""
        known = self._repaired.setdefault(contact_id, became)
        if known == DELETED and became != DELETED:
            return
        if became == DELETED and known != DELETED:
            self._repaired[contact_id] = DELETED
            self._seen_again.add(contact_id)
        elif known != became or contact_id in self._pass_ids:
            self._seen_again.add(contact_id)
        self._pass_ids.add(contact_id)

    def page_read(self, page: Page[Any]) -> None:
        if self._window_start is None:
            self._window_start = self.clock() if page.served_at is None else page.served_at
        self._pages += 1

    def first_shifted_page(self) -> int | None:
        """After a pass: the page to read again from, for what moved during it or was found at a
        checkpoint (`check_now`)."""
        if self._first_page == 1 and self._pages <= 1 and self.pending is None:
            return None  # the whole list came in one answer: nothing could slip between pages
        shifted = earliest(self.pending, self._check())
        self.pending = None
        return shifted

    def check_now(self) -> None:
        """At a checkpoint: what moved so far becomes a page to read again after this pass, and
        moves count from now, so that a resumed read asks only for what moved since."""
        self.pending = earliest(self.pending, self._check())

    @property
    def window_start(self) -> float:
        return self.clock() if self._window_start is None else self._window_start

    def resumed(self, window: float, page: int, margin: int) -> int:
        """The page to resume on, for a read that had read every page before `page` by `window`
        (server time): each contact that left its place since moved the later ones back a place,
        so the read goes back that many places (and `margin` more) before `page`."""
        asked_at = self.clock()
        changes = self.changes_since(int(window) - 1)
        self._window_start = asked_at if changes.served_at is None else changes.served_at
        self._repaired.update(changes.moved)
        self.gap = set(changes.moved)
        if not changes.moved:
            return page
        return max(1, page - -(-(len(changes.moved) + margin) // self.page_size.size))

    def _check(self) -> int | None:
        asked_at = self.clock()
        since = int(self.window_start) - 1
        changes = self.changes_since(since)
        self._window_start = asked_at if changes.served_at is None else changes.served_at
        new = {i: became for i, became in changes.moved.items() if self._repaired.get(i) != became}
        self._repaired.update(new)
        new.update(dict.fromkeys(self._seen_again, DELETED))
        self._seen_again.clear()
        if changes.repeated:
            return 1  # the walk's own pages shifted: a move it did not show may be anywhere
        if new and self.order is not None and self.order.reshuffled(changes.moved.keys()):
            return 1  # a change not seen before reshuffled the list
        first = self.emitted.first_pages(new)
        if self.unknown_page is not None and new:
            # A resumed attempt cannot tell a contact it read before it moved from one an earlier
            # attempt read: either may have left its place anywhere from this attempt's first page.
            first = {i: self.unknown_page for i in new}
        if not first:
            return None
        pages_back = -(-len(self._repaired) // self.page_size.size)
        return max(1, min(first.values()) - pages_back)


def earliest(*pages: int | None) -> int | None:
    return min((page for page in pages if page is not None), default=None)
