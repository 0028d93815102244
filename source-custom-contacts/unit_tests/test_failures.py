"""A failure told in the user's terms: the sync's closing error, and a token refused after renewal,
recognised by the statuses the requests met."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import requests_mock
from airbyte_cdk.models import AirbyteErrorTraceMessage, FailureType, StreamDescriptor
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from contacts_sandbox.fakes import FakeTime
from source_custom_contacts.client import ApiClient, custom_api_client, rate_budget
from source_custom_contacts.config import CustomApiConfig, HttpSettings
from source_custom_contacts.failures import sync_failed


def _error(stream: str, failure_type: FailureType) -> AirbyteErrorTraceMessage:
    return AirbyteErrorTraceMessage(
        message=f"{stream} failed.",
        failure_type=failure_type,
        stream_descriptor=StreamDescriptor(name=stream),
    )


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        ([FailureType.transient_error], FailureType.transient_error),
        ([FailureType.transient_error, FailureType.system_error], FailureType.system_error),
        ([FailureType.system_error, FailureType.config_error], FailureType.config_error),
        ([FailureType.transient_error, FailureType.transient_error], FailureType.transient_error),
    ],
)
def test_given_stream_errors_when_the_sync_fails_then_its_type_is_the_one_a_user_must_act_on_first(
    types: list[FailureType], expected: FailureType
):
    errors = [_error(f"s{i}", kind) for i, kind in enumerate(types)]

    assert sync_failed(errors).failure_type == expected


def test_given_two_failed_streams_when_the_sync_fails_then_the_message_names_each_with_its_cause():
    error = sync_failed(
        [_error("contacts", FailureType.transient_error), _error("tags", FailureType.config_error)]
    )

    assert error.message == "The sync did not finish: 'contacts' (contacts failed.); 'tags' (tags failed.)."


BASE = "https://contacts.example.com"
START = 1_800_000_000.0


@pytest.fixture
def client() -> Iterator[tuple[ApiClient, requests_mock.Mocker]]:
    config = CustomApiConfig(base_url=BASE, client_id="id", client_secret="secret")
    fake = FakeTime(START)
    budget = rate_budget(HttpSettings(), clock=fake.clock, sleep=fake.sleep)
    with requests_mock.Mocker() as mocker:
        yield (
            custom_api_client(config, HttpSettings(), logging.getLogger("test"), fake.clock, 1, budget),
            mocker,
        )


def read_fails(api: ApiClient) -> AirbyteTracedException:
    with pytest.raises(AirbyteTracedException) as raised:
        api.get_json("/contacts", {"page": 1})
    return raised.value


_TOKENS = [{"json": {"token": "first"}}, {"json": {"token": "second"}}]
_REFUSED = {"status_code": 401, "json": {}}


@pytest.mark.parametrize(
    ("tokens", "contacts", "expected", "failure_type"),
    [
        pytest.param(
            _TOKENS,
            [_REFUSED],
            "The Custom Contact Source API issued an access token for the client id",
            FailureType.config_error,
            id="renewed-token-refused-too-and-none-accepted-before",
        ),
        pytest.param(
            _TOKENS,
            [{"json": {"contacts": [], "has_more": False}}, _REFUSED],
            "The Custom Contact Source API refused its own access tokens (HTTP 401)",
            FailureType.transient_error,
            id="renewed-token-refused-after-tokens-were-accepted",
        ),
        pytest.param(
            [_TOKENS[0], _REFUSED],
            [_REFUSED],
            "The Custom Contact Source API refused the credentials (HTTP 401). "
            "Check the client id and client secret in the configuration.",
            FailureType.config_error,
            id="the-renewal-itself-refused",
        ),
    ],
)
def test_given_a_token_refused_when_it_is_renewed_then_the_failure_says_what_to_check(
    client: tuple[ApiClient, requests_mock.Mocker],
    tokens: list[dict],
    contacts: list[dict],
    expected: str,
    failure_type: FailureType,
):
    api, mocker = client
    mocker.get(f"{BASE}/token", tokens)
    mocker.get(f"{BASE}/contacts", contacts)
    for _accepted in contacts[:-1]:
        api.get_json("/contacts", {"page": 1})

    error = read_fails(api)

    assert error.message.startswith(expected)
    assert error.failure_type == failure_type
