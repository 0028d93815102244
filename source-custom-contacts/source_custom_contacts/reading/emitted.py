"""What a read has emitted, page by page: the memory behind the repair of shifted offset pages.

A read asks `seen_near(page)` before emitting a page's contacts and `emitted(page, id)` for each
one it emits; after a pass, `first_pages(moved_ids)` says which pages held contacts that moved,
so the read can pass again from the first of them.

Two keepers, for two sizes of read:

- `EveryId` remembers each id exactly; a delta read emits only what changed, so this is small.
- `PageRuns` is for the full read, which emits every contact: a set of every id would grow with
  the data (about a hundred bytes an id). It keeps each page's ids as one string, a few bytes an
  id, and checks an id against the neighbouring pages only. A contact moves when others leave or
  join the list before it, so it lands on a neighbouring page unless more than a page of
  contacts left at once during the read; then a re-read may emit it a second time, which a
  deduplicating destination absorbs, where missing it would lose it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable
from typing import Protocol

SEPARATOR = "\n"  # ids are the API's strings; none holds a line break that matters here


class EmittedIds(Protocol):
    def seen_near(self, page: int) -> Container[str]:
        """The ids a contact on this page must not repeat; call before its first `emitted`."""

    def emitted(self, page: int, contact_id: str) -> None: ...

    def first_pages(self, ids: Iterable[str]) -> dict[str, int]:
        """The first page each of these ids was emitted on, for those emitted at all."""


class EveryId:
    def __init__(self) -> None:
        self._page_of: dict[str, int] = {}

    def seen_near(self, page: int) -> Container[str]:
        return self._page_of

    def emitted(self, page: int, contact_id: str) -> None:
        self._page_of.setdefault(contact_id, page)

    def first_pages(self, ids: Iterable[str]) -> dict[str, int]:
        return {i: self._page_of[i] for i in ids if i in self._page_of}


class PageRuns:
    def __init__(self, reach: int = 1) -> None:
        self._reach = reach
        # Page number -> its ids joined by SEPARATOR, one string per pass that emitted on it.
        self._runs: defaultdict[int, list[str]] = defaultdict(list)
        self._page: int | None = None
        self._near: set[str] = set()
        self._current: list[str] = []

    def seen_near(self, page: int) -> Container[str]:
        self._close_page()
        self._page = page
        self._near = self.near(page)
        return self._near

    def near(self, page: int) -> set[str]:
        """The ids emitted on this page and its neighbours, in passes already closed."""
        return {
            contact_id
            for number in range(page - self._reach, page + self._reach + 1)
            for run in self._runs.get(number, ())
            for contact_id in run.split(SEPARATOR)
        }

    def emitted(self, page: int, contact_id: str) -> None:
        self._near.add(contact_id)
        self._current.append(contact_id)

    def first_pages(self, ids: Iterable[str]) -> dict[str, int]:
        self._close_page()
        wanted = set(ids)
        if not wanted:
            return {}  # the usual case after a pass: nothing moved, no need to walk every page
        first: dict[str, int] = {}
        for number, runs in self._runs.items():
            for run in runs:
                for contact_id in run.split(SEPARATOR):
                    if contact_id in wanted and first.get(contact_id, number) >= number:
                        first[contact_id] = number
        return first

    def _close_page(self) -> None:
        if self._page is not None and self._current:
            self._runs[self._page].append(SEPARATOR.join(self._current))
        self._page, self._current, self._near = None, [], set()
