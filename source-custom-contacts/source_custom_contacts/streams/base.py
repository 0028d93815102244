"""What every stream of this source shares: its schema file, and how bad state is reported."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from functools import cache
from importlib import resources
from typing import Any, Generic, TypeVar

from airbyte_cdk.models import (
    AirbyteEstimateTraceMessage,
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteTraceMessage,
    EstimateType,
    SyncMode,
    TraceType,
    Type,
)
from airbyte_cdk.sources.streams import CheckpointMixin, Stream
from airbyte_cdk.sources.streams.core import StreamData

from source_custom_contacts.auth import Clock
from source_custom_contacts.client import ApiClient
from source_custom_contacts.reading.pages import EmptyPageLoopError
from source_custom_contacts.reading.progress import ReadProgress


@cache
def load_schema(name: str) -> Mapping[str, Any]:
    """Read once: the CDK asks for a stream's schema for every record it wraps."""
    text = resources.files("source_custom_contacts").joinpath("schemas", f"{name}.json").read_text("utf-8")
    schema: Mapping[str, Any] = json.loads(text)
    return schema


def now_millis() -> int:
    """The record messages' `emitted_at`: taken once per page, whose records all arrived together."""
    return time.time_ns() // 1_000_000


def record_message(stream_name: str, data: dict[str, Any], emitted_at: int) -> AirbyteMessage:
    """A record ready to print. The CDK passes messages through as they are, so it neither copies
    the record nor walks it against the schema (this source's records already match it)."""
    return AirbyteMessage(
        type=Type.RECORD, record=AirbyteRecordMessage(stream=stream_name, data=data, emitted_at=emitted_at)
    )


def row_estimate(stream_name: str, rows: int) -> AirbyteMessage:
    """How many records the stream's read will emit, as Airbyte's UI measures its progress by.
    Only an API that counts its list can say: see the README."""
    return AirbyteMessage(
        type=Type.TRACE,
        trace=AirbyteTraceMessage(
            type=TraceType.ESTIMATE,
            emitted_at=float(now_millis()),
            estimate=AirbyteEstimateTraceMessage(
                name=stream_name, type=EstimateType.STREAM, row_estimate=rows
            ),
        ),
    )


def page_messages(stream_name: str, items: Iterable[Any], logger: logging.Logger) -> Iterator[StreamData]:
    """One page of the API's items as record messages. An item that is not a JSON object cannot
    be a record: it is reported by its type alone (it may hold a person's data), and the read goes on."""
    emitted_at = now_millis()
    skipped: list[str] = []
    for item in items:
        if item.__class__ is dict:
            yield record_message(stream_name, item, emitted_at)
        else:
            skipped.append(type(item).__name__)
    if skipped:
        logger.error(
            f"Skipped {len(skipped)} item(s) of stream '{stream_name}' that are not JSON objects "
            f"({', '.join(skipped)}) and so cannot be records; report the API's answer to its owner."
        )


class SchemaFileStream(Stream):
    """A stream whose JSON schema is a file in schemas/, named independently of the stream, and
    whose read is counted and logged (see `progress.py`). Each stream says only how it reads its
    records, in `_records`."""

    schema_file: str
    _client: ApiClient
    _clock: Clock

    def read_records(
        self,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_slice: Mapping[str, Any] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[StreamData]:
        """Yields record messages rather than dicts: see `record_message`."""
        progress = ReadProgress(self.name, self._client.answers, self._clock, self.logger)
        yield from progress.counted(self._records(sync_mode, progress))
        progress.finished()

    def _records(self, sync_mode: SyncMode, progress: ReadProgress) -> Iterator[StreamData]:
        """The stream's record messages, each page told to `progress` as it is read."""
        raise NotImplementedError

    def get_error_display_message(self, exception: BaseException) -> str | None:
        if isinstance(exception, EmptyPageLoopError):
            return (
                f"The API's paging is inconsistent ({exception}); the read stopped rather than loop "
                "forever: report the API's answers to its owner."
            )
        return None

    # The base class caches this per instance with lru_cache; load_schema already reads each file once.
    def get_json_schema(self) -> Mapping[str, Any]:  # type: ignore[override]
        return load_schema(self.schema_file)


Since = TypeVar("Since")


class SyncStartStateStream(SchemaFileStream, CheckpointMixin, Generic[Since]):
    """A stream whose state is the time a sync began less the lookback. Each stream says only how
    it reads a saved state, in `_read_state`; an empty state means a first sync."""

    def __init__(
        self,
        client: ApiClient,
        page_size: int,
        lookback_window_seconds: int,
        max_in_flight: int,
        clock: Clock = time.time,
    ) -> None:
        self._client = client
        self._page_size = page_size
        self._lookback = lookback_window_seconds
        self._max_in_flight = max_in_flight
        self._clock = clock
        self._state: MutableMapping[str, Any] = {}
        self._since: Since | None = None

    @property
    def state(self) -> MutableMapping[str, Any]:
        return self._state

    @state.setter
    def state(self, value: MutableMapping[str, Any]) -> None:
        if not value:
            self._state, self._since = {}, None
            return
        self._state, self._since = self._read_state(value)

    def _read_state(self, value: Mapping[str, Any]) -> tuple[MutableMapping[str, Any], Since]:
        """The state to keep and the time it stands for; raises `unreadable_state` if it can't."""
        raise NotImplementedError
