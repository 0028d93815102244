"""No secret reaches any output: not the config's, and not those learnt at run time (the Basic
header, which is the client secret in base64, and every JWT the API issues), even with --debug."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

from contacts_sandbox import forked_cli
from contacts_sandbox.testing import SandboxProcess
from integration_tests.conftest import company_config, custom_config

JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


def _outputs(config_path: Path, catalog_path: Path) -> str:
    """stdout and stderr of every verb, each run with --debug (forked from a process that imported
    the connector: see `contacts_sandbox.forked_cli`)."""
    runs = [
        ["spec"],
        ["check", "--config", str(config_path)],
        ["discover", "--config", str(config_path)],
        ["read", "--config", str(config_path), "--catalog", str(catalog_path)],
    ]
    text = []
    for args in runs:
        done = forked_cli.run(["source-custom-contacts", *args, "--debug"])
        text += [done.stdout, done.stderr]
    return "\n".join(text)


def _catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.json"
    stream = {"name": "contacts", "json_schema": {}, "supported_sync_modes": ["full_refresh"]}
    configured = {"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
    path.write_text(json.dumps({"streams": [configured]}))
    return path


def _secrets_of(config: dict[str, Any]) -> list[str]:
    api = config["api"]
    if api["api_type"] == "company":
        return [api["api_key"]]
    basic = base64.b64encode(f"{api['client_id']}:{api['client_secret']}".encode()).decode()
    return [api["client_secret"], basic]


@pytest.mark.parametrize(
    "make_config",
    [
        pytest.param(lambda sandbox: custom_config(sandbox), id="custom-good"),
        pytest.param(lambda sandbox: custom_config(sandbox, client_secret="wrong-secret"), id="custom-bad"),
        pytest.param(lambda sandbox: company_config(sandbox), id="company-good"),
        pytest.param(lambda sandbox: company_config(sandbox, api_key="wrong-key"), id="company-bad"),
    ],
)
def test_given_good_or_bad_credentials_when_every_verb_runs_with_debug_then_no_secret_is_printed(
    make_config: Any, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    config = make_config(sandbox)
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config))

    output = _outputs(config_path, _catalog(tmp_path))

    assert "Making outbound API request" in output, "--debug logged no request: the test proves nothing"
    for secret in _secrets_of(config):
        assert secret not in output
    assert JWT.findall(output) == []
