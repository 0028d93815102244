"""Stream `contact_tags` of the Company Contacts API (full refresh only), against mocked HTTP."""

from __future__ import annotations

from unittest import TestCase

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker

from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.helpers import read_stream, record_ids
from unit_tests.integration.request_builder import RequestBuilder
from unit_tests.integration.response_builder import CompanyPage, contact_tag


class TestFullRefresh(TestCase):
    @HttpMocker()
    def test_given_two_pages_of_tags_when_read_then_every_tag_is_emitted_once(self, http_mocker: HttpMocker):
        http_mocker.get(
            RequestBuilder.company_tags(1).build(),
            CompanyPage(1, total_pages=2, total_records=3)
            .with_record(contact_tag("42"))
            .with_record(contact_tag("57"))
            .build(),
        )
        http_mocker.get(
            RequestBuilder.company_tags(2).build(),
            CompanyPage(2, total_pages=2, total_records=3).with_record(contact_tag("60")).build(),
        )

        output = read_stream(ConfigBuilder.company().build(), "contact_tags", SyncMode.full_refresh)

        assert record_ids(output) == ["42", "57", "60"]
        assert output.records[0].record.data["_count"] == {"contact_tag": 38}
