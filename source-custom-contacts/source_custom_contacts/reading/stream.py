"""A CDK stream read by one long read that checkpoints as it goes.

The read is one generator for the whole stream: pages stay in flight and the emitted ids stay in
memory from one checkpoint to the next. The CDK emits a STATE after each slice, so a slice is the
stretch of the read up to its next `Checkpoint`: `read_records` hands out the read's messages
until one comes, takes its state, and returns. A stream with a cursor gets one slice per
checkpoint from `stream_slices`; one without (the CDK's resumable full refresh) is read again
until its state says the read is complete.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import Any, Protocol

from airbyte_cdk.models import SyncMode
from airbyte_cdk.sources.streams import CheckpointMixin, Stream
from airbyte_cdk.sources.streams.core import StreamData

from source_custom_contacts.auth import Clock
from source_custom_contacts.reading.checkpoint import COMPLETE, RESUME_KEY, Checkpoint
from source_custom_contacts.reading.page_size import ServedPageSize
from source_custom_contacts.reading.pages import EmptyPageLoopError

ReadItem = StreamData | Checkpoint


class PagedStream(Protocol):
    """What every read is told of its stream, besides how to fetch its pages."""

    name: str
    served: ServedPageSize
    clock: Clock
    max_in_flight: int

    @property
    def logger(self) -> logging.Logger: ...


class CheckpointedStream(Stream, CheckpointMixin):
    """Each stream says how it reads (`_read`) and which states it keeps (`_accept`)."""

    def __init__(self, restart: bool = False) -> None:
        # A read that feeds a sweep starts over whatever it is given (see `checkpoint.py`).
        self._restart = restart
        self._state: MutableMapping[str, Any] = {}
        self._read: Iterator[ReadItem] | None = None
        self._finished = False

    @property
    def state(self) -> MutableMapping[str, Any]:
        return self._state

    @state.setter
    def state(self, value: MutableMapping[str, Any]) -> None:
        if value and self._restart:
            value = {key: item for key, item in value.items() if key != RESUME_KEY}
            if value == COMPLETE:
                value = {}
        self._state = self._accept(dict(value)) if value else {}

    def _accept(self, value: dict[str, Any]) -> MutableMapping[str, Any]:
        """The state to keep; raises `unreadable_state` for one that cannot be right."""
        return value

    def _read_items(self, sync_mode: SyncMode) -> Iterator[ReadItem]:
        """The read's messages, a `Checkpoint` at each place it may resume from, and a final one."""
        raise NotImplementedError

    def stream_slices(
        self,
        *,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any] | None]:
        if not self.cursor_field:
            return [None]
        return self._stretches()

    def _stretches(self) -> Iterator[Mapping[str, Any]]:
        # Slices carry a value, so the CDK takes the first without peeking at the second, which
        # only the read can tell.
        stretch = 1
        yield {"stretch": stretch}
        while not self._finished:
            stretch += 1
            yield {"stretch": stretch}

    def read_records(
        self,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_slice: Mapping[str, Any] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[StreamData]:
        if self._finished:
            return
        if self._read is None:
            self._read = self._read_items(sync_mode)
        for item in self._read:
            if isinstance(item, Checkpoint):
                self._state = dict(item.state)
                self._finished = item.final
                return
            yield item
        self._finished = True

    def get_error_display_message(self, exception: BaseException) -> str | None:
        if isinstance(exception, EmptyPageLoopError):
            return (
                f"The API's paging is inconsistent ({exception}); the read stopped rather than loop "
                "forever: report the API's answers to its owner."
            )
        return None
