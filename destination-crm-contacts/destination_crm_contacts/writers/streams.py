"""How each configured stream is written: its name, sync mode and primary key, read once from
the catalog before anything is written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from airbyte_cdk.models import ConfiguredAirbyteCatalog, DestinationSyncMode

from destination_crm_contacts.settings import SettingsError


def stream_name(namespace: str | None, name: str) -> str:
    return f"{namespace}.{name}" if namespace else name


@dataclass(frozen=True)
class StreamPlan:
    name: str
    mode: DestinationSyncMode
    primary_key: Sequence[Sequence[str]]
    ignored: bool


# The spec's supported_destination_sync_modes; any other mode would be guessed at, and a guess
# such as a hard delete for `soft_delete` loses data.
SUPPORTED_MODES = (
    DestinationSyncMode.append,
    DestinationSyncMode.append_dedup,
    DestinationSyncMode.overwrite,
)


def plan_streams(catalog: ConfiguredAirbyteCatalog, ignored: Iterable[str]) -> dict[str, StreamPlan]:
    """How each configured stream is written; refuses, before anything is written, a sync mode
    the destination does not support."""
    ignored = set(ignored)
    plans = {}
    for configured in catalog.streams:
        stream = configured.stream
        name = stream_name(stream.namespace, stream.name)
        mode = configured.destination_sync_mode or DestinationSyncMode.append_dedup
        if mode not in SUPPORTED_MODES:
            raise SettingsError(
                f"Stream {name!r} asks for destination sync mode {mode.value!r}, which this "
                f"destination does not support. Choose one of "
                f"{', '.join(m.value for m in SUPPORTED_MODES)} in the connection's settings."
            )
        primary_key = configured.primary_key or stream.source_defined_primary_key or [["id"]]
        plans[name] = StreamPlan(
            name=name,
            mode=mode,
            primary_key=primary_key,
            ignored=stream.name in ignored or name in ignored,
        )
    return plans
