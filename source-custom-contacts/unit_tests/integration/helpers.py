from __future__ import annotations

from typing import Any

from airbyte_cdk.models import AirbyteStateMessage, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.models.outcome import ExpectedOutcome

from source_custom_contacts import SourceCustomContacts

NOW = 1_800_000_000
LOOKBACK = 60


def source(now: float = NOW) -> SourceCustomContacts:
    # One retry keeps the failure tests short; the CDK waits at least a second before it.
    return SourceCustomContacts(clock=lambda: now, max_retries=1)


def read_stream(
    config: dict[str, Any],
    stream: str,
    sync_mode: SyncMode,
    state: list[AirbyteStateMessage] | None = None,
    expecting_failure: bool = False,
) -> EntrypointOutput:
    catalog = CatalogBuilder().with_stream(stream, sync_mode).build()
    outcome = ExpectedOutcome.EXPECT_EXCEPTION if expecting_failure else ExpectedOutcome.EXPECT_SUCCESS
    return read(source(), config, catalog, state, expected_outcome=outcome)


def record_ids(output: EntrypointOutput) -> list[str]:
    return [message.record.data["id"] for message in output.records]
