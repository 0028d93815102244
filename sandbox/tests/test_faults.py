"""Each fault, against the sandbox as a real process (a dropped connection needs a real socket)."""

from __future__ import annotations

import time

import jwt
import pytest
import requests

from contacts_sandbox.testing import SandboxProcess
from tests.helpers import CLIENT_CONTACTS, COMPANY_A, CRM


def _company_statuses(sandbox: SandboxProcess, count: int) -> list[int]:
    with requests.Session() as session:
        return [
            session.get(f"{sandbox.url}/company/api/v1/contacts", headers=COMPANY_A, timeout=5).status_code
            for _ in range(count)
        ]


def test_given_latency_when_calling_that_api_then_the_answer_is_held_back(sandbox: SandboxProcess) -> None:
    sandbox.admin.set_faults("company", latency_ms=400)
    began = time.perf_counter()
    response = requests.get(f"{sandbox.url}/company/api/v1/contacts", headers=COMPANY_A, timeout=5)
    assert response.status_code == 200
    assert time.perf_counter() - began >= 0.4


def test_given_an_error_rate_when_calling_then_about_that_share_is_503_and_reproducibly(
    sandbox: SandboxProcess,
) -> None:
    sandbox.admin.set_faults("company", error_rate=0.3)
    first = _company_statuses(sandbox, 100)
    assert set(first) == {200, 503}
    assert 0.15 < first.count(503) / len(first) < 0.45
    sandbox.admin.set_faults("company", error_rate=0.3)  # setting faults again restarts the draws
    assert _company_statuses(sandbox, 100) == first
    assert sandbox.admin.stats()["status"]["company"]["503"] == 2 * first.count(503)


def test_given_an_injected_503_when_reading_its_body_then_the_apis_error_shape(
    sandbox: SandboxProcess,
) -> None:
    sandbox.admin.set_faults("client_contacts", error_rate=1)
    response = requests.get(f"{sandbox.url}/client-contacts/contacts", headers=CLIENT_CONTACTS, timeout=5)
    assert response.status_code == 503
    assert response.json()["success"] is False


def test_given_a_rate_limit_when_calling_faster_then_429_with_retry_after(sandbox: SandboxProcess) -> None:
    # Two a second: the test needs only three of its requests to fall in one second, even on a busy machine.
    sandbox.admin.set_faults("company", rate_limit_per_second=2, retry_after_seconds=2)
    with requests.Session() as session:
        responses = [
            session.get(f"{sandbox.url}/company/api/v1/contacts", headers=COMPANY_A, timeout=5)
            for _ in range(12)
        ]
    statuses = [response.status_code for response in responses]
    assert statuses[:2] == [200] * 2
    assert 429 in statuses
    limited = [response for response in responses if response.status_code == 429]
    assert all(response.headers["Retry-After"] == "2" for response in limited)
    assert all("rate limit" in response.json()["error"] for response in limited)


def test_given_a_drop_rate_of_one_when_calling_then_requests_sees_a_connection_error(
    sandbox: SandboxProcess,
) -> None:
    sandbox.admin.set_faults("crm", drop_rate=1)
    with pytest.raises(requests.ConnectionError):
        requests.post(
            f"{sandbox.url}/crm/contacts", json={"first_name": "A", "email": "a@b.c"}, headers=CRM, timeout=5
        )
    assert sandbox.admin.dump("crm") == [], "a dropped request is not processed"
    assert sandbox.admin.stats()["status"]["crm"] == {"dropped": 1}
    # The server itself is unharmed, and the other APIs unaffected.
    assert (
        requests.get(f"{sandbox.url}/company/api/v1/contacts", headers=COMPANY_A, timeout=5).status_code
        == 200
    )


def test_given_a_drop_rate_when_calling_many_times_then_some_drop_and_the_rest_answer(
    sandbox: SandboxProcess,
) -> None:
    sandbox.admin.set_faults("company", drop_rate=0.3)
    outcomes = []
    with requests.Session() as session:
        for _ in range(40):
            try:
                outcomes.append(
                    session.get(
                        f"{sandbox.url}/company/api/v1/contacts", headers=COMPANY_A, timeout=5
                    ).status_code
                )
            except requests.ConnectionError:
                outcomes.append("dropped")
    assert 0 < outcomes.count("dropped") < 40
    assert set(outcomes) == {200, "dropped"}


@pytest.mark.parametrize(
    ("api", "path", "headers", "body"),
    [
        ("crm", "/crm/contacts", CRM, {"first_name": "Late", "email": "late@example.com"}),
        ("client_contacts", "/client-contacts/contacts", CLIENT_CONTACTS, {"name": "Late"}),
    ],
)
def test_given_a_late_create_when_the_client_gives_up_then_the_record_was_committed(
    sandbox: SandboxProcess, api: str, path: str, headers: dict[str, str], body: dict[str, str]
) -> None:
    sandbox.admin.set_faults(api, late_create_rate=1, late_create_delay_s=3)
    with pytest.raises(requests.ReadTimeout):
        requests.post(f"{sandbox.url}{path}", json=body, headers=headers, timeout=0.5)
    dumped = sandbox.admin.dump(api)
    assert len(dumped) == 1
    assert dumped[0][next(iter(body))] == "Late"


def test_given_a_short_token_ttl_when_the_token_outlives_it_then_401_and_a_new_token_works(
    sandbox: SandboxProcess,
) -> None:
    sandbox.admin.set_faults("custom", token_ttl_seconds=2)

    def get_token() -> str:
        answer = requests.get(f"{sandbox.url}/custom/token", auth=("test_id", "test_secret"), timeout=5)
        token: str = answer.json()["token"]
        return token

    token = get_token()
    expiry = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert expiry - time.time() <= 3
    contacts = f"{sandbox.url}/custom/contacts"
    assert requests.get(contacts, headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code == 200
    time.sleep(max(0.0, expiry - time.time()) + 0.05)
    expired = requests.get(contacts, headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert expired.status_code == 401
    assert expired.json() == {"error": "token expired"}
    assert (
        requests.get(contacts, headers={"Authorization": f"Bearer {get_token()}"}, timeout=5).status_code
        == 200
    )


def test_given_a_token_revocation_when_the_nth_request_comes_then_old_tokens_get_401_and_a_new_one_works(
    sandbox: SandboxProcess,
) -> None:
    def get_token() -> str:
        answer = requests.get(f"{sandbox.url}/custom/token", auth=("test_id", "test_secret"), timeout=5)
        token: str = answer.json()["token"]
        return token

    def status_with(token: str) -> int:
        contacts = f"{sandbox.url}/custom/contacts"
        return requests.get(contacts, headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code

    sandbox.admin.set_faults("custom", revoke_tokens_at_request=2)
    first, second = get_token(), get_token()
    assert status_with(first) == 200
    assert status_with(second) == 401
    assert status_with(first) == 401
    renewed = get_token()
    assert [status_with(renewed) for _ in range(3)] == [200] * 3


def test_given_faults_on_one_api_when_calling_another_then_it_is_untouched(sandbox: SandboxProcess) -> None:
    sandbox.admin.set_faults("crm", error_rate=1)
    assert set(_company_statuses(sandbox, 20)) == {200}
