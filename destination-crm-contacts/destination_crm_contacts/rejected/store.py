"""What the writer needs of the place rejected records go, whichever it is."""

from __future__ import annotations

from typing import Protocol

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException


class RejectedStore(Protocol):
    def put(self, stream: str, lines: bytes) -> str:
        """Keeps one flush's rejected records of `stream` (JSON Lines) before any STATE that covers
        them goes out; answers where they are, as a user would name it (a path, an s3:// URL)."""
        ...

    def put_report(self, report: bytes) -> str | None:
        """Keeps the sync's report beside the records; None where the store keeps no report."""
        ...

    def close(self) -> None: ...


class StorageError(AirbyteTracedException):
    """Rejected records could not be kept: the sync stops before it confirms any later STATE."""

    def __init__(self, message: str, failure_type: FailureType) -> None:
        super().__init__(message=message, internal_message=message, failure_type=failure_type)
