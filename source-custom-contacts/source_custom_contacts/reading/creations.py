"""Contacts created since the state, which a delta may leave out of `updated`.

The document says the delta lists the contacts updated since a time; a server may count a
creation as an update, or not. Where it does not, an incremental sync would never read a new
contact. So the state keeps what a read saw of `/contacts` (`ListEnd`): how many contacts it held
at least, and the largest id, where ids are numbers. A delta sync that finds a contact with a larger
id in `updated` has proven that the delta carries creations, and the state says so from then on.
Until then, each delta sync reads the tail of `/contacts`, where a new contact can be: in a list
ordered by id, after every older contact still there; by last change, after every one unchanged.
That is past the contacts counted before, less those the delta says were deleted or updated,
and less a page of margin. Of the tail, only ids larger than the largest seen are new; where ids
are not numbers, the whole tail is emitted (a deduplicating destination keeps one of each).

An unstable order (any write reshuffles it) has no tail where new contacts gather. The state also
keeps the last few ids of the list (`marks`): in an order that only moves changed contacts, those
that did not change are still in the tail, in the same order. If one is missing, the list was
reshuffled, and every page is read for new contacts.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

CONTACTS_KEY = "contacts"
LAST_ID_KEY = "last_id"
NEW_IN_DELTA_KEY = "new_in_delta"
MARKS_KEY = "last_ids"
# The list's last ids kept: enough that a reshuffle leaves one out of the tail, few enough for a
# small state.
MARKS = 5


def numeric(contact_id: str) -> int | None:
    return int(contact_id) if contact_id.isdigit() else None


def largest(*ids: int | None) -> int | None:
    return max((i for i in ids if i is not None), default=None)


@dataclass(frozen=True)
class ListEnd:
    contacts: int | None = None  # at least this many; None: unknown (a state of an earlier version)
    last_id: int | None = None
    new_in_delta: bool = False
    marks: tuple[str, ...] = ()

    @classmethod
    def of(cls, state: Mapping[str, Any]) -> ListEnd:
        """What a saved state says; a value that is not of its kind counts as unknown."""
        contacts, last_id, marks = state.get(CONTACTS_KEY), state.get(LAST_ID_KEY), state.get(MARKS_KEY)
        return cls(
            contacts=contacts if isinstance(contacts, int) and not isinstance(contacts, bool) else None,
            last_id=numeric(last_id) if isinstance(last_id, str) else None,
            new_in_delta=state.get(NEW_IN_DELTA_KEY) is True,
            marks=tuple(str(m) for m in marks[-MARKS:]) if isinstance(marks, list) else (),
        )

    def as_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {}
        if self.contacts is not None:
            state[CONTACTS_KEY] = self.contacts
        if self.last_id is not None:
            state[LAST_ID_KEY] = str(self.last_id)
        if self.new_in_delta:
            state[NEW_IN_DELTA_KEY] = True
        elif self.marks:
            state[MARKS_KEY] = list(self.marks)
        return state

    def is_new(self, contact_id: str) -> bool:
        """Whether an id can only be a contact created after the read this was kept from."""
        number = numeric(contact_id)
        return self.last_id is None or number is None or number > self.last_id

    def proven_by(self, contact_id: str) -> bool:
        """Whether the delta listing this id as updated proves it carries new contacts."""
        number = numeric(contact_id)
        return self.last_id is not None and number is not None and number > self.last_id

    def tail_page(self, left: int, page_size: int) -> int:
        """The first page a contact created since can be on, when `left` contacts the delta
        listed (deleted or updated) may have left their place before it."""
        start = max(0, (self.contacts or 0) - left - page_size)
        return start // page_size + 1


class Tally:
    """How many live contacts a read emitted, the largest numeric id among them, and the last ids
    of the list as it passed."""

    def __init__(self) -> None:
        self.count = 0
        self.last_id: int | None = None
        self.marks: deque[str] = deque(maxlen=MARKS)

    def passed(self, ids: Iterable[str]) -> None:
        self.marks.extend(ids)

    def saw(self, contact_id: str) -> None:
        self.count += 1
        number = numeric(contact_id)
        if number is not None and (self.last_id is None or number > self.last_id):
            self.last_id = number
