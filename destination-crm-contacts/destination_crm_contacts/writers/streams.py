"""How each configured stream is written: its name, sync mode, primary key, and whether it sweeps,
read once from the catalog before anything is written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from airbyte_cdk.models import ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, DestinationSyncMode

from destination_crm_contacts.settings import SettingsError

OVERWRITE = "overwrite"
TRUNCATE_REFRESH = "truncate refresh"


def stream_name(namespace: str | None, name: str) -> str:
    return f"{namespace}.{name}" if namespace else name


@dataclass(frozen=True)
class StreamPlan:
    name: str
    mode: DestinationSyncMode
    primary_key: Sequence[Sequence[str]]
    ignored: bool
    # Why the stream sweeps (deletes, once it completes, the managed contacts it did not write):
    # OVERWRITE or TRUNCATE_REFRESH; None when it deletes only what its tombstones name.
    sweep: str | None = None


# The spec's supported_destination_sync_modes; any other mode would be guessed at, and a guess
# such as a hard delete for `soft_delete` loses data.
SUPPORTED_MODES = (
    DestinationSyncMode.append,
    DestinationSyncMode.append_dedup,
    DestinationSyncMode.overwrite,
)


def generation_ids(configured: ConfiguredAirbyteStream) -> tuple[int, int] | None:
    """(generation_id, minimum_generation_id), or None when the catalog says nothing of them.

    PyAirbyte and the CDK's catalog helpers fill in 1, 1 and sync id 1 for a catalog that has no
    generation ids, on every write: read as a truncate refresh, each incremental write would
    delete every contact it did not carry. Airbyte gives each sync its job id as sync id, so these
    three ones together are taken as no generation ids at all.
    """
    generation, minimum = configured.generation_id, configured.minimum_generation_id
    if generation is None or minimum is None:
        return None
    if (generation, minimum, configured.sync_id) == (1, 1, 1):
        return None
    return int(generation), int(minimum)


def sweep_of(configured: ConfiguredAirbyteStream, mode: DestinationSyncMode) -> str | None:
    """Generation ids decide where the catalog has them: a minimum equal to the generation (above 0)
    is a truncate refresh, anything else a merge refresh or a plain sync, which never sweeps.
    Without them, `overwrite` sweeps."""
    ids = generation_ids(configured)
    if ids is None:
        return OVERWRITE if mode == DestinationSyncMode.overwrite else None
    generation, minimum = ids
    if minimum != generation or generation <= 0:
        return None
    return OVERWRITE if mode == DestinationSyncMode.overwrite else TRUNCATE_REFRESH


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
        sweep = sweep_of(configured, mode)
        if sweep is not None and mode == DestinationSyncMode.append:
            # Airbyte sends "Full refresh | Overwrite" to a destination that supports refreshes as
            # `append` with a truncate refresh. The sweep matches contacts by source key, so a
            # contact created again beside the old one would outlive it: each is upserted instead,
            # which leaves what the truncate leaves, one contact per record of this generation.
            mode = DestinationSyncMode.append_dedup
        primary_key = configured.primary_key or stream.source_defined_primary_key or [["id"]]
        plans[name] = StreamPlan(
            name=name,
            mode=mode,
            primary_key=primary_key,
            ignored=stream.name in ignored or name in ignored,
            sweep=sweep,
        )
    return plans
