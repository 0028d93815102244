"""The Custom Contact Source API's token: fetched once, reused, renewed before it expires."""

from __future__ import annotations

import logging

import pytest
import requests
import requests_mock
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from contacts_sandbox.fakes import FakeTime, library_sleeps_on
from source_custom_contacts.auth import RENEW_WITHOUT_EXPIRY_SECONDS, jwt_expiry
from source_custom_contacts.client import custom_api_client
from source_custom_contacts.config import CustomApiConfig, HttpSettings
from unit_tests.integration.response_builder import jwt

_BASE = "https://contacts.example.com"
_START = 1_800_000_000.0


class ManualClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _client(clock: ManualClock, max_retries: int = 0):
    config = CustomApiConfig(base_url=_BASE, client_id="id", client_secret="secret")
    return custom_api_client(config, HttpSettings(), logging.getLogger("test"), clock, max_retries)


def _bearers(mocker: requests_mock.Mocker) -> list[str]:
    return [r.headers["Authorization"] for r in mocker.request_history if r.path == "/contacts"]


def test_given_a_token_valid_for_an_hour_when_pages_are_read_within_it_then_one_token_serves_them_all():
    clock = ManualClock(_START)
    client = _client(clock)
    with requests_mock.Mocker() as mocker:
        token = mocker.get(f"{_BASE}/token", json={"token": jwt("a", _START + 3600)})
        mocker.get(f"{_BASE}/contacts", json={"contacts": [], "has_more": False})
        for minute in range(3):
            clock.now = _START + minute * 60
            client.get_json("/contacts", {"page": 1})

    assert token.call_count == 1


def test_given_a_token_near_its_expiry_when_the_next_page_is_read_then_a_new_token_is_used():
    clock = ManualClock(_START)
    client = _client(clock)
    first, second = jwt("first", _START + 3600), jwt("second", _START + 7200)
    with requests_mock.Mocker() as mocker:
        mocker.get(f"{_BASE}/token", [{"json": {"token": first}}, {"json": {"token": second}}])
        mocker.get(f"{_BASE}/contacts", json={"contacts": [], "has_more": False})
        client.get_json("/contacts", {"page": 1})
        clock.now = _START + 3600 - 10  # inside the renewal margin, before exp
        client.get_json("/contacts", {"page": 2})

        assert _bearers(mocker) == [f"Bearer {first}", f"Bearer {second}"]


def test_given_a_token_request_when_sent_then_it_carries_the_basic_credentials():
    with requests_mock.Mocker() as mocker:
        token = mocker.get(f"{_BASE}/token", json={"token": jwt("a", None)})
        mocker.get(f"{_BASE}/contacts", json={"contacts": [], "has_more": False})
        _client(ManualClock(_START)).get_json("/contacts", {"page": 1})

    assert token.last_request.headers["Authorization"] == requests.auth._basic_auth_str("id", "secret")


def test_given_a_token_answer_without_token_when_fetched_then_system_error_says_what_was_expected():
    with requests_mock.Mocker() as mocker:
        mocker.get(f"{_BASE}/token", json={"access_token": "x"})
        with pytest.raises(AirbyteTracedException) as error:
            _client(ManualClock(_START)).get_json("/contacts", {"page": 1})

    assert error.value.failure_type == FailureType.system_error
    assert '{"token": "..."}' in error.value.message


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (jwt("a", 1_900_000_000), 1_900_000_000.0),
        (jwt("a", None), None),
        ("opaque-token", None),
        ("a.%%%.c", None),
    ],
)
def test_given_a_token_when_its_expiry_is_read_then_only_a_jwt_exp_counts(token: str, expected: float | None):
    assert jwt_expiry(token) == expected


def test_given_a_token_already_expired_by_our_clock_when_used_then_it_is_kept_until_the_api_refuses_it():
    clock = ManualClock(_START)
    client = _client(clock)
    with requests_mock.Mocker() as mocker:
        token = mocker.get(f"{_BASE}/token", json={"token": jwt("skewed", _START - 120)})
        mocker.get(f"{_BASE}/contacts", json={"contacts": [], "has_more": False})
        for page in (1, 2, 3):
            client.get_json("/contacts", {"page": page})

    assert token.call_count == 1


@pytest.mark.parametrize("token", [jwt("no-exp", None), "opaque-token"], ids=["jwt-without-exp", "opaque"])
def test_given_a_token_without_expiry_when_it_reaches_the_renewal_age_then_a_new_token_is_used(token: str):
    clock = ManualClock(_START)
    client = _client(clock)
    with requests_mock.Mocker() as mocker:
        mocker.get(f"{_BASE}/token", [{"json": {"token": token}}, {"json": {"token": "renewed"}}])
        mocker.get(f"{_BASE}/contacts", json={"contacts": [], "has_more": False})
        client.get_json("/contacts", {"page": 1})
        clock.now = _START + RENEW_WITHOUT_EXPIRY_SECONDS - 1
        client.get_json("/contacts", {"page": 2})
        clock.now = _START + RENEW_WITHOUT_EXPIRY_SECONDS
        client.get_json("/contacts", {"page": 3})

        assert _bearers(mocker) == [f"Bearer {token}", f"Bearer {token}", "Bearer renewed"]


@pytest.mark.parametrize("status", [401, 403])
def test_given_the_api_refuses_a_token_with_a_status_when_read_then_it_is_renewed_once_and_the_read_goes_on(
    status: int, monkeypatch: pytest.MonkeyPatch
):
    library_sleeps_on(FakeTime(_START), monkeypatch)
    first, second = jwt("first", None), jwt("second", None)
    sent: list[str] = []

    def answer(request: requests.PreparedRequest, context: object) -> dict:
        # Recorded as sent: the CDK retries with the same request object, its header replaced.
        sent.append(request.headers["Authorization"])
        context.status_code = status if len(sent) == 1 else 200  # type: ignore[attr-defined]
        return {"contacts": [], "has_more": False}

    with requests_mock.Mocker() as mocker:
        token = mocker.get(f"{_BASE}/token", [{"json": {"token": first}}, {"json": {"token": second}}])
        mocker.get(f"{_BASE}/contacts", json=answer)
        _client(ManualClock(_START), max_retries=1).get_json("/contacts", {"page": 1})

    assert token.call_count == 2
    assert sent == [f"Bearer {first}", f"Bearer {second}"]


def test_given_a_token_without_expiry_refused_at_100_s_when_read_on_then_later_tokens_are_renewed_before(
    monkeypatch: pytest.MonkeyPatch,
):
    library_sleeps_on(FakeTime(_START), monkeypatch)
    clock = ManualClock(_START)
    client = _client(clock, max_retries=1)
    tokens = [jwt(name, None) for name in ("first", "second", "third")]
    refused: list[str] = []

    def answer(request: requests.PreparedRequest, context: object) -> dict:
        bearer = request.headers["Authorization"]
        if bearer == f"Bearer {tokens[0]}" and clock.now >= _START + 100:
            refused.append(bearer)
            context.status_code = 403  # type: ignore[attr-defined]
        return {"contacts": [], "has_more": False}

    with requests_mock.Mocker() as mocker:
        token = mocker.get(f"{_BASE}/token", [{"json": {"token": t}} for t in tokens])
        mocker.get(f"{_BASE}/contacts", json=answer)
        client.get_json("/contacts", {"page": 1})
        clock.now = _START + 100  # the first token has expired: refused, renewed
        client.get_json("/contacts", {"page": 2})
        clock.now = _START + 100 + 80  # the second is renewed at four fifths of the life learnt
        client.get_json("/contacts", {"page": 3})

    assert len(refused) == 1
    assert token.call_count == 3


def test_given_a_young_token_without_expiry_refused_when_renewed_then_no_life_is_learnt(
    monkeypatch: pytest.MonkeyPatch,
):
    library_sleeps_on(FakeTime(_START), monkeypatch)
    clock = ManualClock(_START)
    client = _client(clock, max_retries=1)
    first, second = jwt("first", None), jwt("second", None)

    def answer(request: requests.PreparedRequest, context: object) -> dict:
        if request.headers["Authorization"] == f"Bearer {first}":
            context.status_code = 401  # type: ignore[attr-defined]
        return {"contacts": [], "has_more": False}

    with requests_mock.Mocker() as mocker:
        token = mocker.get(f"{_BASE}/token", [{"json": {"token": first}}, {"json": {"token": second}}])
        mocker.get(f"{_BASE}/contacts", json=answer)
        client.get_json("/contacts", {"page": 1})  # refused at once: a revoked token, say
        clock.now = _START + RENEW_WITHOUT_EXPIRY_SECONDS - 1
        client.get_json("/contacts", {"page": 2})

    assert token.call_count == 2
