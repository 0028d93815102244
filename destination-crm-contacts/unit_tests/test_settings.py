"""Mistakes in the command line's files and the config's shape: one sentence naming the file or
the field and the fix, no stack trace, no secret."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests_mock

from destination_crm_contacts.destination import DestinationCrmContacts
from unit_tests.builders import ConfigBuilder
from unit_tests.fakes import CRM_URL

SECRET = "crm-secret-4711"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, Any]], str]:
    code = 0
    try:
        DestinationCrmContacts().run(args)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out = capsys.readouterr().out
    return code, [json.loads(line) for line in out.splitlines() if line.startswith("{")], out


def config_file(tmp_path: Path, config: Any) -> str:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return str(path)


class TestConfigShape:
    @pytest.mark.parametrize(
        ("crm", "options", "message"),
        [
            (
                {"base_url": "crm.example.com"},
                {},
                "Config field crm.base_url must start with http:// or https://",
            ),
            ({"enabled": "yes"}, {}, "Config field crm.enabled must be a boolean"),
            (
                {"match_field": "phone_number"},
                {},
                "Config field crm.match_field must be one of email, phone,",
            ),
            (
                {"max_concurrent_requests": 500},
                {},
                "Config field crm.max_concurrent_requests must be at most 128",
            ),
            ({}, {"max_retries": "many"}, "Config field max_retries must be a whole number"),
            ({}, {"request_timeout_seconds": 0}, "Config field request_timeout_seconds must be at least 0.1"),
            (
                {"field_mapping": [{"target_field": "email"}]},
                {},
                "Config field crm.field_mapping.0.record_field is",
            ),
            (
                {},
                {"rejected_records_storage": {"storage_type": "s3"}},
                "Config field rejected_records_storage.bucket is missing: add it to the config.",
            ),
            (
                {},
                {"rejected_records_storage": {"storage_type": "s3", "bucket": ""}},
                "Config field rejected_records_storage.bucket is empty: give it a value.",
            ),
            (
                {},
                {"rejected_records_storage": {"storage_type": "gcs"}},
                "Config field rejected_records_storage.storage_type must be one of none, s3: choose one",
            ),
        ],
    )
    def test_given_a_config_that_breaks_the_spec_then_check_names_the_field_and_never_the_secret(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        crm: dict[str, Any],
        options: dict[str, Any],
        message: str,
    ) -> None:
        config = ConfigBuilder().with_crm(api_key=SECRET, **crm).with_option(**options).build()

        code, messages, out = run(["check", "--config", config_file(tmp_path, config)], capsys)

        assert code == 0
        [status] = [m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS"]
        assert status["status"] == "FAILED"
        assert status["message"].startswith(message), status["message"]
        assert SECRET not in out

    def test_given_a_config_that_is_not_an_object_then_check_says_what_to_give(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        _, messages, _ = run(["check", "--config", config_file(tmp_path, [])], capsys)

        assert messages[-1]["connectionStatus"]["message"].startswith("The config is not a JSON object.")


class TestFiles:
    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            (None, "does not exist"),
            ("{not json", "is not valid JSON (unexpected character"),
        ],
    )
    @pytest.mark.parametrize("command", ["check", "write"])
    def test_given_a_config_file_that_cannot_be_read_then_one_trace_names_it_without_a_stack_trace(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        content: str | None,
        problem: str,
        command: str,
    ) -> None:
        path = tmp_path / "config.json"
        if content is not None:
            path.write_text(content)
        catalog = ["--catalog", str(tmp_path / "catalog.json")] if command == "write" else []

        code, messages, out = run([command, "--config", str(path), *catalog], capsys)

        assert code == 1
        [trace] = [m["trace"] for m in messages if m["type"] == "TRACE"]
        assert trace["error"]["failure_type"] == "config_error"
        assert trace["error"]["message"].startswith(f"The config file {str(path)!r} {problem}")
        assert "Traceback" not in out

    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            (None, "does not exist"),
            ("[", "is not valid JSON"),
            (
                '{"streams": [{"stream": {"name": "contacts"}}]}',
                "is not a configured catalog (Schema validation failed",
            ),
        ],
    )
    def test_given_a_catalog_file_that_cannot_be_used_then_one_trace_names_it(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None, problem: str
    ) -> None:
        catalog = tmp_path / "catalog.json"
        if content is not None:
            catalog.write_text(content)
        config = config_file(tmp_path, ConfigBuilder().build())

        code, messages, out = run(["write", "--config", config, "--catalog", str(catalog)], capsys)

        assert code == 1
        [trace] = [m["trace"] for m in messages if m["type"] == "TRACE"]
        assert trace["error"]["message"].startswith(f"The catalog file {str(catalog)!r} {problem}")
        assert "Traceback" not in out

    def test_given_a_config_the_connector_refuses_when_writing_then_one_trace_names_the_setting(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        config = config_file(tmp_path, {"crm": {"enabled": True, "api_key": SECRET}})
        catalog = tmp_path / "catalog.json"
        catalog.write_text(json.dumps({"streams": []}))

        code, messages, out = run(["write", "--config", config, "--catalog", str(catalog)], capsys)

        assert code == 1
        [trace] = [m["trace"] for m in messages if m["type"] == "TRACE"]
        assert trace["error"]["message"].startswith("crm.base_url is missing: crm is enabled")
        assert "Traceback" not in out
        assert SECRET not in out


class TestSecrets:
    def test_given_an_api_that_quotes_the_key_in_its_refusal_then_check_never_prints_the_key(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, http: requests_mock.Mocker
    ) -> None:
        http.get(f"{CRM_URL}/contacts", status_code=404, json={"error": "nothing"})
        http.post(f"{CRM_URL}/contacts", status_code=405, json={"error": f"key {SECRET} may not POST here"})
        config = ConfigBuilder().only_crm().with_crm(api_key=SECRET).build()

        _, messages, out = run(["check", "--config", config_file(tmp_path, config)], capsys)

        [status] = [m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS"]
        assert status["message"].startswith(
            "crm: POST /contacts answered HTTP 405: key **** may not POST here"
        )
        assert SECRET not in out
