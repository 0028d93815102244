"""Whether a full read's list may have been reshuffled by the changes made while it was read.

The move repair (`delta_moves.py`) counts on an order in which a contact that did not change keeps
its place but for the ones that left before it: by id, by creation, by last change. A server may
keep none (an order from a hash, a heap, a parallel query), so that any write can move any contact
anywhere and a page already read can take in one never read. Such an order is told by what a
read sees:

- a pass whose ids came in ascending order is a list by id: nothing reshuffles it;
- otherwise, after a pass in which anything changed, page 1 is asked again: in an order that only
  moves changed contacts to the end, it now holds contacts of the first two pages or changed ones,
  nothing else. A contact from anywhere else means the list was reshuffled, and the next pass
  starts on page 1. One request, only after a pass in which something changed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass


def _order_key(contact_id: str) -> tuple[int, int, str]:
    return (0, int(contact_id), "") if contact_id.isdigit() else (1, 0, contact_id)


@dataclass(eq=False)
class ListOrder:
    """Told of each pass and page of a full read; asks `first_page_ids` for page 1 when it must."""

    first_page_ids: Callable[[], list[str]]
    ids_near_first_page: Callable[[], Collection[str]]

    def __post_init__(self) -> None:
        self._by_id = True
        self._last: tuple[int, int, str] | None = None

    def pass_began(self) -> None:
        self._last = None

    def page_read(self, ids: Iterable[str]) -> None:
        if not self._by_id:
            return
        for contact_id in ids:
            key = _order_key(contact_id)
            if self._last is not None and key <= self._last:
                self._by_id = False
                return
            self._last = key

    def reshuffled(self, changed: Collection[str]) -> bool:
        """Whether a pass in which the contacts `changed` changed may have lost one anywhere."""
        if self._by_id or not changed:
            return False
        expected = self.ids_near_first_page()
        return any(i not in expected and i not in changed for i in self.first_page_ids())
