"""Each connector's metadata.yaml is what Airbyte's registry and `airbyte-cdk image build` read.

No Docker engine runs here, so these tests check what the image build takes from the repository:
the metadata parsed by the CDK's own model (`airbyte_cdk.models.connector_metadata`), the Python
base image it builds FROM, and the console script its entrypoint runs (Airbyte's Python connector
Dockerfile installs the connector folder and runs `<connector folder name> "$@"`).
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import tomllib
import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from airbyte_cdk.models.connector_metadata import ConnectorLanguage, MetadataFile
from connector_pair.examples import REPO_ROOT as ROOT
from connector_pair.examples import example_config
from connector_pair.sync import configured_catalog, discover

from contacts_sandbox.testing import SandboxProcess

CONNECTORS = ["source-custom-contacts", "destination-crm-contacts"]
# Fields Airbyte's metadata schema (ConnectorMetadataDefinitionV0) requires of every connector.
REQUIRED = (
    "name",
    "definitionId",
    "connectorType",
    "dockerRepository",
    "dockerImageTag",
    "license",
    "documentationUrl",
    "githubIssueLabel",
    "connectorSubtype",
    "releaseStage",
)
RELEASE_STAGES = {"alpha", "beta", "generally_available", "custom"}
PYTHON_BASE_IMAGE = re.compile(
    r"^docker\.io/airbyte/python-connector-base:\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?$"
)
SEMVER = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")


def metadata_path(connector: str) -> Path:
    return ROOT / connector / "metadata.yaml"


def raw_metadata(connector: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(metadata_path(connector).read_text())
    return data


@functools.cache
def spec_of(connector: str) -> dict[str, Any]:
    completed = subprocess.run(
        [str(Path(sys.executable).parent / connector), "spec"], capture_output=True, timeout=120, check=True
    )
    for line in completed.stdout.splitlines():
        if line.startswith(b"{"):
            message = orjson.loads(line)
            if message.get("type") == "SPEC":
                spec: dict[str, Any] = message["spec"]
                return spec
    raise AssertionError(f"{connector} spec printed no SPEC message:\n{completed.stdout.decode()}")


@pytest.mark.parametrize("connector", CONNECTORS)
class TestMetadata:
    def test_given_metadata_yaml_when_parsed_by_the_cdk_model_then_it_names_the_image(
        self, connector: str
    ) -> None:
        metadata = MetadataFile.from_file(metadata_path(connector))

        assert metadata.data.dockerRepository == f"airbyte/{connector}"
        assert SEMVER.match(metadata.data.dockerImageTag), metadata.data.dockerImageTag
        assert metadata.data.language == ConnectorLanguage.PYTHON, "tags must hold language:python"

    def test_given_metadata_yaml_then_it_has_every_field_the_airbyte_registry_requires(
        self, connector: str
    ) -> None:
        document = raw_metadata(connector)
        data = document["data"]

        assert document.get("metadataSpecVersion")
        assert [field for field in REQUIRED if not data.get(field)] == []
        assert str(uuid.UUID(data["definitionId"])) == data["definitionId"].lower()
        assert data["connectorType"] == connector.split("-")[0]
        assert data["connectorSubtype"] == "api"
        assert data["releaseStage"] in RELEASE_STAGES
        assert re.match(r"^https?://", data["documentationUrl"])

    def test_given_metadata_yaml_then_the_image_builds_from_the_python_connector_base(
        self, connector: str
    ) -> None:
        metadata = MetadataFile.from_file(metadata_path(connector))

        build_options = metadata.data.connectorBuildOptions
        assert build_options is not None, (
            "connectorBuildOptions.baseImage is what `airbyte-cdk image build` reads"
        )
        assert build_options.baseImage is not None
        assert PYTHON_BASE_IMAGE.match(build_options.baseImage), build_options.baseImage

    def test_given_the_image_entrypoint_when_it_runs_the_connector_name_then_spec_answers(
        self, connector: str
    ) -> None:
        """The image runs `<connector> "$@"`: the folder's package must install that console script,
        and its spec must point at the documentation the metadata names."""
        pyproject = tomllib.loads((ROOT / connector / "pyproject.toml").read_text())
        assert connector in pyproject["project"]["scripts"]
        assert "build-system" in pyproject, "the image installs the folder with pip: it needs a build backend"

        spec = spec_of(connector)

        assert spec["documentationUrl"] == raw_metadata(connector)["data"]["documentationUrl"]


def spec_paths(schema: dict[str, Any], prefix: str = "") -> set[str]:
    """Dotted paths of every property in a JSON schema, through the branches of a oneOf."""
    paths = set()
    for branch in [schema, *schema.get("oneOf", [])]:
        for name, child in branch.get("properties", {}).items():
            paths.add(prefix + name)
            paths |= spec_paths(child, f"{prefix}{name}.")
    return paths


@pytest.mark.parametrize("connector", CONNECTORS)
def test_given_allowed_hosts_then_each_names_a_base_url_of_the_spec_airbyte_can_fill_in(
    connector: str,
) -> None:
    """Airbyte fills `${a.b}` from the config at that dotted path, keeps the URL's host, and drops an
    entry it cannot fill: a misspelt path would let the connector reach no host at all."""
    hosts = raw_metadata(connector)["data"]["allowedHosts"]["hosts"]
    properties = spec_paths(spec_of(connector)["connectionSpecification"])

    referenced = [match for host in hosts for match in re.findall(r"\$\{([^}]+)\}", host)]

    assert referenced, "allowedHosts should follow the configured base URLs"
    assert [path for path in referenced if path not in properties] == []
    assert all(path.endswith("base_url") for path in referenced)


def test_given_the_destination_spec_then_it_supports_every_mode_a_contacts_mirror_needs() -> None:
    spec = spec_of("destination-crm-contacts")

    assert spec["supportsIncremental"] is True
    assert {"append", "append_dedup", "overwrite"} <= set(spec["supported_destination_sync_modes"])


def test_given_the_destination_metadata_then_it_declares_refreshes_as_airbyte_reads_them() -> None:
    """Airbyte's registry reads `data.supportsRefreshes`; without it a connection offers no refresh and
    its generation ids stay 0, so a truncate refresh never reaches the destination."""
    metadata = MetadataFile.from_file(metadata_path("destination-crm-contacts"))

    assert (metadata.data.model_extra or {}).get("supportsRefreshes") is True
    assert raw_metadata("destination-crm-contacts")["data"]["supportsRefreshes"] is True


@pytest.mark.parametrize(
    ("config_name", "streams"),
    [
        ("source-custom-contacts.custom-api.json", {"contacts"}),
        ("source-custom-contacts.company-api.json", {"contacts", "contact_tags"}),
    ],
)
def test_given_each_api_when_discovered_then_contacts_sync_full_refresh_and_incremental(
    sandbox: SandboxProcess, write_config: Any, config_name: str, streams: set[str]
) -> None:
    config = write_config(config_name, example_config(config_name, sandbox.url))

    discovered = {stream["name"]: stream for stream in discover(config)}

    assert set(discovered) == streams
    assert set(discovered["contacts"]["supported_sync_modes"]) == {"full_refresh", "incremental"}
    assert discovered["contacts"]["source_defined_primary_key"] == [["id"]]
    modes = {
        entry["stream"]["name"]: entry["sync_mode"]
        for entry in configured_catalog(list(discovered.values()))["streams"]
    }
    assert modes["contacts"] == "incremental"
