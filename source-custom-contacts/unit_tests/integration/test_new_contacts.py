"""Contacts created since the state, which the Custom Contact Source API's delta may leave out of
`updated`: read from the tail of /contacts, or from every page where the list was reshuffled, until
a delta shows it carries them (see `streams/creations.py`)."""

from __future__ import annotations

from unittest import TestCase

from airbyte_cdk.test.mock_http import HttpMocker

from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.helpers import (
    LOOKBACK,
    NOW,
    SINCE,
    given_contact_pages,
    given_delta_from_state,
    given_token,
    read_from_state,
    record_ids,
)
from unit_tests.integration.request_builder import RequestBuilder
from unit_tests.integration.response_builder import DeltaPage


def _read_incremental(list_end: dict):
    state = {"timestamp": SINCE, **list_end}
    return read_from_state(ConfigBuilder.custom().build(), "contacts", state)


class TestCreationsTheDeltaLeavesOut(TestCase):
    @HttpMocker()
    def test_given_a_delta_without_new_contacts_when_read_then_the_tail_of_the_list_brings_them(
        self, http_mocker: HttpMocker
    ):
        # Six contacts at the last read; since then 2 was updated, 3 deleted and 7 created, which
        # this delta leaves out. The tail starts past the six, less the two the delta names and a page.
        given_token(http_mocker)
        given_delta_from_state(http_mocker, DeltaPage().with_updated("2").with_deleted("3"))
        given_contact_pages(http_mocker, ["5", "6"], ["2", "7"], first=2)

        output = _read_incremental({"contacts": 6, "last_id": "6"})

        assert output.errors == []
        assert record_ids(output) == ["2", "3", "7"]
        assert output.most_recent_state.stream_state.__dict__ == {
            "timestamp": NOW - LOOKBACK,
            "contacts": 6,
            "last_id": "7",
            "last_ids": ["5", "6", "2", "7"],
        }

    @HttpMocker()
    def test_given_a_delta_with_a_new_contact_when_read_then_the_list_is_not_read_and_the_state_says_so(
        self, http_mocker: HttpMocker
    ):
        given_token(http_mocker)
        http_mocker.get(
            RequestBuilder.delta(SINCE - 1, page=1).build(),
            DeltaPage().with_updated("2", "7").build(),
        )

        output = _read_incremental({"contacts": 6, "last_id": "6"})

        assert output.errors == []
        assert record_ids(output) == ["2", "7"]
        assert output.most_recent_state.stream_state.__dict__["new_in_delta"] is True

    @HttpMocker()
    def test_given_a_state_that_kept_nothing_of_the_list_when_read_then_the_whole_list_is_read_once(
        self, http_mocker: HttpMocker
    ):
        # A state of an earlier version of this source: where new contacts are is unknown.
        given_token(http_mocker)
        given_delta_from_state(http_mocker, DeltaPage().with_updated("2"))
        given_contact_pages(http_mocker, ["1", "2"])

        output = _read_incremental({})

        assert output.errors == []
        assert record_ids(output) == ["2", "1"]
        assert output.most_recent_state.stream_state.__dict__ == {
            "timestamp": NOW - LOOKBACK,
            "contacts": 1,
            "last_id": "2",
            "last_ids": ["1", "2"],
        }

    @HttpMocker()
    def test_given_the_last_contacts_of_the_sync_before_left_the_tail_when_read_then_every_page_is_read(
        self, http_mocker: HttpMocker
    ):
        # 5 and 6 ended the list and did not change, yet the tail holds neither: a reshuffled list.
        given_token(http_mocker)
        given_delta_from_state(http_mocker, DeltaPage().with_updated("2"))
        given_contact_pages(http_mocker, ["5", "8"], ["9", "3"], ["7", "1"])

        output = _read_incremental({"contacts": 6, "last_id": "6", "last_ids": ["5", "6"]})

        assert output.errors == []
        assert record_ids(output) == ["2", "9", "7", "8"]
        assert output.is_in_logs("its order is unstable")
