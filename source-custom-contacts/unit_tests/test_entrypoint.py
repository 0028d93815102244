"""The command line answers a mistake in its files or its config with one message that names the
file or the field, and the fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_custom_contacts.entrypoint import launch
from source_custom_contacts.source import SourceCustomContacts

GOOD_CONFIG = {
    "api": {
        "api_type": "custom",
        "base_url": "https://contacts.example.com",
        "client_id": "id",
        "client_secret": "secret",
    }
}
CATALOG = {
    "streams": [
        {
            "stream": {"name": "contacts", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
            "sync_mode": "full_refresh",
            "destination_sync_mode": "overwrite",
        }
    ]
}


def _file(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, Any]]]:
    code = 0
    try:
        launch(SourceCustomContacts(), args)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    lines = capsys.readouterr().out.splitlines()
    return code, [json.loads(line) for line in lines if line.startswith("{")]


class TestConfigMistakesInsideTheApi:
    @pytest.mark.parametrize(
        ("change", "named"),
        [
            ({"page_size": 0}, "'api.page_size' of the Custom Contact Source API must be a whole number"),
            ({"client_secret": ""}, "'api.client_secret' of the Custom Contact Source API is required"),
            ({"base_url": "contacts.example.com"}, "'api.base_url' of the Custom Contact Source API must be"),
        ],
    )
    def test_given_a_mistake_inside_api_when_check_then_the_status_names_the_field_and_the_api(
        self, change: dict[str, Any], named: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        config = {"api": {**GOOD_CONFIG["api"], **change}}

        _, messages = _run(["check", "--config", _file(tmp_path, "config.json", config)], capsys)

        [status] = [m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS"]
        assert status["status"] == "FAILED"
        assert named in status["message"]
        assert "was expected" not in status["message"]


class TestUnusableFiles:
    @pytest.mark.parametrize(
        ("args", "named"),
        [
            (["check", "--config", "{missing}"], "The config file '{missing}' does not exist"),
            (["check", "--config", "{broken}"], "The config file '{broken}' is not valid JSON"),
            (
                ["read", "--config", "{config}", "--catalog", "{broken}"],
                "The catalog file '{broken}' is not valid JSON",
            ),
            (
                ["read", "--config", "{config}", "--catalog", "{object}"],
                "The catalog file '{object}' is not a valid catalog",
            ),
            (
                ["read", "--config", "{config}", "--catalog", "{catalog}", "--state", "{object}"],
                "The state file '{object}' is not a valid state",
            ),
        ],
        ids=["missing-config", "broken-config", "broken-catalog", "not-a-catalog", "not-a-state"],
    )
    def test_given_a_file_that_cannot_be_used_when_run_then_one_trace_names_it_and_the_exit_code_is_1(
        self, args: list[str], named: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        paths = {
            "missing": str(tmp_path / "missing.json"),
            "broken": _file(tmp_path, "broken.json", "{oops"),
            "object": _file(tmp_path, "object.json", {"x": 1}),
            "config": _file(tmp_path, "config.json", GOOD_CONFIG),
            "catalog": _file(tmp_path, "catalog.json", CATALOG),
        }

        code, messages = _run([arg.format(**paths) for arg in args], capsys)

        assert code == 1
        [trace] = messages
        assert trace["type"] == "TRACE"
        assert trace["trace"]["error"]["failure_type"] == "config_error"
        assert named.format(**paths) in trace["trace"]["error"]["message"]


class TestCatalogStreamsTheSourceDoesNotHave:
    def test_given_a_catalog_stream_this_source_lacks_when_read_then_config_error_names_it_and_the_fix(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        catalog = json.loads(json.dumps(CATALOG))
        catalog["streams"][0]["stream"]["name"] = "contact_tags"  # a Company Contacts API stream
        args = ["read", "--config", _file(tmp_path, "config.json", GOOD_CONFIG)]
        args += ["--catalog", _file(tmp_path, "catalog.json", catalog)]

        with pytest.raises(AirbyteTracedException) as raised:
            _run(args, capsys)

        assert raised.value.failure_type == FailureType.config_error
        assert "The catalog asks for 'contact_tags'" in str(raised.value.message)
        assert "refresh the connection's schema" in str(raised.value.message)
