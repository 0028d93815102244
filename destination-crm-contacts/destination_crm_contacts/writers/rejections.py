"""Where rejected records go: the log, and a JSON Lines file when one is configured."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import orjson
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException


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


class RejectedRecords:
    def __init__(self, path: str, logger: logging.Logger) -> None:
        self._logger = logger
        self._file: IO[bytes] | None = None
        if path:
            problem = unwritable(path)
            if problem is not None:
                raise AirbyteTracedException(
                    message=problem, internal_message=problem, failure_type=FailureType.config_error
                )
            self._file = Path(path).open("ab")  # noqa: SIM115 - open for the whole sync, closed by close()

    def add(
        self, target: str, stream: str, key: str | None, reason: str, record: Mapping[str, Any] | None
    ) -> None:
        self._logger.warning(f"{target}: rejected record of stream {stream!r}, primary key {key!r}: {reason}")
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

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
