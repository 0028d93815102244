"""The console script, as a user or Airbyte runs it, with the example configs aimed at the sandbox."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contacts_sandbox.testing import SandboxProcess

EXAMPLES = Path(__file__).resolve().parents[2] / "secrets.example"
EXAMPLE_SANDBOX = "http://127.0.0.1:8765"
COMMAND = str(Path(sys.executable).with_name("source-custom-contacts"))


def _run(*args: str) -> tuple[int, list[dict[str, Any]]]:
    done = subprocess.run([COMMAND, *args], capture_output=True, text=True, timeout=120, check=False)
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _of_type(messages: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [message for message in messages if message["type"] == kind]


@pytest.fixture(params=["custom-api", "company-api"])
def example_config(request: pytest.FixtureRequest, sandbox: SandboxProcess, tmp_path: Path) -> Path:
    text = (EXAMPLES / f"source-custom-contacts.{request.param}.json").read_text()
    path = tmp_path / "config.json"
    path.write_text(text.replace(EXAMPLE_SANDBOX, sandbox.url))
    return path


def test_given_no_config_when_spec_then_one_spec_message_and_exit_code_zero():
    code, messages = _run("spec")

    assert code == 0
    assert len(_of_type(messages, "SPEC")) == 1


def test_given_an_example_config_when_check_discover_and_read_then_each_verb_speaks_the_protocol(
    example_config: Path, tmp_path: Path
):
    check_code, check_messages = _run("check", "--config", str(example_config))
    discover_code, discover_messages = _run("discover", "--config", str(example_config))
    catalog = _of_type(discover_messages, "CATALOG")[0]["catalog"]
    configured = {
        "streams": [
            {"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
            for stream in catalog["streams"]
        ]
    }
    catalog_path = tmp_path / "catalog.json"
    catalog_path.write_text(json.dumps(configured))
    read_code, read_messages = _run("read", "--config", str(example_config), "--catalog", str(catalog_path))

    assert (check_code, discover_code, read_code) == (0, 0, 0)
    assert _of_type(check_messages, "CONNECTION_STATUS")[0]["connectionStatus"]["status"] == "SUCCEEDED"
    assert "contacts" in {stream["name"] for stream in catalog["streams"]}
    assert _of_type(read_messages, "RECORD")
    assert _of_type(read_messages, "STATE")
