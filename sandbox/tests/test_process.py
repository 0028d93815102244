"""The sandbox as a real process: start, serve, stop."""

from __future__ import annotations

import requests

from contacts_sandbox.testing import SandboxProcess


def test_given_a_running_sandbox_when_its_context_ends_then_the_process_is_gone() -> None:
    with SandboxProcess(contacts=20, seed=3) as sandbox:
        assert requests.get(f"{sandbox.url}/admin/health", timeout=5).json() == {"status": "ok"}
        process = sandbox.process
    assert process is not None
    assert process.poll() is not None


def test_given_the_session_sandbox_when_reset_then_it_serves_the_seeded_contacts(
    sandbox: SandboxProcess,
) -> None:
    token = requests.get(f"{sandbox.url}/custom/token", auth=("test_id", "test_secret"), timeout=5).json()[
        "token"
    ]
    response = requests.get(
        f"{sandbox.url}/custom/contacts",
        params={"limit": 1000},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert response.status_code == 200
    assert len(response.json()["contacts"]) == 200
