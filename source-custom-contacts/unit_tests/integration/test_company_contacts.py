"""Stream `contacts` of the Company Contacts API, against mocked HTTP."""

from __future__ import annotations

import json
from unittest import TestCase

from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput
from airbyte_cdk.test.mock_http import HttpMocker, HttpResponse
from airbyte_cdk.test.mock_http.response_builder import RecordBuilder

from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.helpers import (
    first_error,
    read_from_state,
    read_stream,
    record_ids,
    unreadable_state,
)
from unit_tests.integration.request_builder import RequestBuilder
from unit_tests.integration.response_builder import CompanyPage, company_contact, error_response

_STATE_TIME = "2027-01-15T07:59:00Z"  # NOW less the lookback, as RFC 3339


def _read_in_full(expecting_failure: bool = False) -> EntrypointOutput:
    return read_stream(
        ConfigBuilder.company().build(),
        "contacts",
        SyncMode.full_refresh,
        expecting_failure=expecting_failure,
    )


def _read_incremental(updated_at: object, expecting_failure: bool = False) -> EntrypointOutput:
    return read_from_state(
        ConfigBuilder.company().build(), "contacts", {"updated_at": updated_at}, expecting_failure
    )


def _given_one_page(http_mocker: HttpMocker, *contacts: RecordBuilder) -> None:
    """The company's whole list of contacts in one page."""
    page = CompanyPage()
    for contact in contacts:
        page.with_record(contact)
    http_mocker.get(RequestBuilder.company_contacts(1).build(), page.build())


class TestFullRefresh(TestCase):
    @HttpMocker()
    def test_given_total_pages_when_read_then_every_page_is_read_in_order(self, http_mocker: HttpMocker):
        for page, ids in ((1, ("1", "2")), (2, ("3", "4")), (3, ("5",))):
            response = CompanyPage(page, total_pages=3, total_records=5)
            for contact_id in ids:
                response.with_record(company_contact(contact_id))
            http_mocker.get(RequestBuilder.company_contacts(page).build(), response.build())

        output = read_stream(
            ConfigBuilder.company().with_concurrent_requests(3).build(), "contacts", SyncMode.full_refresh
        )

        assert record_ids(output) == ["1", "2", "3", "4", "5"]
        assert output.is_in_logs(r"^contacts: done, 5 records, 3 pages, 3 requests in 0 s$")

    @HttpMocker()
    def test_given_a_search_term_when_read_then_it_is_sent_to_the_api(self, http_mocker: HttpMocker):
        http_mocker.get(
            RequestBuilder.company_contacts(1).with_param("search", "VIP").build(),
            CompanyPage().with_record(company_contact("1")).build(),
        )

        output = read_stream(
            ConfigBuilder.company().with_api_field("search", "VIP").build(), "contacts", SyncMode.full_refresh
        )

        assert record_ids(output) == ["1"]

    @HttpMocker()
    def test_given_no_contacts_when_read_then_one_request_and_no_records(self, http_mocker: HttpMocker):
        http_mocker.get(RequestBuilder.company_contacts(1).build(), CompanyPage(1, total_pages=0).build())

        output = _read_in_full()

        assert output.records == []
        assert output.errors == []

    @HttpMocker()
    def test_given_a_refused_api_key_when_read_then_config_error_says_the_key_was_refused(
        self, http_mocker: HttpMocker
    ):
        http_mocker.get(RequestBuilder.company_contacts(1).build(), error_response(401))

        output = _read_in_full(expecting_failure=True)

        assert "API key" in first_error(output, FailureType.config_error).message

    @HttpMocker()
    def test_given_an_envelope_without_total_pages_when_read_then_system_error_names_the_envelope(
        self, http_mocker: HttpMocker
    ):
        http_mocker.get(RequestBuilder.company_contacts(1).build(), HttpResponse('{"data": []}', 200))

        output = _read_in_full(expecting_failure=True)

        assert "totalPages" in first_error(output, FailureType.system_error).message


class TestIncremental(TestCase):
    @HttpMocker()
    def test_given_state_when_read_then_contacts_updated_since_come_and_state_is_sync_start_less_lookback(
        self, http_mocker: HttpMocker
    ):
        _given_one_page(
            http_mocker,
            company_contact("old", "2026-12-31T23:59:59.000Z"),
            company_contact("same-second", "2027-01-01T00:00:00.000Z"),
            company_contact("new", "2027-01-10T00:00:00.000Z"),
        )

        output = _read_incremental("2027-01-01T00:00:00Z")

        assert record_ids(output) == ["same-second", "new"]
        assert output.most_recent_state.stream_state.__dict__ == {"updated_at": _STATE_TIME}

    @HttpMocker()
    def test_given_a_contact_without_readable_updated_at_when_read_then_it_is_emitted_and_logged(
        self, http_mocker: HttpMocker
    ):
        _given_one_page(http_mocker, company_contact("1", "last tuesday"))

        output = _read_incremental("2027-01-01T00:00:00Z")

        assert record_ids(output) == ["1"]
        assert output.is_in_logs("no readable updated_at")

    @HttpMocker()
    def test_given_items_that_are_not_objects_when_read_then_they_are_logged_and_the_rest_emitted(
        self, http_mocker: HttpMocker
    ):
        page = {
            "data": [company_contact("1").build(), "not a contact", 7, company_contact("2").build()],
            "currentPage": 1,
            "totalPages": 1,
            "totalRecords": 4,
        }
        http_mocker.get(RequestBuilder.company_contacts(1).build(), HttpResponse(json.dumps(page), 200))

        output = _read_incremental("2000-01-01T00:00:00Z")

        assert record_ids(output) == ["1", "2"]
        assert output.errors == []
        errors = [m.log.message for m in output.logs if m.log.level.value == "ERROR"]
        assert errors == [
            "Skipped 2 item(s) of stream 'contacts' that are not JSON objects (str, int) and so cannot be "
            "records; report the API's answer to its owner."
        ]

    def test_given_a_state_the_connector_cannot_read_when_read_then_config_error_says_so(self):

        output = _read_incremental("last tuesday", expecting_failure=True)

        assert first_error(output, FailureType.config_error).message == unreadable_state(
            '{"updated_at": "<RFC 3339 time>"}', '{"updated_at": "last tuesday"}'
        )

    def test_given_a_state_in_milliseconds_when_read_then_config_error_names_the_unit_and_the_reset(self):

        output = _read_incremental(1_795_000_000_000, expecting_failure=True)

        error = first_error(output, FailureType.config_error)
        assert "(a UNIX time in milliseconds, not a text)" in error.message
        assert "reset the stream's data" in error.message
        assert output.state_messages == []

    @HttpMocker()
    def test_given_a_state_ahead_of_the_clock_when_read_then_a_warning_says_what_was_skipped_and_how_to_reset(
        self, http_mocker: HttpMocker
    ):
        _given_one_page(http_mocker, company_contact("1", "2027-01-15T07:00:00.000Z"))

        output = _read_incremental("2100-01-01T00:00:00Z")

        assert record_ids(output) == []
        assert output.errors == []
        warnings = [m.log.message for m in output.logs if m.log.level.value == "WARN"]
        assert len(warnings) == 1
        assert "(2100-01-01T00:00:00Z) is ahead of this machine's clock (2027-01-15T08:00:00Z)" in warnings[0]
        assert f"moves back to {_STATE_TIME}" in warnings[0]
        assert output.most_recent_state.stream_state.__dict__ == {"updated_at": _STATE_TIME}

    @HttpMocker()
    def test_given_a_state_in_the_past_when_read_then_no_warning(self, http_mocker: HttpMocker):
        _given_one_page(http_mocker)

        output = _read_incremental("2027-01-15T07:00:00Z")

        assert [m for m in output.logs if m.log.level.value == "WARN"] == []
