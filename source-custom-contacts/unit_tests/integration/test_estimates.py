"""ESTIMATE trace messages, by which Airbyte's UI shows a read's progress: sent where the API counts
its list (the Company Contacts API's `totalRecords`), never where it cannot."""

from __future__ import annotations

import json
from unittest import TestCase

from airbyte_cdk.models import SyncMode, TraceType, Type
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput
from airbyte_cdk.test.mock_http import HttpMocker, HttpResponse

from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.helpers import given_tag_pages, given_token, read_from_state, read_stream
from unit_tests.integration.request_builder import RequestBuilder
from unit_tests.integration.response_builder import CompanyPage, ContactsPage, company_contact, contact


def _estimates(output: EntrypointOutput) -> list[tuple[str, int | None]]:
    return [
        (m.trace.estimate.name, m.trace.estimate.row_estimate)
        for m in output.trace_messages
        if m.trace.type == TraceType.ESTIMATE
    ]


def _given_two_pages_of_company_contacts(http_mocker: HttpMocker) -> None:
    for page, ids in ((1, ("1", "2")), (2, ("3",))):
        response = CompanyPage(page, total_pages=2, total_records=3)
        for contact_id in ids:
            response.with_record(company_contact(contact_id))
        http_mocker.get(RequestBuilder.company_contacts(page).build(), response.build())


class TestCompanyContacts(TestCase):
    @HttpMocker()
    def test_given_total_records_when_read_in_full_then_one_estimate_precedes_the_records(
        self, http_mocker: HttpMocker
    ):
        _given_two_pages_of_company_contacts(http_mocker)

        output = read_stream(ConfigBuilder.company().build(), "contacts", SyncMode.full_refresh)

        assert _estimates(output) == [("contacts", 3)]
        kinds = [
            "ESTIMATE" if m.type == Type.TRACE and m.trace.type == TraceType.ESTIMATE else m.type.value
            for m in output.get_message_iterator()
            if m.type in (Type.RECORD, Type.TRACE)
        ]
        assert kinds.index("ESTIMATE") < kinds.index("RECORD")
        # The estimate is no record: the progress line counts the three records alone.
        assert output.is_in_logs(r"^contacts: done, 3 records, 2 pages")

    @HttpMocker()
    def test_given_no_state_when_read_incrementally_then_the_estimate_is_sent(self, http_mocker: HttpMocker):
        _given_two_pages_of_company_contacts(http_mocker)

        output = read_from_state(ConfigBuilder.company().build(), "contacts", None)

        assert _estimates(output) == [("contacts", 3)]

    @HttpMocker()
    def test_given_a_state_when_read_incrementally_then_no_estimate_is_sent(self, http_mocker: HttpMocker):
        # Only what changed since the state is emitted: the list's size says nothing of how much.
        _given_two_pages_of_company_contacts(http_mocker)

        output = read_from_state(
            ConfigBuilder.company().build(), "contacts", {"updated_at": "2025-01-01T00:00:00Z"}
        )

        assert _estimates(output) == []

    @HttpMocker()
    def test_given_pages_without_total_records_when_read_then_no_estimate_is_sent(
        self, http_mocker: HttpMocker
    ):
        body = {"data": [company_contact("1").build()], "currentPage": 1, "totalPages": 1}
        http_mocker.get(RequestBuilder.company_contacts(1).build(), HttpResponse(json.dumps(body), 200))

        output = read_stream(ConfigBuilder.company().build(), "contacts", SyncMode.full_refresh)

        assert _estimates(output) == []


class TestContactTags(TestCase):
    @HttpMocker()
    def test_given_total_records_when_read_then_one_estimate_is_sent(self, http_mocker: HttpMocker):
        given_tag_pages(http_mocker, 3, ["42", "57"], ["60"])

        output = read_stream(ConfigBuilder.company().build(), "contact_tags", SyncMode.full_refresh)

        assert _estimates(output) == [("contact_tags", 3)]


class TestCustomContacts(TestCase):
    @HttpMocker()
    def test_given_the_custom_api_when_read_then_no_estimate_is_sent(self, http_mocker: HttpMocker):
        # Neither /contacts nor its delta counts its list.
        given_token(http_mocker)
        http_mocker.get(
            RequestBuilder.contacts(page=1).build(), ContactsPage().with_record(contact("1")).build()
        )

        output = read_stream(ConfigBuilder.custom().build(), "contacts", SyncMode.full_refresh)

        assert _estimates(output) == []
