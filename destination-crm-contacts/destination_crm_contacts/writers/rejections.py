"""Where rejected records go: the log, and a JSON Lines file when one is configured.

Inside Airbyte a job's files go with its container, so the log is where a user finds which
records were refused and why: one WARN line each (target, stream, primary key, reason), up to
`LOGGED_ONE_BY_ONE`, then one line that says how many more there were. A line never holds the
record's fields: the writer clears a reason the API gives of every value the record holds
(`redacted`), since an API may quote the email or name it refused.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import orjson

from destination_crm_contacts.settings import SettingsError


def unwritable(path: str) -> str | None:
    """Why `rejected_records_path` cannot take rejected records, in one sentence; None when it can
    (or is not set). Creates its folder and the file, as the sync would."""
    if not path:
        return None
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with Path(path).open("ab"):
            pass
    except OSError as error:
        return (
            f"rejected_records_path {path!r} cannot be written ({error.strerror or error}): give a file "
            "in a folder the connector can write to, or leave it empty to have rejections only logged."
        )
    return None


LOGGED_ONE_BY_ONE = 100
# Values shorter than this are left in a reason: they would blank out ordinary words.
_SHORTEST_REDACTED = 3


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


class RejectedRecords:
    def __init__(self, path: str, logger: logging.Logger) -> None:
        self._logger = logger
        self._path = path
        self._count = 0
        self._file: IO[bytes] | None = None
        if path:
            problem = unwritable(path)
            if problem is not None:
                raise SettingsError(problem)
            self._file = Path(path).open("ab")  # noqa: SIM115 - open for the whole sync, closed by close()

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
        if self._file is not None:
            line = {
                "target": target,
                "stream": stream,
                "primary_key": key,
                "reason": reason,
                "record": record,
            }
            self._file.write(orjson.dumps(line, default=str) + b"\n")

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def summarize(self) -> None:
        """Says how many rejections the log did not show one by one, if any."""
        if self._count > LOGGED_ONE_BY_ONE:
            self._logger.warning(
                f"{self._count} records were rejected in all; the first {LOGGED_ONE_BY_ONE} are logged "
                f"above with their reasons, {self._count - LOGGED_ONE_BY_ONE} more are not "
                f"({self._where_all()})"
            )

    def _where_all(self) -> str:
        if self._file is not None:
            return f"{self._path} holds every one, with its record"
        return (
            "set rejected_records_path to keep every one in a file, when the connector runs outside Airbyte"
        )

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
