"""`check`: one small page proves the URL, the credentials and the answer's format."""

from __future__ import annotations

import logging
from typing import Any
from unittest import TestCase
from urllib.parse import urlsplit

import requests
import requests_mock
from airbyte_cdk.models import AirbyteConnectionStatus, Status
from airbyte_cdk.test.mock_http import HttpMocker

from unit_tests.integration.config import CUSTOM_BASE_URL, ConfigBuilder
from unit_tests.integration.helpers import source
from unit_tests.integration.request_builder import RequestBuilder
from unit_tests.integration.response_builder import (
    CompanyPage,
    ContactsPage,
    company_contact,
    contact,
    error_response,
    jwt,
    token_response,
)

HOST = urlsplit(CUSTOM_BASE_URL).netloc


def check(config: dict[str, Any]) -> AirbyteConnectionStatus:
    # A failed check is a status, never an exception: this raises if the connector crashes.
    return source().check(logging.getLogger("test"), config)


class TestCheck(TestCase):
    @HttpMocker()
    def test_given_valid_client_credentials_when_check_then_succeeds(self, http_mocker: HttpMocker):
        token = jwt("t", None)
        http_mocker.get(RequestBuilder.token().build(), token_response(token))
        http_mocker.get(
            RequestBuilder.contacts(page=1, limit=1).with_bearer(token).build(),
            ContactsPage().with_record(contact("1")).build(),
        )

        assert check(ConfigBuilder.custom().build()).status == Status.SUCCEEDED

    @HttpMocker()
    def test_given_refused_client_credentials_when_check_then_fails_saying_so(self, http_mocker: HttpMocker):
        http_mocker.get(RequestBuilder.token().build(), error_response(401))

        status = check(ConfigBuilder.custom().build())

        assert status.status == Status.FAILED
        assert "refused the credentials" in status.message
        assert "client id and client secret" in status.message

    @HttpMocker()
    def test_given_a_refused_api_key_when_check_then_fails_saying_so(self, http_mocker: HttpMocker):
        http_mocker.get(RequestBuilder.company_contacts(1, limit=1).build(), error_response(401))

        status = check(ConfigBuilder.company().build())

        assert status.status == Status.FAILED
        assert "API key" in status.message

    @HttpMocker()
    def test_given_a_valid_api_key_when_check_then_succeeds(self, http_mocker: HttpMocker):
        http_mocker.get(
            RequestBuilder.company_contacts(1, limit=1).build(),
            CompanyPage().with_record(company_contact("1")).build(),
        )

        assert check(ConfigBuilder.company().build()).status == Status.SUCCEEDED

    def test_given_a_base_url_without_scheme_when_check_then_fails_naming_the_field(self):
        config = ConfigBuilder.custom().with_api_field("base_url", "contacts.example.com").build()

        status = check(config)

        assert status.status == Status.FAILED
        assert "base_url" in status.message


class TestCheckOfAHostThatDoesNotAnswer:
    """`check` answers within seconds: each request is tried once, and the status names the host
    and the setting to fix, where the sync would retry for half a minute and more."""

    def _check_when_every_request_raises(self, error: type[Exception]) -> tuple[AirbyteConnectionStatus, int]:
        with requests_mock.Mocker() as mocker:
            mocker.get(requests_mock.ANY, exc=error)
            status = check(ConfigBuilder.custom().with_request_timeout(30).build())
            return status, mocker.call_count

    def test_given_a_refused_connection_when_check_then_one_attempt_fails_naming_the_host_and_base_url(
        self,
    ) -> None:
        status, attempts = self._check_when_every_request_raises(requests.exceptions.ConnectionError)

        assert status.status == Status.FAILED
        assert attempts == 1
        assert f"at {HOST}" in status.message
        assert "'api.base_url'" in status.message

    def test_given_no_answer_in_time_when_check_then_it_fails_naming_the_timeout_setting(self) -> None:
        status, attempts = self._check_when_every_request_raises(requests.exceptions.ReadTimeout)

        assert status.status == Status.FAILED
        assert attempts == 1
        assert "did not answer within 4 seconds" in status.message
        assert "'request_timeout_seconds'" in status.message
