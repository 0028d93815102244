"""A request without an answer says what to fix."""

from __future__ import annotations

import pytest
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.error_handlers import ResponseAction

from source_custom_contacts.errors import transport_failures


class TestTransportFailures:
    def test_given_a_sync_when_a_request_times_out_then_it_is_retried_with_a_message_naming_the_timeout(self):
        failures = transport_failures("Some API", "https://api.example.com/v1", 30, retry=True)

        resolution = failures[requests.exceptions.ReadTimeout]

        assert resolution.response_action == ResponseAction.RETRY
        assert resolution.failure_type == FailureType.transient_error
        assert "api.example.com did not answer within 30 seconds" in str(resolution.error_message)
        assert "'request_timeout_seconds' (now 30)" in str(resolution.error_message)

    @pytest.mark.parametrize(
        "error", [requests.exceptions.ConnectionError, requests.exceptions.ConnectTimeout]
    )
    def test_given_a_check_when_the_host_cannot_be_reached_then_it_fails_at_once_naming_host_and_setting(
        self, error
    ):
        resolution = transport_failures("Some API", "https://api.example.com/v1", 4, retry=False)[error]

        assert resolution.response_action == ResponseAction.FAIL
        assert "at api.example.com" in str(resolution.error_message)
        assert "'api.base_url' (https://api.example.com/v1)" in str(resolution.error_message)
