"""Rejected records: logged, counted by reason, and handed to the store the config names.

Inside Airbyte a job's files go with its container, so the log says which records were refused
and why: one WARN line each (target, stream, primary key, reason), up to `LOGGED_ONE_BY_ONE`, then
one line that says how many more there were. A line never holds the record's fields: the writer
clears a reason the API gives of every value the record holds (`redacted`), since an API may
quote the email or name it refused. The store keeps every one with its record: `flush` hands it
the rejections since the last flush, one piece per stream, before the writer lets a STATE out.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from destination_crm_contacts.rejected import RejectedStore, StorageError

LOGGED_ONE_BY_ONE = 100
# Values shorter than this are left in a reason: they would blank out ordinary words.
_SHORTEST_REDACTED = 3
# Reasons counted apart; an API that words each refusal its own way would otherwise fill the report.
MAX_REASONS = 100
OTHER_REASONS = "other reasons: each record's line in the store holds its own"
# Rejections held for the store at most: records that never reach a batch (an unknown stream)
# cannot wait in memory for the next STATE.
MAX_PENDING = 10_000


def redacted(reason: str, record: Mapping[str, Any] | None) -> str:
    """The reason without any value of the record in it."""
    values = sorted(
        {value for value in _values(record) if len(value) >= _SHORTEST_REDACTED}, key=len, reverse=True
    )
    for value in values:
        reason = reason.replace(value, "<redacted>")
    return reason


def _values(node: Any) -> list[str]:
    if isinstance(node, Mapping):
        return [value for child in node.values() for value in _values(child)]
    if isinstance(node, list):
        return [value for child in node for value in _values(child)]
    if isinstance(node, str):
        return [node, node.strip()]
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return [str(node)]
    return []


@dataclass
class Reason:
    """How many records one target refused for one reason, and where the store keeps them."""

    target: str
    reason: str
    count: int = 0
    # An ordered set: a local file is one place for every flush, S3 a new object each.
    stored_in: dict[str, None] = field(default_factory=dict)


class RejectedRecords:
    def __init__(
        self,
        store: RejectedStore | None,
        logger: logging.Logger,
        max_pending: int = MAX_PENDING,
        max_reasons: int = MAX_REASONS,
    ) -> None:
        self._store = store
        self._logger = logger
        self._max_pending = max_pending
        self._max_reasons = max_reasons
        self._count = 0
        self._reasons: dict[tuple[str, str], Reason] = {}
        self._pending: dict[str, list[tuple[Reason, bytes]]] = {}
        self._pending_count = 0

    @property
    def stored(self) -> bool:
        return self._store is not None

    def add(
        self, target: str, stream: str, key: str | None, reason: str, record: Mapping[str, Any] | None
    ) -> None:
        self._count += 1
        if self._count <= LOGGED_ONE_BY_ONE:
            self._logger.warning(
                f"{target}: rejected record of stream {stream!r}, primary key {key!r}: {reason}"
            )
        if self._count == LOGGED_ONE_BY_ONE:
            self._logger.warning(
                f"{LOGGED_ONE_BY_ONE} rejected records logged one by one; the rest are counted, not logged "
                f"each ({self._where_all()})"
            )
        entry = self._reason(target, reason)
        entry.count += 1
        if self._store is None:
            return
        line = {"target": target, "stream": stream, "primary_key": key, "reason": reason, "record": record}
        self._pending.setdefault(stream, []).append((entry, orjson.dumps(line, default=str) + b"\n"))
        self._pending_count += 1
        if self._pending_count >= self._max_pending:
            self.flush()

    def flush(self) -> None:
        """Hands the store the rejections since the last flush, one piece per stream; a store that
        fails raises `StorageError`, and the sync stops before the STATE that would cover them."""
        if self._store is None:
            return
        for stream in list(self._pending):
            lines = self._pending[stream]
            where = self._store.put(stream, b"".join(line for _, line in lines))
            for entry, _ in lines:
                entry.stored_in[where] = None
            del self._pending[stream]
            self._pending_count -= len(lines)

    def flush_after_failure(self) -> None:
        """The sync failed: store what can be stored (they say why it failed, when too many were
        rejected), and never hide the failure behind one of the store's own."""
        try:
            self.flush()
        except StorageError as error:
            self._logger.warning(f"{self._pending_count} rejected records were not stored: {error.message}")

    def put_report(self, report: bytes) -> str | None:
        """Stores the sync's report beside the records; where it is, or None where nothing keeps one."""
        if self._store is None:
            return None
        try:
            return self._store.put_report(report)
        except StorageError as error:
            # Every STATE is out: the records are stored, and the log holds the report too.
            self._logger.warning(f"The sync's report was not stored: {error.message}")
            return None

    def reasons(self) -> list[Reason]:
        """Every reason, the most frequent first."""
        return sorted(self._reasons.values(), key=lambda entry: -entry.count)

    def summarize(self) -> None:
        """Says how many rejections the log did not show one by one, if any."""
        if self._count > LOGGED_ONE_BY_ONE:
            self._logger.warning(
                f"{self._count} records were rejected in all; the first {LOGGED_ONE_BY_ONE} are logged "
                f"above with their reasons, {self._count - LOGGED_ONE_BY_ONE} more are not "
                f"({self._where_all()})"
            )

    def _reason(self, target: str, reason: str) -> Reason:
        key = (target, reason)
        if key not in self._reasons and len(self._reasons) >= self._max_reasons:
            key = (target, OTHER_REASONS)
        if key not in self._reasons:
            self._reasons[key] = Reason(*key)
        return self._reasons[key]

    def _where_all(self) -> str:
        if self._store is not None:
            return "the rejected records store keeps every one with its record; the report names where"
        return (
            "set rejected_records_storage to keep every one with its record in S3-compatible storage, "
            "or rejected_records_path in a file when the connector runs outside Airbyte"
        )

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
