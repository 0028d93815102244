"""The sandbox as a real process: start, serve, stop, whatever happens in between."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import jwt
import pytest
import requests

from contacts_sandbox.testing import SandboxProcess, SandboxStartError


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_given_a_running_sandbox_when_its_context_ends_then_the_process_is_gone() -> None:
    with SandboxProcess(contacts=20, seed=3) as sandbox:
        assert requests.get(f"{sandbox.url}/admin/health", timeout=5).json() == {"status": "ok"}
        assert sandbox.output.startswith("contacts-sandbox listening on http://127.0.0.1:")
        process = sandbox.process
    assert process is not None
    assert process.poll() is not None


def _check_the_ttl_then_fail(sandbox: SandboxProcess) -> None:
    with sandbox:
        answer = requests.get(f"{sandbox.url}/custom/token", auth=("test_id", "test_secret"), timeout=5)
        expiry = jwt.decode(answer.json()["token"], options={"verify_signature": False})["exp"]
        assert time.time() + 6 <= expiry <= time.time() + 8, "--token-ttl reached the server"
        raise RuntimeError("the test failed")


def test_given_a_failing_test_body_when_the_context_unwinds_then_the_process_is_stopped_too() -> None:
    sandbox = SandboxProcess(contacts=5, token_ttl=7)
    with pytest.raises(RuntimeError, match="the test failed"):
        _check_the_ttl_then_fail(sandbox)
    assert sandbox.process is not None
    assert sandbox.process.poll() is not None


def test_given_a_port_a_file_and_a_log_when_restarted_then_the_data_and_the_log_carry_over(
    tmp_path: Path,
) -> None:
    port, db, log = free_port(), tmp_path / "sandbox.db", tmp_path / "logs" / "sandbox.log"
    with SandboxProcess(contacts=5, db=str(db), port=port, log=log) as first:
        assert first.url == f"http://127.0.0.1:{port}"
        first.admin.churn("custom", create=2, update=0, delete=0, seed=1)
    with SandboxProcess(contacts=5, db=str(db), port=port, log=log) as second:
        assert len(second.admin.dump("custom")["contacts"]) == 7

    assert log.read_text().count(f"listening on http://127.0.0.1:{port}") == 2


def test_given_bad_arguments_when_starting_then_a_start_error_carrying_the_servers_output() -> None:
    with (
        pytest.raises(SandboxStartError, match="--contacts"),
        SandboxProcess(extra_args=["--contacts", "many"]),
    ):
        pass


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
