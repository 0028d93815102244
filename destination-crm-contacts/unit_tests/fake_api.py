"""What both fake APIs share: the requests they saw, the faults queued for them, and the key."""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Any

import requests
import requests_mock

CRM_URL = "https://crm.test/api"
# A base URL on the CRM's host that leads to no API: its server answers 404 to anything there.
WRONG_CRM_URL = "https://crm.test/wrong"
CLIENT_CONTACTS_URL = "https://contacts.test/v1"
CRM_KEY = "crm-key"
CLIENT_CONTACTS_KEY = "cc-key"


class _Faults:
    def __init__(self) -> None:
        self._queued: dict[tuple[str, str], deque[Any]] = defaultdict(deque)

    def queue(self, method: str, path: str, fault: Any) -> None:
        self._queued[(method, path)].append(fault)

    def next(self, method: str, path: str) -> Any:
        queued = self._queued.get((method, path))
        return queued.popleft() if queued else None


class FakeApi:
    # (method, path) of the requests that change the target's contacts.
    WRITES: tuple[tuple[str, str], ...] = ()

    def __init__(self, mocker: requests_mock.Mocker, authorization: dict[str, str], strict: bool) -> None:
        """`authorization`: the headers a request must carry, or it gets a 401."""
        self.mocker = mocker
        self.strict = strict
        self.calls: list[tuple[str, str]] = []
        self._authorization = authorization
        self._faults = _Faults()

    def fail(self, method: str, path: str, status: int, headers: dict[str, str] | None = None) -> None:
        self._faults.queue(method, path, ("status", status, headers or {}))

    def lose_answer(self, method: str, path: str) -> None:
        self._faults.queue(method, path, ("lose", requests.exceptions.ReadTimeout("read timed out")))

    def drop_connection(self, method: str, path: str) -> None:
        self._faults.queue(method, path, ("drop", requests.exceptions.ConnectionError("connection reset")))

    def count(self, method: str, path: str) -> int:
        return sum(1 for call in self.calls if call == (method, path))

    @property
    def writes(self) -> int:
        """How many requests changed the target's contacts: creates, updates and deletes."""
        return sum(self.count(*call) for call in self.WRITES)

    def _enter(self, request: Any, context: Any, path: str) -> tuple[Any, bool]:
        """(the answer of an injected status or of a missing key, or None; whether the answer must
        be lost after the call commits)."""
        self.calls.append((request.method, path))
        fault = self._faults.next(request.method, path)
        kind, *detail = fault or (None,)
        if kind == "status":
            context.status_code = detail[0]
            context.headers.update(detail[1])
            return {"error": f"injected {detail[0]}"}, False
        if kind == "drop":
            raise detail[0]
        if any(request.headers.get(name) != value for name, value in self._authorization.items()):
            context.status_code = 401
            return {"error": "unauthorized"}, False
        return None, kind == "lose"
