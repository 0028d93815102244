"""What a target is to the writer: upsert, create, delete one contact, and list those it manages
(`WriteTarget`, all the writer uses of one). The two errors a target raises live in `errors.py`,
below the clients that raise them too."""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, Protocol, TypeVar

# Re-exported: the targets import them from here as well.
from destination_crm_contacts.errors import FailedAnswer, StillFailingError, TargetError
from destination_crm_contacts.targets.key_index import KeyIndex


class Outcome(Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"
    ALREADY_GONE = "already_gone"


@dataclass(frozen=True, slots=True)
class Written:
    """What an upsert did, and the fields the target still holds although the source emptied
    them: the target offers no way to clear them (counted as `not_cleared`)."""

    outcome: Outcome
    not_cleared: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contact:
    """One source contact as a target sees it: its source key and its record."""

    key: str
    record: Mapping[str, Any]
    stream: str


class CreateRetry:
    """How a create whose answer was lost is retried: wait, look it up, then try again."""

    def __init__(self, attempts: int, sleep: Callable[[float], None] = time.sleep) -> None:
        self.attempts = max(1, attempts)
        self._sleep = sleep

    def pause(self, attempt: int) -> None:
        # Give a slow server time to commit before the lookup, so the lookup sees the contact.
        self._sleep(min(0.5 * 2**attempt, 10.0))


@dataclass(frozen=True)
class WriteContext:
    """What every target of one sync writes with: how a create whose answer was lost is tried
    again, where it logs, and whether it only says what it would write (`dry_run`)."""

    create_retry: CreateRetry
    logger: logging.Logger
    dry_run: bool = False


class WriteTarget(Protocol):
    """All the writer uses of a target: each `Target` is one, and so is a test's target in memory.
    Each method is described on `Target`; a write raises `RecordRejectedError` for its record
    alone, `TargetError` when the target cannot be written to."""

    name: str

    def healthy(self) -> bool: ...

    def prepare(self, mirror: bool = False, first_key: str | None = None) -> None: ...

    def upsert(self, contact: Contact) -> Written: ...

    def create(self, contact: Contact) -> Outcome: ...

    def delete(self, key: str) -> Outcome: ...

    def managed_keys(self) -> set[str]: ...


# What a target keeps of one contact it manages, in its index of them.
Entry = TypeVar("Entry")


class Target(ABC, Generic[Entry]):
    """A target keeps what it knows of the contacts it manages, by source key (`_index`, None
    while it has not read them or cannot list them), and creates a contact so that a lost answer
    never makes two."""

    name: str

    def __init__(self, context: WriteContext) -> None:
        self._create_retry = context.create_retry
        self._logger = context.logger
        self._dry_run = context.dry_run
        self._lock = threading.Lock()
        self._index: KeyIndex[Entry] | None = None

    @abstractmethod
    def check(self) -> str | None:
        """Proves the target answers, accepts the credentials and reads requests as they are sent;
        returns what it found, when there is more to say than that it works."""

    @abstractmethod
    def healthy(self) -> bool:
        """Whether the target answers a harmless read now: a write that keeps failing while it
        does is that record's failure, not an outage."""

    @abstractmethod
    def prepare(self, mirror: bool = False, first_key: str | None = None) -> None:
        """Work done once per sync before the first write (reading what the target holds).
        `mirror`: the sync will delete what it did not send (`overwrite`); a target that cannot
        list the contacts it manages raises a config error here, before anything is written.
        `first_key`: the key of the sync's first record, which a target may look up here."""

    @abstractmethod
    def upsert(self, contact: Contact) -> Written:
        """Create the contact, or update the one matched by its key (unchanged: no write)."""

    @abstractmethod
    def create(self, contact: Contact) -> Outcome:
        """Create the contact without looking for an existing one (`append`)."""

    @abstractmethod
    def delete(self, key: str) -> Outcome:
        """Delete the contact of this source key; one already gone counts as deleted."""

    @abstractmethod
    def managed_keys(self) -> set[str]:
        """Source keys of every contact this connector manages in the target."""

    def _create_once(
        self,
        key: str,
        send: Callable[[], str | FailedAnswer | None],
        entry: Callable[[str], Entry],
        look_up: Callable[[], Entry | None],
        not_found: str,
    ) -> Outcome:
        """Create the contact of `key` by `send` (the new id, or None when the answer was lost).
        A create whose answer was lost may have committed: the contact is looked up before the
        create is tried again. `entry` is what the index keeps of a contact created with an id."""
        if self._dry_run:
            self._remember(key, entry(""))
            return Outcome.CREATED
        failed: FailedAnswer | None = None
        for attempt in range(self._create_retry.attempts):
            answer = send()
            failed = answer if isinstance(answer, FailedAnswer) else None
            created = None if failed is not None else answer
            if isinstance(created, str) and created:
                self._remember(key, entry(created))
                return Outcome.CREATED
            if created is None:
                self._logger.warning(
                    f"{self.name}: the answer to creating source key {key} was lost; looking it up"
                )
                self._create_retry.pause(attempt)
            found = look_up()
            if found is not None:
                self._remember(key, found)
                return Outcome.CREATED
        answer = f"{failed.reason}" if failed is not None else "no answer"
        message = (
            f"{self.name}: creating the contact of source key {key} failed "
            f"{self._create_retry.attempts} times ({answer}, and {not_found})"
        )
        if failed is not None and failed.status == 500:
            raise StillFailingError(message, failed.suspect)
        raise TargetError(message)

    def _remember(self, key: str, entry: Entry) -> None:
        with self._lock:
            if self._index is not None:
                self._index[key] = entry

    def _forget(self, key: str) -> None:
        with self._lock:
            if self._index is not None:
                self._index.pop(key, None)
