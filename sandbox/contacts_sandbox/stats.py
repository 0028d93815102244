"""Request counters by API and route, by API and status, and each API's busiest second."""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict, deque
from typing import Any

from contacts_sandbox.apis import NAMES

# Path segments that are ids, for requests that never reached a route (faulted, 404, 405).
_ID_SEGMENT = re.compile(r"/(?:[0-9a-f]{24}|\d+)(?=/|$)")


def route_key(method: str, path: str, template: str | None) -> str:
    if template is None:
        template = _ID_SEGMENT.sub("/{_id}", path)
    return f"{method} {template}"


class RequestStats:
    def __init__(self) -> None:
        self._routes: dict[str, Counter[str]] = defaultdict(Counter)
        self._statuses: dict[str, Counter[str]] = defaultdict(Counter)
        # Arrival times within the last second, per API, and the most ever seen in one second.
        self._recent: dict[str, deque[float]] = defaultdict(deque)
        self._peak: Counter[str] = Counter()

    def arrived(self, api: str, now: float | None = None) -> None:
        """Notes a request as it comes in, for the busiest second (a sliding window, not a fixed one)."""
        moment = time.monotonic() if now is None else now
        recent = self._recent[api]
        recent.append(moment)
        while recent[0] <= moment - 1.0:
            recent.popleft()
        if len(recent) > self._peak[api]:
            self._peak[api] = len(recent)

    def record(self, api: str, route: str, status: int | str) -> None:
        self._routes[api][route] += 1
        self._statuses[api][str(status)] += 1

    def reset(self) -> None:
        self._routes.clear()
        self._statuses.clear()
        self._recent.clear()
        self._peak.clear()

    def snapshot(self) -> dict[str, Any]:
        snapshot: dict[str, Any] = {api: dict(self._routes.get(api, {})) for api in NAMES}
        snapshot["status"] = {api: dict(self._statuses.get(api, {})) for api in NAMES}
        snapshot["peak_per_second"] = {api: self._peak[api] for api in NAMES}
        return snapshot
