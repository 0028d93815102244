"""Airbyte messages from stdin, line by line: a bad line is reported and skipped, never fatal, so
the records around it are still written."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

import orjson
from airbyte_cdk.models import AirbyteMessage, AirbyteMessageSerializer

_SHOWN = 200


class InputMessages:
    def __init__(self, lines: Iterable[bytes], logger: logging.Logger) -> None:
        self._lines = lines
        self._logger = logger
        self.invalid_lines = 0

    def __iter__(self) -> Iterator[AirbyteMessage]:
        for number, line in enumerate(self._lines, start=1):
            if not line.strip():
                continue
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                self._report(number, line, f"is not JSON ({error})")
                continue
            if not isinstance(data, dict) or "type" not in data:
                self._report(number, line, "is not an Airbyte message (a JSON object with a type)")
                continue
            try:
                message = AirbyteMessageSerializer.load(data)
            except Exception as error:  # the serializer raises several types; all mean "malformed"
                self._report(number, line, f"is not a valid Airbyte message ({error})")
                continue
            yield message

    def _report(self, number: int, line: bytes, problem: str) -> None:
        self.invalid_lines += 1
        shown = line[:_SHOWN].decode("utf-8", errors="replace").rstrip()
        more = "..." if len(line) > _SHOWN else ""
        self._logger.warning(f"input line {number} {problem}; skipped it: {shown}{more}")
