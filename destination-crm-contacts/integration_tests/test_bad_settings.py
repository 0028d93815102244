"""Settings that do not lead to the APIs, against the sandbox under each profile: check says so
in seconds, and a write fails before it confirms any state."""

from __future__ import annotations

import socket
from pathlib import Path

from contacts_sandbox.testing import SandboxProcess
from integration_tests.connector import check, config_for, sync_lines, write


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TestCheck:
    def test_given_the_sandbox_then_check_succeeds_and_leaves_no_contact_behind(
        self, sandbox: SandboxProcess, tmp_path: Path
    ) -> None:
        crm_before = sandbox.admin.dump("crm")

        run = check(tmp_path, config_for(sandbox))

        assert run.status["status"] == "SUCCEEDED", run.status
        assert sandbox.admin.dump("crm") == crm_before

    def test_given_a_crm_base_url_at_the_wrong_path_then_check_fails_naming_the_settings(
        self, sandbox: SandboxProcess, tmp_path: Path
    ) -> None:
        config = config_for(sandbox)
        config["crm"]["base_url"] = f"{sandbox.url}/crm/v2"

        run = check(tmp_path, config)

        assert run.status["status"] == "FAILED"
        assert run.status["message"].startswith("crm: POST /contacts answered HTTP 404")
        assert run.status["message"].endswith("check crm.base_url and crm.contacts_path.")

    def test_given_an_unreachable_crm_host_then_check_answers_from_its_first_try_naming_host_and_setting(
        self, sandbox: SandboxProcess, tmp_path: Path
    ) -> None:
        port = closed_port()
        config = config_for(sandbox)
        config["crm"]["base_url"] = f"http://127.0.0.1:{port}/crm"

        run = check(tmp_path, config)

        assert run.status["status"] == "FAILED"
        assert run.status["message"].startswith(
            f"crm: GET /contacts on 127.0.0.1:{port}: the connection was refused"
        )
        assert "check crm.base_url" in run.status["message"]
        assert run.retries == []


class TestWrite:
    def test_given_a_crm_base_url_at_the_wrong_path_when_50_records_are_written_then_it_fails_with_no_state(
        self, sandbox: SandboxProcess, tmp_path: Path
    ) -> None:
        contacts = sandbox.admin.dump("custom")["contacts"][:50]
        config = config_for(sandbox)
        config["crm"]["base_url"] = f"{sandbox.url}/crm/v2"

        run = write(tmp_path, config, sync_lines(contacts))

        assert run.returncode != 0
        assert run.states == []
        [trace] = [m["trace"] for m in run.messages if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]
        assert trace["error"]["failure_type"] == "config_error"
        assert "check crm.base_url and crm.contacts_path" in trace["error"]["message"]
