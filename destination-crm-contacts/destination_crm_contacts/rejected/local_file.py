"""Rejected records appended to one JSON Lines file, for runs outside Airbyte: inside it, a job's
files are gone with its container."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from destination_crm_contacts.settings import SettingsError


def unwritable(path: str) -> str | None:
    """Why `rejected_records_path` cannot take rejected records, in one sentence; None when it can.
    Creates its folder and the file, as the sync would."""
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


class LocalFile:
    def __init__(self, path: str) -> None:
        problem = unwritable(path)
        if problem is not None:
            raise SettingsError(problem)
        self._path = path
        self._file: IO[bytes] | None = Path(path).open("ab")  # noqa: SIM115 - closed by close()

    def put(self, stream: str, lines: bytes) -> str:
        if self._file is not None:
            self._file.write(lines)
            self._file.flush()
        return self._path

    def put_report(self, report: bytes) -> str | None:
        # The file gathers the rejections of every sync; a report beside it would hold only the last.
        return None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
