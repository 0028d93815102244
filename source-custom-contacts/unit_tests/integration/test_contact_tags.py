"""Stream `contact_tags` of the Company Contacts API (full refresh only), against mocked HTTP."""

from __future__ import annotations

from typing import Any
from unittest import TestCase

from airbyte_cdk.models import DestinationSyncMode, SyncMode
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.state_builder import StateBuilder

from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.helpers import NOW, given_tag_pages, read_stream, record_ids


class TestFullRefresh(TestCase):
    @HttpMocker()
    def test_given_two_pages_of_tags_when_read_then_every_tag_is_emitted_once(self, http_mocker: HttpMocker):
        given_tag_pages(http_mocker, 3, ["42", "57"], ["60"])

        output = read_stream(ConfigBuilder.company().build(), "contact_tags", SyncMode.full_refresh)

        assert record_ids(output) == ["42", "57", "60"]
        assert output.records[0].record.data["_count"] == {"contact_tag": 38}


def _read_into_append(state: dict[str, Any]) -> EntrypointOutput:
    """A full refresh into a destination that keeps what it has (no sweep): a read that resumes."""
    messages = StateBuilder().with_stream_state("contact_tags", state).build()
    config = ConfigBuilder.company().build()
    return read_stream(
        config, "contact_tags", SyncMode.full_refresh, messages, into=DestinationSyncMode.append
    )


class TestResumableFullRefresh(TestCase):
    @HttpMocker()
    def test_given_a_checkpoint_kept_at_page_3_when_read_then_it_goes_on_a_page_before_and_ends_complete(
        self, http_mocker: HttpMocker
    ) -> None:
        given_tag_pages(http_mocker, 5, ["57", "58"], ["60"], first=2)
        resume = {"started": NOW, "window": NOW, "page": 3, "page_size": 2, "listed": 5, "checked": NOW}

        output = _read_into_append({"resume": resume})

        assert record_ids(output) == ["57", "58", "60"]
        assert output.state_messages[-1].state.stream.stream_state.__dict__ == {
            "__ab_full_refresh_sync_complete": True
        }

    @HttpMocker()
    def test_given_a_complete_state_when_read_then_nothing_is_asked(self, http_mocker: HttpMocker) -> None:
        output = _read_into_append({"__ab_full_refresh_sync_complete": True})

        assert record_ids(output) == []
