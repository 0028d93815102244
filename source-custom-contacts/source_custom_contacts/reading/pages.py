"""Fetching numbered pages ahead of the reader, on a bounded pool, handed back in page order.

The reader sees page 1, 2, 3... exactly as a sequential loop would, while the next pages are
already on their way: as many as hide the API's latency (see `in_flight.py`), never more than
`max_in_flight`. Only those pages are held in memory, however many there are.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from source_custom_contacts.reading.in_flight import PagesInFlight

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    number: int
    items: T
    is_last: bool
    # Set when the answer states how many pages there are: the rest can then be fetched without guessing.
    total_pages: int | None = None
    # How many items the whole list held when this page was served, when the answer says.
    total_items: int | None = None
    # The server's clock when it served this page (its Date header), when it sends one.
    served_at: float | None = None


FetchPage = Callable[[int], Page[T]]

# A server may answer an empty page that says more follow (one that drops what it hides after
# paging, or a passing glitch): it is asked once more, then passed. This many in a row stop the
# read: a server that says "more" for ever would otherwise be read for ever.
MAX_EMPTY_PAGES_IN_A_ROW = 5


class EmptyPageLoopError(Exception):
    """Pages said more pages follow, yet carried nothing, too many times in a row."""


def fetch_pages_in_order(
    fetch_page: FetchPage[T],
    max_in_flight: int,
    first_page: int = 1,
    is_empty: Callable[[T], bool] | None = None,
    clock: Callable[[], float] = time.monotonic,
    look_ahead_share: float = 1.0,
) -> Iterator[Page[T]]:
    """Yields pages from `first_page` in order until one says it is the last.

    Until a page states the total, pages past the end may be requested speculatively; their
    answers are discarded. No more pages fly than `look_ahead_share` of those that have come
    back: at 1 a long list soon has all the pages in flight its latency calls for; lower suits a
    list that is usually short, where each page asked past its end is a large share of the read.
    A page that is empty yet not last (by `is_empty`) is asked again once, as the next page would
    be; `MAX_EMPTY_PAGES_IN_A_ROW` of them in a row stop the read with an error.
    """
    pool = ThreadPoolExecutor(max_workers=max_in_flight, thread_name_prefix="page-fetch")
    pending: deque[Future[Page[T]]] = deque()
    next_number = first_page
    last_number: int | None = None
    in_flight = PagesInFlight(max_in_flight)
    handed = 0
    empty_in_a_row = 0

    def timed_fetch(number: int) -> Page[T]:
        began = clock()
        page = fetch_page(number)
        in_flight.fetched(clock() - began)
        return page

    try:
        while True:
            # The first page goes alone: its answer may tell how many pages there are. Until one
            # does, the pages in flight are bounded by those that have come back.
            window = in_flight.window()
            if last_number is None:
                window = min(window, int(handed * look_ahead_share))
            while len(pending) < max(1, window) and (last_number is None or next_number <= last_number):
                pending.append(pool.submit(timed_fetch, next_number))
                next_number += 1
            if not pending:
                return
            page = pending.popleft().result()
            if is_empty is not None and not page.is_last and is_empty(page.items):
                page = fetch_page(page.number)
                empty_in_a_row = empty_in_a_row + 1 if not page.is_last and is_empty(page.items) else 0
                if empty_in_a_row >= MAX_EMPTY_PAGES_IN_A_ROW:
                    raise EmptyPageLoopError(
                        f"pages {page.number - empty_in_a_row + 1} to {page.number} were empty, each asked "
                        "twice, yet each said more pages follow"
                    )
            else:
                empty_in_a_row = 0
            if page.total_pages is not None:
                last_number = page.total_pages
            handed += 1
            handed_at = clock()
            yield page
            in_flight.read(clock() - handed_at)
            if page.is_last or (last_number is not None and page.number >= last_number):
                return
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
