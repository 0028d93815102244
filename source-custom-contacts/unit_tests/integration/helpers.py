from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from airbyte_cdk.models import AirbyteErrorTraceMessage, AirbyteStateMessage, FailureType, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest
from airbyte_cdk.test.models.outcome import ExpectedOutcome
from airbyte_cdk.test.state_builder import StateBuilder

from contacts_sandbox.fakes import FakeTime, library_sleeps_on
from source_custom_contacts import SourceCustomContacts
from unit_tests.integration.request_builder import RequestBuilder
from unit_tests.integration.response_builder import jwt, token_response

NOW = 1_800_000_000
LOOKBACK = 60


def source(fake: FakeTime | None = None) -> SourceCustomContacts:
    """The source on a fake clock that starts at NOW; one retry keeps the failure tests short."""
    fake = FakeTime(NOW) if fake is None else fake
    return SourceCustomContacts(clock=fake.clock, max_retries=1, sleep=fake.sleep, monotonic=fake.clock)


def read_stream(
    config: dict[str, Any],
    stream: str,
    sync_mode: SyncMode,
    state: list[AirbyteStateMessage] | None = None,
    expecting_failure: bool = False,
    fake: FakeTime | None = None,
) -> EntrypointOutput:
    """One read on `fake` (a new clock at NOW by default): the CDK's retries wait on it too, so
    no test waits for real and `fake.slept` tells every wait."""
    fake = FakeTime(NOW) if fake is None else fake
    catalog = CatalogBuilder().with_stream(stream, sync_mode).build()
    outcome = ExpectedOutcome.EXPECT_EXCEPTION if expecting_failure else ExpectedOutcome.EXPECT_SUCCESS
    with pytest.MonkeyPatch.context() as patch:
        library_sleeps_on(fake, patch)
        return read(source(fake), config, catalog, state, expected_outcome=outcome)


def read_from_state(
    config: dict[str, Any], stream: str, state: dict[str, Any] | None, expecting_failure: bool = False
) -> EntrypointOutput:
    """An incremental read of `stream` whose saved state is `state` (None: a first sync)."""
    messages = None if state is None else StateBuilder().with_stream_state(stream, state).build()
    return read_stream(config, stream, SyncMode.incremental, messages, expecting_failure)


def read_mocked(
    arrange: Callable[[HttpMocker], object],
    config: dict[str, Any],
    stream: str,
    sync_mode: SyncMode = SyncMode.full_refresh,
    expecting_failure: bool = False,
) -> EntrypointOutput:
    """`read_stream` on the mocks `arrange` sets, failing if one goes unused: for parametrized
    tests, to which pytest cannot hand an `HttpMocker`."""

    @HttpMocker()
    def read_on_mocks(http_mocker: HttpMocker) -> EntrypointOutput:
        arrange(http_mocker)
        return read_stream(config, stream, sync_mode, expecting_failure=expecting_failure)

    output: EntrypointOutput = read_on_mocks()
    return output


def record_ids(output: EntrypointOutput) -> list[str]:
    return [message.record.data["id"] for message in output.records]


def first_error(output: EntrypointOutput, failure_type: FailureType) -> AirbyteErrorTraceMessage:
    """The read's first error, checked to be of `failure_type`."""
    error = output.errors[0].trace.error
    assert error.failure_type == failure_type
    return error


def unreadable_state(expected: str, got: str) -> str:
    """What a read says of a saved state of stream `contacts` it cannot read."""
    return (
        f"The saved state of stream 'contacts' cannot be read: expected {expected}, got {got}. "
        "Fix the state, or reset the stream's data in the connection to read every contact again."
    )


TOKEN = jwt("first", NOW + 3600)


def given_token(http_mocker: HttpMocker, *tokens: str) -> HttpRequest:
    """The Custom API's token endpoint answers `tokens` in turn (by default one token, for good)."""
    request = RequestBuilder.token().build()
    http_mocker.get(request, [token_response(token) for token in tokens or (TOKEN,)])
    return request
