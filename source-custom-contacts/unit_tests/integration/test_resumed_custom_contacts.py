"""Stream `contacts` of the Custom Contact Source API, resumed from a checkpoint, against mocked HTTP."""

from __future__ import annotations

from typing import Any
from unittest import TestCase

from airbyte_cdk.models import DestinationSyncMode, SyncMode
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.state_builder import StateBuilder

from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.helpers import LOOKBACK, NOW, given_token, read_stream, record_ids
from unit_tests.integration.request_builder import RequestBuilder
from unit_tests.integration.response_builder import ContactsPage, DeltaPage, contact

STARTED = NOW - 600  # the first attempt began ten minutes ago
WINDOW = NOW - 300  # and had settled every move up to five minutes ago
KEPT = {"started": STARTED, "window": WINDOW, "page": 3, "page_size": 2, "contacts": 4, "last_id": "4"}


def _resumed(state: dict[str, Any], into: DestinationSyncMode) -> EntrypointOutput:
    messages = StateBuilder().with_stream_state("contacts", state).build()
    return read_stream(ConfigBuilder.custom().build(), "contacts", SyncMode.incremental, messages, into=into)


class TestFirstIncrementalReadResumed(TestCase):
    @HttpMocker()
    def test_given_nothing_moved_since_the_checkpoint_when_resumed_then_it_reads_from_the_page_kept(
        self, http_mocker: HttpMocker
    ) -> None:
        given_token(http_mocker)
        # What moved since the checkpoint (nothing), then the check after the pass.
        http_mocker.get(RequestBuilder.delta(WINDOW - 1, 1).build(), DeltaPage().build())
        http_mocker.get(RequestBuilder.delta(NOW - 1, 1).build(), DeltaPage().build())
        http_mocker.get(
            RequestBuilder.contacts(3).build(),
            ContactsPage().with_record(contact("5")).with_record(contact("6")).build(),
        )

        output = _resumed({"resume": KEPT}, DestinationSyncMode.append_dedup)

        assert record_ids(output) == ["5", "6"]
        final = output.state_messages[-1].state.stream.stream_state.__dict__
        assert final["timestamp"] == STARTED - LOOKBACK  # the whole read's start, not this attempt's
        assert (final["contacts"], final["last_id"]) == (6, "6")

    @HttpMocker()
    def test_given_contacts_deleted_since_the_checkpoint_when_resumed_then_it_goes_back_as_many_places(
        self, http_mocker: HttpMocker
    ) -> None:
        given_token(http_mocker)
        http_mocker.get(
            RequestBuilder.delta(WINDOW - 1, 1).build(),
            DeltaPage().with_deleted("1").with_deleted("2").build(),
        )
        http_mocker.get(RequestBuilder.delta(NOW - 1, 1).build(), DeltaPage().build())
        # Two contacts left before page 3: the two that were first on it are now on page 2.
        http_mocker.get(
            RequestBuilder.contacts(2).build(),
            ContactsPage().with_record(contact("5")).with_record(contact("6")).with_more().build(),
        )
        http_mocker.get(RequestBuilder.contacts(3).build(), ContactsPage().with_record(contact("7")).build())

        output = _resumed({"resume": KEPT}, DestinationSyncMode.append_dedup)

        assert record_ids(output) == ["5", "6", "7"]

    @HttpMocker()
    def test_given_a_read_into_overwrite_when_given_a_checkpoint_then_it_reads_from_page_1(
        self, http_mocker: HttpMocker
    ) -> None:
        given_token(http_mocker)
        http_mocker.get(
            RequestBuilder.contacts(1).build(),
            ContactsPage().with_record(contact("1")).with_record(contact("2")).build(),
        )

        output = _resumed({"resume": KEPT}, DestinationSyncMode.overwrite)

        assert record_ids(output) == ["1", "2"]
        assert output.state_messages[-1].state.stream.stream_state.__dict__["timestamp"] == NOW - LOOKBACK
