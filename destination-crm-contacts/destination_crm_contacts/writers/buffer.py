"""The batch of changes waiting to be written, bounded by records, bytes and age."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from airbyte_cdk.models import DestinationSyncMode


@dataclass(frozen=True)
class Change:
    """One incoming record, read: its stream, source key, data, and whether it is a tombstone."""

    stream: str
    key: str
    record: Mapping[str, Any]
    deleted: bool
    mode: DestinationSyncMode


class Batch:
    """Changes keyed by (stream, source key): a later change of a contact replaces the earlier one,
    so an update followed by a tombstone sends only the delete. In `append` every record is its
    own contact and nothing collapses."""

    def __init__(
        self,
        max_records: int,
        max_bytes: int,
        max_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_records = max_records
        self._max_bytes = max_bytes
        self._max_seconds = max_seconds
        self._clock = clock
        self._changes: dict[tuple[str, str, int], tuple[Change, int]] = {}
        self._bytes = 0
        self._appended = 0
        self._started_at: float | None = None

    def __len__(self) -> int:
        return len(self._changes)

    def add(self, change: Change, size: int) -> None:
        if self._started_at is None:
            self._started_at = self._clock()
        if change.mode == DestinationSyncMode.append:
            self._appended += 1
            slot = (change.stream, change.key, self._appended)
        else:
            slot = (change.stream, change.key, 0)
        replaced = self._changes.pop(slot, None)
        if replaced is not None:
            self._bytes -= replaced[1]
        self._changes[slot] = (change, size)
        self._bytes += size

    @property
    def is_full(self) -> bool:
        if not self._changes:
            return False
        too_old = self._started_at is not None and self._clock() - self._started_at >= self._max_seconds
        return len(self._changes) >= self._max_records or self._bytes >= self._max_bytes or too_old

    def drain(self) -> list[Change]:
        changes = [change for change, _ in self._changes.values()]
        self._changes.clear()
        self._bytes = 0
        self._started_at = None
        return changes
