from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from airbyte_cdk.models import (
    AirbyteErrorTraceMessage,
    AirbyteStateMessage,
    DestinationSyncMode,
    FailureType,
    SyncMode,
)
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest
from airbyte_cdk.test.models.outcome import ExpectedOutcome
from airbyte_cdk.test.state_builder import StateBuilder

from contacts_sandbox.fakes import FakeTime, library_sleeps_on
from source_custom_contacts import SourceCustomContacts
from unit_tests.integration.request_builder import RequestBuilder
from unit_tests.integration.response_builder import (
    CompanyPage,
    ContactsPage,
    DeltaPage,
    contact,
    contact_tag,
    jwt,
    token_response,
)

NOW = 1_800_000_000
LOOKBACK = 60
SINCE = NOW - 3600  # the state of an incremental read


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
    into: DestinationSyncMode | None = None,
) -> EntrypointOutput:
    """One read on `fake` (a new clock at NOW by default): the CDK's retries wait on it too, so
    no test waits for real and `fake.slept` tells every wait. `into`: the destination's sync mode,
    which decides whether a read may resume."""
    fake = FakeTime(NOW) if fake is None else fake
    catalog = CatalogBuilder().with_stream(stream, sync_mode).build()
    if into is not None:
        catalog.streams[0].destination_sync_mode = into
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


def given_contact_pages(http_mocker: HttpMocker, *pages: Sequence[str], first: int = 1) -> list[HttpRequest]:
    """The full read answers `pages` of contact ids from page `first` on, each but the last saying
    there is more. Returns the pages' requests, which the mocker counts by identity."""
    last = first + len(pages) - 1
    requests = []
    for number, ids in enumerate(pages, start=first):
        page = ContactsPage()
        for contact_id in ids:
            page.with_record(contact(contact_id))
        if number < last:
            page.with_more()
        requests.append(RequestBuilder.contacts(page=number).build())
        http_mocker.get(requests[-1], page.build())
    return requests


def given_delta_pages(http_mocker: HttpMocker, timestamp: int, *pages: DeltaPage) -> None:
    """The delta from `timestamp` answers `pages` in turn, each but the last saying there is more."""
    for number, page in enumerate(pages, start=1):
        if number < len(pages):
            page.with_more()
        http_mocker.get(RequestBuilder.delta(timestamp, page=number).build(), page.build())


def given_delta_from_state(http_mocker: HttpMocker, *pages: DeltaPage) -> None:
    """The delta of an incremental read from state SINCE answers `pages`, as `given_delta_pages`."""
    given_delta_pages(http_mocker, SINCE - 1, *pages)


def given_a_delta_read(http_mocker: HttpMocker, *pages: DeltaPage) -> None:
    """A token, the delta from state SINCE answering `pages`, and no change while the read ran."""
    given_token(http_mocker)
    given_delta_from_state(http_mocker, *pages)
    given_nothing_changed_since(http_mocker)


def given_nothing_changed_since(http_mocker: HttpMocker, timestamp: int = NOW - 1) -> None:
    """The delta from `timestamp` (by default the second before the read started, from which a
    read checks what changed while it ran) has no change."""
    http_mocker.get(RequestBuilder.delta(timestamp, page=1).build(), DeltaPage().build())


def given_tag_pages(
    http_mocker: HttpMocker, total_records: int, *pages: Sequence[str], first: int = 1
) -> None:
    """The contact tags answer `pages` of tag ids from page `first` on, of a list of `total_records`."""
    last = first + len(pages) - 1
    for number, ids in enumerate(pages, start=first):
        page = CompanyPage(number, total_pages=last, total_records=total_records)
        for tag_id in ids:
            page.with_record(contact_tag(tag_id))
        http_mocker.get(RequestBuilder.company_tags(number).build(), page.build())
