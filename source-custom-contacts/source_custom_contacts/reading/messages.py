"""The messages a read hands the CDK: records ready to print, and the ESTIMATE of a stream's size."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from typing import Any

from airbyte_cdk.models import (
    AirbyteEstimateTraceMessage,
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteTraceMessage,
    EstimateType,
    TraceType,
    Type,
)
from airbyte_cdk.sources.streams.core import StreamData


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
