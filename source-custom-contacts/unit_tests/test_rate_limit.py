"""The source on the shared transport (`transport/`, tested once in the destination): a 429 or 503
makes the request that got it wait its Retry-After, a request that keeps meeting the limit fails the
sync with a message that names the setting to change, and credentials leave with the request, after
the pace let it go."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import requests_mock
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from contacts_sandbox.fakes import FakeTime, library_sleeps_on
from source_custom_contacts.client import ApiClient, custom_api_client, rate_budget
from source_custom_contacts.config import CustomApiConfig, HttpSettings
from unit_tests.integration.response_builder import jwt

LOGGER = logging.getLogger("airbyte")
BASE = "https://contacts.example.com"
START = 1_800_000_000.0
PAGE = {"contacts": [], "has_more": False}
RATE_LIMIT_MESSAGE = (
    "The Custom Contact Source API kept answering HTTP 429 (too many requests) through every retry: set "
    "'max_requests_per_second' (now 5) below the API's limit, and run the sync again."
)


@pytest.fixture
def mocker() -> Iterator[requests_mock.Mocker]:
    with requests_mock.Mocker() as mocked:
        yield mocked


def client_on(fake: FakeTime, max_retries: int, rate: int | None = None) -> ApiClient:
    config = CustomApiConfig(base_url=BASE, client_id="id", client_secret="secret")
    settings = HttpSettings(max_requests_per_second=rate)
    budget = rate_budget(settings, clock=fake.clock, sleep=fake.sleep)
    return custom_api_client(config, settings, LOGGER, fake.clock, max_retries, budget)


def given_a_token(mocker: requests_mock.Mocker, *tokens: str) -> None:
    mocker.get(f"{BASE}/token", [{"json": {"token": token}} for token in tokens or (jwt("t", START + 3600),)])


class TestRetryAfter:
    @pytest.mark.parametrize("status", [429, 503])
    def test_given_a_retry_after_on_a_429_or_503_then_its_request_waits_it(
        self, mocker: requests_mock.Mocker, monkeypatch: pytest.MonkeyPatch, status: int
    ) -> None:
        fake = FakeTime(START)
        waits = library_sleeps_on(fake, monkeypatch)
        client = client_on(fake, max_retries=1)
        given_a_token(mocker)
        mocker.get(
            f"{BASE}/contacts", [{"status_code": status, "headers": {"Retry-After": "3"}}, {"json": PAGE}]
        )

        assert client.get_json("/contacts", {"page": 1}) == PAGE
        assert waits == [3.0 + 1.0]  # the CDK adds a second to every Retry-After

    def test_given_429s_through_every_retry_then_the_sync_fails_naming_the_api_and_the_setting(
        self, mocker: requests_mock.Mocker
    ) -> None:
        client = client_on(FakeTime(START), max_retries=0, rate=5)
        given_a_token(mocker)
        mocker.get(f"{BASE}/contacts", status_code=429, headers={"Retry-After": "1"}, json={})

        with pytest.raises(AirbyteTracedException) as error:
            client.get_json("/contacts", {"page": 1})

        assert error.value.message == RATE_LIMIT_MESSAGE
        assert error.value.failure_type == FailureType.transient_error

    def test_given_a_retry_after_past_the_bound_then_the_sync_fails_at_once_naming_the_setting(
        self, mocker: requests_mock.Mocker
    ) -> None:
        client = client_on(FakeTime(START), max_retries=5, rate=5)
        given_a_token(mocker)
        contacts = mocker.get(f"{BASE}/contacts", status_code=429, headers={"Retry-After": "86400"}, json={})

        with pytest.raises(AirbyteTracedException) as error:
            client.get_json("/contacts", {"page": 1})

        assert error.value.message == RATE_LIMIT_MESSAGE
        assert contacts.call_count == 1


class TestCredentials:
    def test_given_a_token_that_expires_while_its_request_waits_for_the_pace_then_it_leaves_with_a_new_one(
        self, mocker: requests_mock.Mocker
    ) -> None:
        fake = FakeTime(START)
        # Paced at 0.9 requests a second; the first token is renewed 2 s before it expires, at +8 s.
        client = client_on(fake, max_retries=0, rate=1)
        first, second = jwt("first", START + 10), jwt("second", START + 3600)
        given_a_token(mocker, first, second)
        mocker.get(f"{BASE}/contacts", json=PAGE)

        for page in range(1, 9):
            client.get_json("/contacts", {"page": page})

        # The eighth page took the first token before its wait for the pace, and left after +8 s.
        bearers = [r.headers["Authorization"] for r in mocker.request_history if r.path == "/contacts"]
        assert bearers == [f"Bearer {first}"] * 7 + [f"Bearer {second}"]

    def test_given_a_redirect_to_another_host_then_the_token_is_not_sent_there(
        self, mocker: requests_mock.Mocker
    ) -> None:
        client = client_on(FakeTime(START), max_retries=0)
        given_a_token(mocker)
        mocker.get(
            f"{BASE}/contacts", status_code=302, headers={"Location": "https://elsewhere.example.com/c"}
        )
        elsewhere = mocker.get("https://elsewhere.example.com/c", json=PAGE)

        assert client.get_json("/contacts", {"page": 1}) == PAGE
        assert "Authorization" not in elsewhere.last_request.headers
