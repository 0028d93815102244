"""Airbyte messages from stdin, line by line.

A line that cannot be read at all stops the sync where it stands. Its record is unknown, so
skipping it would lose the record for good once a later STATE is confirmed; stopping leaves the
last confirmed STATE in force, and the platform's retry sends the line's record again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson
from airbyte_cdk.models import AirbyteMessage, AirbyteMessageSerializer, FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

_SHOWN = 200


class UnreadableInputError(AirbyteTracedException):
    """A line of the input that is not an Airbyte message."""

    def __init__(self, number: int, line: bytes, problem: str) -> None:
        shown = line[:_SHOWN].decode("utf-8", errors="replace").rstrip()
        more = "..." if len(line) > _SHOWN else ""
        message = (
            f"Input line {number} {problem}, so the sync stops before confirming any later state: "
            "what was written before stays, and a retry resends everything after the last confirmed "
            "state. If this repeats, the source or the platform is writing broken messages."
        )
        super().__init__(
            message=message,
            internal_message=f"input line {number} {problem}: {shown}{more}",
            failure_type=FailureType.system_error,
        )
        self.line_number = number


class InputMessages:
    def __init__(self, lines: Iterable[bytes]) -> None:
        self._lines = lines

    def __iter__(self) -> Iterator[AirbyteMessage]:
        for number, line in enumerate(self._lines, start=1):
            if not line.strip():
                continue
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                raise UnreadableInputError(number, line, f"is not JSON ({error})") from error
            if not isinstance(data, dict) or "type" not in data:
                problem = "is not an Airbyte message (a JSON object with a type)"
                raise UnreadableInputError(number, line, problem)
            try:
                message = AirbyteMessageSerializer.load(data)
            except Exception as error:  # the serializer raises several types; all mean "malformed"
                problem = f"is not a valid Airbyte message ({error})"
                raise UnreadableInputError(number, line, problem) from error
            yield message
