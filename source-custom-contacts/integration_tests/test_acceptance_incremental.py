"""What the retired Connector Acceptance Tests checked and the CDK's standard tests dropped.

Driven by the `incremental` section of acceptance-test-config.yml (configs, catalogs, and the
far-future states that CAT's convention names `abnormal_state.json`), against the session's
sandbox: sequential incremental reads, reads from a far-future and from an unreadable state
(`invalid_state*.json`), primary keys unique within a read, and records valid against the
schemas `discover` returns.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from airbyte_cdk.models import (
    AirbyteStateMessage,
    AirbyteStateMessageSerializer,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteCatalogSerializer,
    FailureType,
    SyncMode,
)
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, discover

from contacts_sandbox.acceptance import source_acceptance_configs
from contacts_sandbox.testing import SandboxProcess
from integration_tests.helpers import final_states, read_source
from source_custom_contacts import SourceCustomContacts

CONNECTOR_ROOT = Path(__file__).resolve().parent.parent
INVALID_STATES = {
    "custom": "integration_tests/invalid_state.json",
    "company": "integration_tests/invalid_state_company.json",
}


def _incremental_entries() -> list[dict[str, Any]]:
    config = yaml.safe_load((CONNECTOR_ROOT / "acceptance-test-config.yml").read_text())
    return list(config["acceptance_tests"]["incremental"]["tests"])


@pytest.fixture(params=_incremental_entries(), ids=lambda entry: Path(entry["config_path"]).stem)
def entry(request: pytest.FixtureRequest, sandbox: SandboxProcess) -> dict[str, Any]:
    """The acceptance file's entry, with the config it names made for this process's sandbox."""
    configs = source_acceptance_configs(sandbox.url)
    return {**request.param, "config": configs[Path(request.param["config_path"]).name]}


def _json(path: str) -> Any:
    return json.loads((CONNECTOR_ROOT / path).read_text())


def _config(entry: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = entry["config"]
    return config


def _catalog(entry: dict[str, Any]) -> ConfiguredAirbyteCatalog:
    return ConfiguredAirbyteCatalogSerializer.load(_json(entry["configured_catalog_path"]))


def _states(path: str) -> list[AirbyteStateMessage]:
    return [AirbyteStateMessageSerializer.load(state) for state in _json(path)]


def _api(entry: dict[str, Any]) -> str:
    return str(_config(entry)["api"]["api_type"])


def _churn(sandbox: SandboxProcess, api: str) -> dict[str, list[str]]:
    if api == "custom":
        return sandbox.admin.churn("custom", create=3, update=4, delete=2, seed=9)
    return sandbox.admin.churn("company", create=3, update=4, company="company-a-key", seed=9)


def _contact_ids(output: EntrypointOutput) -> list[str]:
    return [m.record.data["id"] for m in output.records if m.record.stream == "contacts"]


def test_given_the_first_reads_state_when_read_again_then_only_what_changed_in_between_comes(
    entry: dict[str, Any], sandbox: SandboxProcess
):
    first = read_source(_config(entry), _catalog(entry))
    churn = _churn(sandbox, _api(entry))

    second = read_source(_config(entry), _catalog(entry), final_states(first))

    assert set(_contact_ids(second)) == set(churn["created"]) | set(churn["updated"]) | set(churn["deleted"])


def test_given_a_far_future_state_when_read_then_no_records_no_error_and_a_warning_names_the_reset(
    entry: dict[str, Any],
):
    output = read_source(_config(entry), _catalog(entry), _states(entry["future_state"]["future_state_path"]))

    assert _contact_ids(output) == []
    assert output.errors == []
    assert output.is_in_logs("is ahead of this machine's clock")
    assert output.is_in_logs("reset the stream's data")


def test_given_an_unreadable_state_when_read_then_a_config_error_says_the_state_cannot_be_read(
    entry: dict[str, Any],
):
    output = read_source(
        _config(entry), _catalog(entry), _states(INVALID_STATES[_api(entry)]), expecting_failure=True
    )

    error = output.errors[0].trace.error
    assert error.failure_type == FailureType.config_error
    assert "saved state" in error.message


@pytest.mark.parametrize("sync_mode", [SyncMode.full_refresh, SyncMode.incremental])
def test_given_a_read_when_records_are_counted_then_each_primary_key_appears_once_per_stream(
    entry: dict[str, Any], sync_mode: SyncMode
):
    catalog = _catalog(entry)
    for configured in catalog.streams:
        if sync_mode in configured.stream.supported_sync_modes:
            configured.sync_mode = sync_mode

    output = read_source(_config(entry), catalog)

    keys = [(m.record.stream, m.record.data["id"]) for m in output.records]
    assert keys
    assert len(keys) == len(set(keys))


def test_given_the_discovered_schemas_when_records_are_read_then_every_record_matches_its_schema(
    entry: dict[str, Any], sandbox: SandboxProcess
):
    discovered = discover(SourceCustomContacts(), _config(entry)).catalog.catalog
    schemas = {stream.name: stream.json_schema for stream in discovered.streams}
    first = read_source(_config(entry), _catalog(entry))
    _churn(sandbox, _api(entry))
    # The second read carries tombstones (Custom Contact Source API): they must match too.
    second = read_source(_config(entry), _catalog(entry), final_states(first))

    for message in first.records + second.records:
        jsonschema.validate(message.record.data, schemas[message.record.stream])
