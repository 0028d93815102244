"""Where rejected records go: the log, and a JSON Lines file when one is configured."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import orjson


class RejectedRecords:
    def __init__(self, path: str, logger: logging.Logger) -> None:
        self._logger = logger
        self._file: IO[bytes] | None = None
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
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
