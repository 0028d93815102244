"""The two errors every layer stands on, from the HTTP clients up to the writer: one record
refused, or the whole target out of reach."""

from __future__ import annotations

from airbyte_cdk.models import FailureType


class TargetError(Exception):
    """The target cannot be written to (bad credentials, down after every retry): fails the sync."""

    def __init__(self, message: str, failure_type: FailureType = FailureType.transient_error) -> None:
        super().__init__(message)
        self.failure_type = failure_type


class RecordRejectedError(Exception):
    """The target refused this one contact; the message is the target's reason."""
