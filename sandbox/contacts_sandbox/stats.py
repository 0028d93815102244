"""Request counters by API and route, and by API and status."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
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

    def record(self, api: str, route: str, status: int | str) -> None:
        self._routes[api][route] += 1
        self._statuses[api][str(status)] += 1

    def reset(self) -> None:
        self._routes.clear()
        self._statuses.clear()

    def snapshot(self) -> dict[str, Any]:
        snapshot: dict[str, Any] = {api: dict(self._routes.get(api, {})) for api in NAMES}
        snapshot["status"] = {api: dict(self._statuses.get(api, {})) for api in NAMES}
        return snapshot
