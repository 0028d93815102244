"""What every stream of this source shares: its schema file, its client, and how its read is
counted, logged and checkpointed (the read itself is in `reading/`)."""

from __future__ import annotations

import json
import time
from abc import abstractmethod
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Generic, TypeVar

from airbyte_cdk.models import SyncMode

from source_custom_contacts.auth import Clock
from source_custom_contacts.client import ApiClient
from source_custom_contacts.reading.checkpoint import COMPLETE, Cadence, Checkpoint, Position, ReadRun
from source_custom_contacts.reading.page_size import ServedPageSize
from source_custom_contacts.reading.progress import ReadProgress
from source_custom_contacts.reading.stream import CheckpointedStream, ReadItem

Since = TypeVar("Since")


@cache
def load_schema(name: str) -> Mapping[str, Any]:
    """Read once: the CDK asks for a stream's schema for every record it wraps."""
    text = resources.files("source_custom_contacts").joinpath("schemas", f"{name}.json").read_text("utf-8")
    schema: Mapping[str, Any] = json.loads(text)
    return schema


@dataclass(frozen=True)
class Paging:
    """How a stream reads its API's list: through `client`, in pages of `page_size`, up to
    `max_in_flight` at once; `restart`: from the start, whatever an earlier attempt kept."""

    client: ApiClient
    page_size: int
    max_in_flight: int
    clock: Clock = time.time
    restart: bool = False


class ApiStream(CheckpointedStream):
    """A stream of one API's list, read as its `Paging` says."""

    schema_file: str

    def __init__(self, paging: Paging) -> None:
        super().__init__(paging.restart)
        self._client = paging.client
        self._page_size = paging.page_size
        self.max_in_flight = paging.max_in_flight
        self.clock = paging.clock
        self.served = ServedPageSize(paging.page_size, paging.client.api_name, self.logger)

    def _run(self, started: float, seen_at: str, **around: Any) -> ReadRun:
        progress = ReadProgress(self.name, self._client.answers, self.clock, self.logger)
        return ReadRun(started, seen_at, progress, Cadence(self.clock), around)

    def _started(self, resume: Position | None) -> float:
        """When the read began: now, or when the attempt it resumes began. A resumed read asks
        pages of the size its first attempt asked: they are numbered in it."""
        if resume is None:
            return self.clock()
        self.served = ServedPageSize(resume.page_size, self._client.api_name, self.logger)
        return resume.started

    # The base class caches this per instance with lru_cache; load_schema already reads each file once.
    def get_json_schema(self) -> Mapping[str, Any]:  # type: ignore[override]
        return load_schema(self.schema_file)


class ContactsStream(ApiStream, Generic[Since]):
    """A contacts list read whole, or incrementally from the time its state keeps under
    `state_key` (`_since`, None without one); each read's state is its start less the lookback."""

    name = "contacts"
    primary_key = "id"
    state_key: str

    def __init__(self, paging: Paging, lookback_window_seconds: int) -> None:
        super().__init__(paging)
        self._lookback = lookback_window_seconds
        self._since: Since | None = None

    def _accept(self, value: dict[str, Any]) -> MutableMapping[str, Any]:
        self._since = None
        if self.state_key not in value:
            return value  # a first read's checkpoint, or a full refresh's
        return self._accept_since(value)

    @abstractmethod
    def _accept_since(self, value: dict[str, Any]) -> MutableMapping[str, Any]:
        """A saved incremental state, which sets `_since`, as the stream keeps it."""

    def _read_items(self, sync_mode: SyncMode) -> Iterator[ReadItem]:
        if sync_mode != SyncMode.incremental and self._state == COMPLETE:
            yield Checkpoint(COMPLETE, final=True)  # read whole by an earlier attempt
            return
        yield from self._read_contacts(sync_mode == SyncMode.incremental)

    @abstractmethod
    def _read_contacts(self, incremental: bool) -> Iterator[ReadItem]:
        """The read, ending with its final checkpoint."""
