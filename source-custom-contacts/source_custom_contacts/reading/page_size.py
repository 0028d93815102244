"""The page size a server really serves, which may be less than the one asked.

A server may cap `limit` without a word (asked 100, it serves 50 a page). Pages are numbered, and
a server finds a page's offset from its number and a page size: its cap, or the size asked. Asking
more than the cap from one that uses the size asked would skip what lies between the cap and the
size on every page; asking the cap itself is right under both. So the first page that says more
follow yet holds fewer items than asked sets the size asked from then on (the first page goes
alone, so every other is asked at it). The size only ever falls, so a page can overlap one read
before (the read skips an id it emitted) but never leave a gap. The repair of moved contacts counts
in this size too: a contact drifts back a page for each page's worth of contacts that left.
"""

from __future__ import annotations

import logging
import threading


class ServedPageSize:
    """Shared by the threads that fetch one read's pages."""

    def __init__(self, asked: int, api_name: str, logger: logging.Logger) -> None:
        self._size = asked
        self._api_name = api_name
        self._logger = logger
        self._lock = threading.Lock()
        self._learnt = False

    @property
    def size(self) -> int:
        with self._lock:
            return self._size

    def served(self, items: int, has_more: bool) -> None:
        """A page held `items` (the longest list of a delta page) and said whether more follow."""
        with self._lock:
            if self._learnt or not has_more or not 0 < items < self._size:
                return
            asked, self._size, self._learnt = self._size, items, True
        self._logger.info(
            f"The {self._api_name} served {items} items on a page that says more follow, where {asked} "
            f"were asked: it caps the page size, so pages are asked at {items} from now on."
        )
