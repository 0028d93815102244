"""Reading through the connector's entrypoint, in-process, from a sandbox running as its own process."""

from __future__ import annotations

from typing import Any

from airbyte_cdk.models import AirbyteStateMessage, ConfiguredAirbyteCatalog, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.models.outcome import ExpectedOutcome

from source_custom_contacts import SourceCustomContacts


def catalog(*streams: tuple[str, SyncMode]) -> ConfiguredAirbyteCatalog:
    builder = CatalogBuilder()
    for name, mode in streams:
        builder.with_stream(name, mode)
    return builder.build()


def read_source(
    config: dict[str, Any],
    configured_catalog: ConfiguredAirbyteCatalog,
    state: list[AirbyteStateMessage] | None = None,
    expecting_failure: bool = False,
    source: SourceCustomContacts | None = None,
) -> EntrypointOutput:
    outcome = ExpectedOutcome.EXPECT_EXCEPTION if expecting_failure else ExpectedOutcome.EXPECT_SUCCESS
    source = SourceCustomContacts() if source is None else source
    return read(source, config, configured_catalog, state, expected_outcome=outcome)


def final_states(output: EntrypointOutput) -> list[AirbyteStateMessage]:
    """The last state of each stream: what the platform hands to the next sync."""
    latest = {message.state.stream.stream_descriptor.name: message.state for message in output.state_messages}
    return list(latest.values())


def records_of(output: EntrypointOutput, stream: str = "contacts") -> list[dict[str, Any]]:
    return [m.record.data for m in output.records if m.record.stream == stream]


def mirrored(*outputs: EntrypointOutput) -> dict[str, dict[str, Any]]:
    """What a destination in append-dedup mode holds after the reads' contacts, in order: last
    version wins, tombstones delete."""
    mirror: dict[str, dict[str, Any]] = {}
    for output in outputs:
        for record in records_of(output):
            if record.get("_ab_cdc_deleted_at"):
                mirror.pop(record["id"], None)
            else:
                mirror[record["id"]] = record
    return mirror


def comparable(contact: dict[str, Any]) -> tuple[Any, ...]:
    """The fields the connector passes through untouched (labels and type are normalised)."""
    return (
        contact.get("first_name"),
        contact.get("last_name"),
        contact.get("company"),
        [phone.get("number") for phone in contact.get("phones") or []],
        [email.get("email") for email in contact.get("emails") or []],
    )
