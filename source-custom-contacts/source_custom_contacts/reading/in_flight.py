"""How many pages to keep in flight: as many as hide the API's latency from the reader, no more.

While the reader handles one page, the next ones are on their way. Keeping `latency / reader
time per page` of them in flight means the next page is there when the reader wants it; more
would only hold more pages in memory and, where a list's end is unknown, ask for more pages past
it. So a slow API gets many pages in flight and a fast one few, never more than the ceiling the
user configured (`concurrent_requests`). The rate budget still decides when each request leaves.

Both times are running averages, measured on an injected clock.
"""

from __future__ import annotations

import math
import threading

# Weight of the newest measure in each running average.
SMOOTHING = 0.3


class PagesInFlight:
    """Told by the fetching threads and by the reader; safe to share between them."""

    def __init__(self, ceiling: int) -> None:
        self._ceiling = max(1, ceiling)
        self._lock = threading.Lock()
        self._latency: float | None = None
        self._reader: float | None = None

    def fetched(self, seconds: float) -> None:
        """One request's time, from its start to its answer."""
        with self._lock:
            self._latency = _average(self._latency, seconds)

    def read(self, seconds: float) -> None:
        """The reader's time on one page, from receiving it to asking for the next."""
        with self._lock:
            self._reader = _average(self._reader, seconds)

    def window(self) -> int:
        with self._lock:
            latency, reader = self._latency, self._reader
        if latency is None or reader is None:
            return 1
        # A reader too fast to measure gets the ceiling: any latency would starve it.
        needed = math.ceil(latency / reader) if reader > 0 else self._ceiling
        return min(self._ceiling, max(1, needed))


def _average(current: float | None, new: float) -> float:
    return new if current is None else current + SMOOTHING * (new - current)
