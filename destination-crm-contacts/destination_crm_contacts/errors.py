"""The errors every layer stands on, from the HTTP clients up to the writer: one record refused,
the whole target out of reach, or a write that still failed, which may be either."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from airbyte_cdk.models import FailureType


class TargetError(Exception):
    """The target cannot be written to (bad credentials, down after every retry): fails the sync."""

    def __init__(self, message: str, failure_type: FailureType = FailureType.transient_error) -> None:
        super().__init__(message)
        self.failure_type = failure_type


@dataclass(frozen=True)
class Suspect:
    """A reading a write's bare 500 may come from, which no request that writes nothing can show
    (a CRM typing the phone Integer that leaves its refusal unhandled): while `unlearnt()`, several
    writes of a batch failing alike, and nothing else failing, are that reading, not their records.
    `failure` words the sync's failure then, naming the setting that pins it."""

    failure: str
    unlearnt: Callable[[], bool] = field(compare=False)


class StillFailingError(TargetError):
    """A write that still failed after its retries (a 5xx, or a create whose answer never came and
    that a lookup did not find): an outage, or one record the server cannot take. The writer tells
    them apart by the other writes of the target (see `Target.healthy`), and by a `suspect` reading
    shared by several."""

    def __init__(self, message: str, suspect: Suspect | None = None) -> None:
        super().__init__(message)
        self.suspect = suspect


class RecordRejectedError(Exception):
    """The target refused this one contact; the message is the target's reason."""


@dataclass(frozen=True)
class FailedAnswer:
    """A create answered with a 5xx: like a lost answer it may have committed, so it is looked up
    before it is tried again; a 500 that persists may be the record's own failure."""

    status: int
    reason: str
    suspect: Suspect | None = None
