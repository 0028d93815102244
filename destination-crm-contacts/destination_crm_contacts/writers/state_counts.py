"""What each STATE confirms: the records since the one before it (`destinationStats.recordCount`)
and, of them, those a target rejected (`rejectedRecordCount`).

The protocol's `destinationStats` has both fields; the CDK's dataclass, and so its serializer,
knows only `recordCount`. `DestinationStats` adds the other, and `serialized` writes it out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import orjson
from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteMessageSerializer,
    AirbyteStateMessage,
    AirbyteStateStats,
    AirbyteStateType,
    Type,
)

from destination_crm_contacts.writers.streams import stream_name


@dataclass
class DestinationStats(AirbyteStateStats):
    """The protocol's destinationStats, with the rejected records the CDK's dataclass leaves out."""

    rejectedRecordCount: float | None = None  # noqa: N815 (the protocol's name)


class StateCounts:
    """Records and rejected records per stream since the last STATE that covered them."""

    def __init__(self) -> None:
        self._records: Counter[str] = Counter()
        self._rejected: Counter[str] = Counter()

    def record(self, stream: str) -> None:
        self._records[stream] += 1

    def rejected(self, stream: str) -> None:
        """A record of `stream` that some target refused (counted once, however many refused it)."""
        self._rejected[stream] += 1

    def confirm(self, state: AirbyteStateMessage) -> AirbyteMessage:
        """The state, with the counts it confirms (Airbyte and PyAirbyte read them)."""
        if state.type == AirbyteStateType.STREAM and state.stream is not None:
            descriptor = state.stream.stream_descriptor
            name = stream_name(descriptor.namespace, descriptor.name)
            records, rejected = self._records.pop(name, 0), self._rejected.pop(name, 0)
        else:
            records, rejected = sum(self._records.values()), sum(self._rejected.values())
            self._records.clear()
            self._rejected.clear()
        state.destinationStats = DestinationStats(
            recordCount=float(records), rejectedRecordCount=float(rejected)
        )
        return AirbyteMessage(type=Type.STATE, state=state)


def serialized(message: AirbyteMessage) -> str:
    """The message as the CDK writes it to stdout, with a STATE's rejectedRecordCount."""
    data = AirbyteMessageSerializer.dump(message)
    stats = message.state.destinationStats if message.state is not None else None
    if isinstance(stats, DestinationStats) and stats.rejectedRecordCount is not None:
        data["state"]["destinationStats"]["rejectedRecordCount"] = stats.rejectedRecordCount
    return orjson.dumps(data).decode()
