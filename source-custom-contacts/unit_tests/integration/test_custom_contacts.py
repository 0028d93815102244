"""Stream `contacts` of the Custom Contact Source API, against mocked HTTP."""

from __future__ import annotations

from collections.abc import Callable
from unittest import TestCase

import pytest
from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput
from airbyte_cdk.test.mock_http import HttpMocker, HttpResponse
from airbyte_cdk.test.mock_http.response_builder import FieldPath, RecordBuilder

from source_custom_contacts.reading.pages import MAX_EMPTY_PAGES_IN_A_ROW
from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.helpers import (
    LOOKBACK,
    NOW,
    SINCE,
    TOKEN,
    first_error,
    given_a_delta_read,
    given_contact_pages,
    given_delta_from_state,
    given_nothing_changed_since,
    given_token,
    read_from_state,
    read_mocked,
    read_stream,
    record_ids,
    source,
    unreadable_state,
)
from unit_tests.integration.request_builder import RequestBuilder
from unit_tests.integration.response_builder import ContactsPage, DeltaPage, contact, error_response, jwt

_STREAM = "contacts"
_SEEN_AT = "2027-01-15T08:00:00Z"  # NOW as RFC 3339
_NEW_IN_DELTA = {"new_in_delta": True}


def _read_in_full(expecting_failure: bool = False) -> EntrypointOutput:
    return read_stream(
        ConfigBuilder.custom().build(), _STREAM, SyncMode.full_refresh, expecting_failure=expecting_failure
    )


def _read_incremental(since: object = None, expecting_failure: bool = False) -> EntrypointOutput:
    """From a state whose delta was seen to carry new contacts: the read is the delta alone (the
    tail of /contacts read otherwise is in test_custom_readings.py)."""
    state = None if since is None else {"timestamp": since}
    if isinstance(since, int):
        state = {"timestamp": since, **_NEW_IN_DELTA}
    return read_from_state(ConfigBuilder.custom().build(), _STREAM, state, expecting_failure)


def _given_one_page(http_mocker: HttpMocker, *contacts: RecordBuilder) -> None:
    """A token, and the whole list of contacts in one page."""
    given_token(http_mocker)
    page = ContactsPage()
    for record in contacts:
        page.with_record(record)
    http_mocker.get(RequestBuilder.contacts(page=1).build(), page.build())


class TestFullRefresh(TestCase):
    @HttpMocker()
    def test_given_two_pages_when_read_then_every_contact_is_emitted_in_page_order(
        self, http_mocker: HttpMocker
    ):
        given_token(http_mocker)
        http_mocker.get(
            RequestBuilder.contacts(page=1).with_bearer(TOKEN).build(),
            ContactsPage().with_record(contact("1")).with_record(contact("2")).with_more().build(),
        )
        http_mocker.get(
            RequestBuilder.contacts(page=2).with_bearer(TOKEN).build(),
            ContactsPage().with_record(contact("3")).build(),
        )
        given_nothing_changed_since(http_mocker)

        output = _read_in_full()

        assert record_ids(output) == ["1", "2", "3"]

    @HttpMocker()
    def test_given_several_pages_when_read_then_one_token_serves_the_whole_sync(
        self, http_mocker: HttpMocker
    ):
        token_request = given_token(http_mocker)
        given_contact_pages(http_mocker, ["1", "2"], ["3", "4"], ["5"])
        given_nothing_changed_since(http_mocker)

        _read_in_full()

        http_mocker.assert_number_of_calls(token_request, 1)

    @HttpMocker()
    def test_given_labels_and_types_outside_the_documented_sets_when_read_then_they_are_normalised(
        self, http_mocker: HttpMocker
    ):
        odd = (
            contact("1")
            .with_field(FieldPath("type"), "vip")
            .with_field(
                FieldPath("phones"), [{"number": "1", "label": "pager"}, {"number": "2", "label": "fax"}]
            )
            .with_field(FieldPath("emails"), [{"email": "a@b.c", "label": "Work"}, {"email": "d@e.f"}])
        )
        untyped = contact("2").with_field(FieldPath("type"), None)
        lead = contact("3").with_field(FieldPath("type"), "lead")
        _given_one_page(http_mocker, odd, untyped, lead)

        records = [m.record.data for m in _read_in_full().records]

        assert [r["type"] for r in records] == ["customer", "customer", "lead"]
        assert [p["label"] for p in records[0]["phones"]] == ["other", "fax"]
        assert [e["label"] for e in records[0]["emails"]] == ["other", "other"]

    @HttpMocker()
    def test_given_a_live_contact_when_read_then_it_carries_the_sync_time_as_cursor(
        self, http_mocker: HttpMocker
    ):
        _given_one_page(http_mocker, contact("1"))

        output = _read_in_full()

        assert output.records[0].record.data["_ab_cdc_updated_at"] == _SEEN_AT
        assert output.records[0].record.data.get("_ab_cdc_deleted_at") is None

    @HttpMocker()
    def test_given_a_contact_deleted_during_the_read_when_read_then_the_one_that_moved_back_is_emitted(
        self, http_mocker: HttpMocker
    ):
        # Contact 2 is deleted after page 1 is read: contact 3 moves back to page 1 and page 2 starts at 4.
        given_token(http_mocker)
        http_mocker.get(
            RequestBuilder.contacts(page=1).build(),
            [
                ContactsPage().with_record(contact("1")).with_record(contact("2")).with_more().build(),
                ContactsPage().with_record(contact("1")).with_record(contact("3")).with_more().build(),
            ],
        )
        http_mocker.get(
            RequestBuilder.contacts(page=2).build(),
            [
                ContactsPage().with_record(contact("4")).with_record(contact("5")).build(),
                ContactsPage().with_record(contact("4")).with_record(contact("5")).build(),
            ],
        )
        http_mocker.get(
            RequestBuilder.delta(NOW - 1, page=1).build(),
            [DeltaPage().with_deleted("2").build(), DeltaPage().build()],
        )

        output = _read_in_full()

        assert record_ids(output) == ["1", "2", "4", "5", "3"]

    @HttpMocker()
    def test_given_a_contact_without_id_when_read_then_it_is_reported_without_its_data_and_the_others_emitted(
        self, http_mocker: HttpMocker
    ):
        _given_one_page(http_mocker, contact("1"), contact("").with_field(FieldPath("id"), None))

        output = _read_in_full()

        assert record_ids(output) == ["1"]
        logs = " ".join(m.log.message for m in output.logs)
        assert (
            "Skipped 1 contact(s) the API returned without an id (fields: company, emails, first_name" in logs
        )
        for personal in ("Victor", "Donnelly", "victor@example.edu", "+836985101472"):
            assert personal not in logs

    @HttpMocker()
    def test_given_contacts_without_a_name_when_read_then_one_warning_a_page_names_at_most_ten_ids(
        self, http_mocker: HttpMocker
    ):
        _given_one_page(
            http_mocker, *(contact(str(n)).with_field(FieldPath("last_name"), "") for n in range(1, 13))
        )

        output = _read_in_full()

        warnings = [m.log.message for m in output.logs if m.log.level.value == "WARN"]
        assert warnings == [
            "Contact(s) 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 2 more lack the first_name or last_name the API "
            "documents as required; emitted as they are."
        ]
        assert len(output.records) == 12

    @HttpMocker()
    def test_given_a_401_on_data_when_read_then_token_is_renewed_once_and_read_goes_on(
        self, http_mocker: HttpMocker
    ):
        second = jwt("second", NOW + 3600)
        token_request = given_token(http_mocker, TOKEN, second)
        http_mocker.get(RequestBuilder.contacts(page=1).with_bearer(TOKEN).build(), error_response(401))
        http_mocker.get(
            RequestBuilder.contacts(page=1).with_bearer(second).build(),
            ContactsPage().with_record(contact("1")).build(),
        )

        output = _read_in_full()

        assert record_ids(output) == ["1"]
        http_mocker.assert_number_of_calls(token_request, 2)


class TestIncremental(TestCase):
    @HttpMocker()
    def test_given_no_state_when_read_then_every_contact_is_read_and_state_is_sync_start_less_lookback(
        self, http_mocker: HttpMocker
    ):
        _given_one_page(http_mocker, contact("1"))

        output = _read_incremental()

        assert record_ids(output) == ["1"]
        assert output.most_recent_state.stream_state.__dict__ == {
            "timestamp": NOW - LOOKBACK,
            "contacts": 1,
            "last_id": "1",
            "last_ids": ["1"],
        }

    @HttpMocker()
    def test_given_state_when_read_then_updates_become_records_and_deletions_become_tombstones(
        self, http_mocker: HttpMocker
    ):
        given_token(http_mocker)
        http_mocker.get(
            RequestBuilder.delta(SINCE - 1, page=1).build(),
            DeltaPage().with_updated("7").with_deleted("8").with_deleted("9").build(),
        )

        output = _read_incremental(SINCE)

        data = [m.record.data for m in output.records]
        assert data[0]["id"] == "7"
        assert data[0].get("_ab_cdc_deleted_at") is None
        assert data[1:] == [
            {"id": "8", "_ab_cdc_updated_at": _SEEN_AT, "_ab_cdc_deleted_at": _SEEN_AT},
            {"id": "9", "_ab_cdc_updated_at": _SEEN_AT, "_ab_cdc_deleted_at": _SEEN_AT},
        ]
        assert output.most_recent_state.stream_state.__dict__ == {
            "timestamp": NOW - LOOKBACK,
            **_NEW_IN_DELTA,
        }

    @HttpMocker()
    def test_given_a_delta_of_two_pages_when_read_then_state_is_emitted_once_after_the_last_record(
        self, http_mocker: HttpMocker
    ):
        given_a_delta_read(
            http_mocker, DeltaPage().with_updated("1", "3").with_deleted("5"), DeltaPage().with_updated("2")
        )

        output = _read_incremental(SINCE)

        kinds = [m.type.value for m in output.records_and_state_messages]
        assert kinds == ["RECORD", "RECORD", "RECORD", "RECORD", "STATE"]
        assert output.errors == []

    @HttpMocker()
    def test_given_a_contact_updated_during_the_delta_read_when_read_then_the_one_that_moved_back_is_emitted(
        self, http_mocker: HttpMocker
    ):
        # Contact 2 changes after page 1 is read: it moves to the end, and 3 moves back to page 1.
        given_token(http_mocker)
        http_mocker.get(
            RequestBuilder.delta(SINCE - 1, page=1).build(),
            [
                DeltaPage().with_updated("1", "2").with_more().build(),
                DeltaPage().with_updated("1", "3").with_more().build(),
            ],
        )
        http_mocker.get(
            RequestBuilder.delta(SINCE - 1, page=2).build(),
            [
                DeltaPage().with_updated("4", "2").build(),
                DeltaPage().with_updated("4", "2").build(),
            ],
        )
        http_mocker.get(
            RequestBuilder.delta(NOW - 1, page=1).build(),
            [DeltaPage().with_updated("2").build(), DeltaPage().build()],
        )

        output = _read_incremental(SINCE)

        assert record_ids(output) == ["1", "2", "4", "3"]

    @HttpMocker()
    def test_given_the_delta_fails_on_a_later_page_when_read_then_no_state_is_emitted(
        self, http_mocker: HttpMocker
    ):
        given_token(http_mocker)
        given_delta_from_state(http_mocker, DeltaPage().with_updated("1", "2").with_more())
        http_mocker.get(RequestBuilder.delta(SINCE - 1, page=2).build(), error_response(404))

        output = _read_incremental(SINCE, expecting_failure=True)

        assert record_ids(output) == ["1", "2"]
        assert output.state_messages == []

    @HttpMocker()
    def test_given_a_state_ahead_of_the_clock_when_read_then_a_warning_says_what_was_skipped_and_how_to_reset(
        self, http_mocker: HttpMocker
    ):
        future = NOW + 86400
        given_token(http_mocker)
        http_mocker.get(RequestBuilder.delta(future - 1, page=1).build(), DeltaPage().build())

        output = _read_incremental(future)

        assert output.records == []
        assert output.errors == []
        warnings = [m.log.message for m in output.logs if m.log.level.value == "WARN"]
        assert len(warnings) == 1
        assert "(2027-01-16T08:00:00Z) is ahead of this machine's clock (2027-01-15T08:00:00Z)" in warnings[0]
        assert "skips every change since the sync before" in warnings[0]
        assert "moves back to 2027-01-15T07:59:00Z" in warnings[0]
        assert "reset the stream's data" in warnings[0]
        assert output.most_recent_state.stream_state.__dict__ == {
            "timestamp": NOW - LOOKBACK,
            **_NEW_IN_DELTA,
        }

    def test_given_a_state_in_milliseconds_when_read_then_config_error_names_the_unit_and_the_reset(self):

        output = _read_incremental(NOW * 1000, expecting_failure=True)

        error = first_error(output, FailureType.config_error)
        assert (
            f"{NOW * 1000} counts milliseconds: in seconds it is {NOW}, 2027-01-15T08:00:00Z" in error.message
        )
        assert "reset the stream's data" in error.message
        assert output.state_messages == []

    def test_given_the_last_second_before_the_milliseconds_line_when_state_is_set_then_it_is_read_as_seconds(
        self,
    ):
        # 10^11 - 1 seconds is the year 5138: readable, and ahead of the clock (warned, not refused).
        source_stream = source().streams(ConfigBuilder.custom().build())[0]

        source_stream.state = {"timestamp": 10**11 - 1}

        assert source_stream.state == {"timestamp": 10**11 - 1}

    def test_given_a_state_the_connector_cannot_read_when_read_then_config_error_says_so(self):

        output = _read_incremental("yesterday", expecting_failure=True)

        error = first_error(output, FailureType.config_error)
        assert error.message == unreadable_state(
            '{"timestamp": <UNIX time in seconds>}',
            '{"timestamp": "yesterday"} (a number of seconds, not text)',
        )
        assert error.stream_descriptor.name == _STREAM


# Failures of this API alone; those every stream shares are in test_read_errors.py.


def _refused_client_credentials(http_mocker: HttpMocker) -> None:
    http_mocker.get(RequestBuilder.token().build(), error_response(401))


def _the_first_token_and_a_renewed_one_refused(http_mocker: HttpMocker) -> None:
    given_token(http_mocker, TOKEN, jwt("second", NOW + 3600))
    http_mocker.get(RequestBuilder.contacts(page=1).build(), [error_response(401), error_response(401)])


def _the_token_endpoint_failing(http_mocker: HttpMocker) -> None:
    http_mocker.get(RequestBuilder.token().build(), [error_response(502), error_response(502)])


def _tokens_refused_after_the_api_accepted_one(http_mocker: HttpMocker) -> None:
    given_token(http_mocker, TOKEN, jwt("second", NOW + 3600))
    http_mocker.get(
        RequestBuilder.contacts(page=1).build(),
        ContactsPage().with_record(contact("1")).with_record(contact("2")).with_more().build(),
    )
    http_mocker.get(RequestBuilder.contacts(page=2).build(), [error_response(401), error_response(401)])


def _a_page_without_has_more(http_mocker: HttpMocker) -> None:
    given_token(http_mocker)
    http_mocker.get(RequestBuilder.contacts(page=1).build(), HttpResponse('{"contacts": []}', 200))


def _empty_pages_that_claim_more_without_end(http_mocker: HttpMocker) -> None:
    given_token(http_mocker)
    for page in range(1, MAX_EMPTY_PAGES_IN_A_ROW + 1):
        http_mocker.get(RequestBuilder.contacts(page=page).build(), ContactsPage().with_more().build())


@pytest.mark.parametrize(
    ("arrange", "failure_type", "says"),
    [
        pytest.param(
            _refused_client_credentials,
            FailureType.config_error,
            "refused the credentials",
            id="client-credentials-refused",
        ),
        pytest.param(
            _the_first_token_and_a_renewed_one_refused,
            FailureType.config_error,
            "check that these credentials may read contacts",
            id="first-and-renewed-token-refused",
        ),
        pytest.param(
            _the_token_endpoint_failing,
            FailureType.transient_error,
            "answered HTTP 502",
            id="token-endpoint-failing",
        ),
        pytest.param(
            _tokens_refused_after_the_api_accepted_one,
            FailureType.transient_error,
            "after accepting them earlier in this sync",
            id="tokens-refused-after-one-was-accepted",
        ),
        pytest.param(_a_page_without_has_more, FailureType.system_error, "has_more", id="no-has-more"),
        pytest.param(
            _empty_pages_that_claim_more_without_end,
            FailureType.system_error,
            "paging is inconsistent",
            id="empty-pages-claim-more-without-end",
        ),
    ],
)
def test_given_a_failure_of_this_api_when_read_in_full_then_the_stream_fails_saying_what_to_check(
    arrange: Callable[[HttpMocker], None], failure_type: FailureType, says: str
):
    output = read_mocked(arrange, ConfigBuilder.custom().build(), _STREAM, expecting_failure=True)

    error = output.errors[0].trace.error
    assert error.failure_type == failure_type
    assert says in error.message
    assert error.stream_descriptor.name == _STREAM
    assert output.errors[-1].trace.error.failure_type == failure_type
