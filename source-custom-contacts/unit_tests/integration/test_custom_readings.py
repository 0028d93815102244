"""Stream `contacts` of the Custom Contact Source API on each reading a server may take of what its
document leaves open: the status of an expired token, a token without expiry, empty pages that say
more follow, a contact both updated and deleted in one delta. New contacts a delta leaves out are in
test_new_contacts.py; a capped page size in test_capped_page_size.py."""

from __future__ import annotations

from unittest import TestCase

from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.test.mock_http import HttpMocker

from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.helpers import (
    LOOKBACK,
    NOW,
    SINCE,
    first_error,
    given_a_delta_read,
    given_contact_pages,
    given_delta_from_state,
    given_delta_pages,
    given_nothing_changed_since,
    given_token,
    read_from_state,
    read_stream,
    record_ids,
)
from unit_tests.integration.request_builder import RequestBuilder
from unit_tests.integration.response_builder import ContactsPage, DeltaPage, contact, error_response, jwt

_STREAM = "contacts"


def _read_in_full(expecting_failure: bool = False):
    return read_stream(
        ConfigBuilder.custom().build(), _STREAM, SyncMode.full_refresh, expecting_failure=expecting_failure
    )


def _ids_read_in_full() -> list[str]:
    """The ids of the records a full read emits, in order, checked to come without an error."""
    output = _read_in_full()
    assert output.errors == []
    return record_ids(output)


def _read_incremental():
    """From state SINCE, whose delta was seen to carry new contacts: the read is the delta alone."""
    state = {"timestamp": SINCE, "new_in_delta": True}
    return read_from_state(ConfigBuilder.custom().build(), _STREAM, state)


class TestExpiredTokens(TestCase):
    @HttpMocker()
    def test_given_a_token_without_expiry_refused_with_403_mid_read_when_read_then_it_is_renewed_and_read_on(
        self, http_mocker: HttpMocker
    ):
        first, second = jwt("first", None), jwt("second", None)
        token_request = given_token(http_mocker, first, second)
        http_mocker.get(
            RequestBuilder.contacts(page=1).with_bearer(first).build(),
            ContactsPage().with_record(contact("1")).with_record(contact("2")).with_more().build(),
        )
        http_mocker.get(RequestBuilder.contacts(page=2).with_bearer(first).build(), error_response(403))
        http_mocker.get(
            RequestBuilder.contacts(page=2).with_bearer(second).build(),
            ContactsPage().with_record(contact("3")).build(),
        )
        http_mocker.get(
            RequestBuilder.delta(NOW - 1, page=1).with_bearer(second).build(), DeltaPage().build()
        )

        assert _ids_read_in_full() == ["1", "2", "3"]
        http_mocker.assert_number_of_calls(token_request, 2)

    @HttpMocker()
    def test_given_a_renewed_token_refused_with_403_too_when_read_then_config_error_names_the_status(
        self, http_mocker: HttpMocker
    ):
        given_token(http_mocker, jwt("first", None), jwt("second", None))
        http_mocker.get(RequestBuilder.contacts(page=1).build(), [error_response(403), error_response(403)])

        output = _read_in_full(expecting_failure=True)

        error = first_error(output, FailureType.config_error)
        assert "then refused it (HTTP 403)" in error.message
        assert "check that these credentials may read contacts" in error.message


class TestEmptyPagesThatSayMore(TestCase):
    @HttpMocker()
    def test_given_an_empty_page_that_says_more_mid_list_when_read_in_full_then_the_pages_after_it_are_read(
        self, http_mocker: HttpMocker
    ):
        given_token(http_mocker)
        _, page_2, _ = given_contact_pages(http_mocker, ["1", "2"], [], ["5"])
        given_nothing_changed_since(http_mocker)

        assert _ids_read_in_full() == ["1", "2", "5"]
        http_mocker.assert_number_of_calls(page_2, 2)

    @HttpMocker()
    def test_given_an_empty_delta_page_that_says_more_when_read_then_the_changes_after_it_are_read(
        self, http_mocker: HttpMocker
    ):
        given_a_delta_read(http_mocker, DeltaPage(), DeltaPage().with_updated("7").with_deleted("8"))

        output = _read_incremental()

        assert record_ids(output) == ["7", "8"]
        assert output.errors == []
        assert output.most_recent_state.stream_state.__dict__ == {
            "timestamp": NOW - LOOKBACK,
            "new_in_delta": True,
        }


def _last_of_each(output) -> dict[str, dict]:
    """What a destination keeps of each contact: the last record emitted for it."""
    return {message.record.data["id"]: message.record.data for message in output.records}


class TestContactsBothUpdatedAndDeleted(TestCase):
    @HttpMocker()
    def test_given_an_id_in_both_lists_of_one_page_when_read_then_only_its_tombstone_is_emitted(
        self, http_mocker: HttpMocker
    ):
        given_token(http_mocker)
        given_delta_from_state(http_mocker, DeltaPage().with_updated("1", "7").with_deleted("7"))

        output = _read_incremental()

        assert output.errors == []
        assert record_ids(output) == ["1", "7"]
        assert _last_of_each(output)["7"]["_ab_cdc_deleted_at"] is not None

    @HttpMocker()
    def test_given_an_id_deleted_on_one_page_and_updated_on_a_later_one_when_read_then_it_ends_deleted(
        self, http_mocker: HttpMocker
    ):
        given_a_delta_read(
            http_mocker, DeltaPage().with_updated("1", "2").with_deleted("7"), DeltaPage().with_updated("7")
        )

        output = _read_incremental()

        assert output.errors == []
        assert record_ids(output) == ["1", "2", "7"]
        assert _last_of_each(output)["7"]["_ab_cdc_deleted_at"] is not None
        assert not output.is_in_logs("reading again")

    @HttpMocker()
    def test_given_an_id_updated_on_one_page_and_deleted_on_a_later_one_when_read_then_its_tombstone_is_last(
        self, http_mocker: HttpMocker
    ):
        given_token(http_mocker)
        given_delta_from_state(
            http_mocker,
            DeltaPage().with_updated("7", "2"),
            DeltaPage().with_updated("3").with_deleted("7"),
        )
        given_delta_pages(http_mocker, NOW - 1, DeltaPage().with_updated("7").with_deleted("7"))

        output = _read_incremental()

        assert output.errors == []
        assert _last_of_each(output)["7"]["_ab_cdc_deleted_at"] is not None
        assert sorted(_last_of_each(output)) == ["2", "3", "7"]
        assert not output.is_in_logs("kept changing")

    @HttpMocker()
    def test_given_the_check_after_a_full_read_lists_an_id_in_both_lists_when_read_then_no_page_is_read_again(
        self, http_mocker: HttpMocker
    ):
        given_token(http_mocker)
        given_contact_pages(http_mocker, ["1", "2"], ["3"])
        given_delta_pages(http_mocker, NOW - 1, DeltaPage().with_updated("9").with_deleted("9"))

        output = _read_in_full()

        assert output.errors == []
        assert record_ids(output) == ["1", "2", "3"]
        assert not output.is_in_logs("reading again")
