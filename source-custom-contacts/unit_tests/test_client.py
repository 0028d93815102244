"""The HTTP policy every stream shares: what is retried, and what fails at once with which failure type."""

from __future__ import annotations

import logging

import pytest
import requests
import requests_mock
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from contacts_sandbox.fakes import FakeTime, library_sleeps_on
from source_custom_contacts.client import ApiClient, company_api_client, rate_budget
from source_custom_contacts.config import CompanyApiConfig, HttpSettings

_BASE = "https://company.example.com"
_URL = f"{_BASE}/api/v1/contacts"
_PAGE = {"data": [], "currentPage": 1, "totalPages": 0, "totalRecords": 0}


def _client(max_retries: int = 1) -> ApiClient:
    settings = HttpSettings()
    config = CompanyApiConfig(base_url=_BASE, api_key="key")
    return company_api_client(
        config, settings, logging.getLogger("test"), rate_budget(settings), "contacts", max_retries
    )


@pytest.mark.parametrize(
    "failure",
    [
        {"exc": requests.exceptions.ConnectTimeout},
        {"exc": requests.exceptions.ReadTimeout},
        {"exc": requests.exceptions.ConnectionError},
        {"status_code": 502},
    ],
    ids=["connect-timeout", "read-timeout", "dropped-connection", "bad-gateway"],
)
def test_given_a_transient_failure_when_requested_then_it_is_retried(
    failure: dict, monkeypatch: pytest.MonkeyPatch
):
    waits = library_sleeps_on(FakeTime(), monkeypatch)
    with requests_mock.Mocker() as mocker:
        route = mocker.get(_URL, [failure, {"json": _PAGE}])

        assert _client().get_json("/api/v1/contacts", {"page": 1}) == _PAGE

    assert route.call_count == 2
    assert len(waits) == 1


@pytest.mark.parametrize(
    ("status", "fix"),
    [(400, "page size"), (403, "credentials"), (404, "base URL"), (405, "base URL")],
)
def test_given_an_answer_retrying_cannot_fix_when_requested_then_config_error_names_the_fix_at_once(
    status: int, fix: str
):
    with requests_mock.Mocker() as mocker:
        route = mocker.get(_URL, status_code=status, json={"error": "no"})
        with pytest.raises(AirbyteTracedException) as error:
            _client().get_json("/api/v1/contacts", {"page": 1})

    assert route.call_count == 1
    assert error.value.failure_type == FailureType.config_error
    assert fix in error.value.message


def test_given_an_answer_that_is_a_json_list_when_requested_then_system_error_says_an_object_was_expected():
    with requests_mock.Mocker() as mocker:
        mocker.get(_URL, json=[1, 2])
        with pytest.raises(AirbyteTracedException) as error:
            _client().get_json("/api/v1/contacts", {"page": 1})

    assert error.value.failure_type == FailureType.system_error
    assert "JSON object" in error.value.message
