"""Configs and catalogs for the programs under test, each pointing at the running sandbox."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import yaml

from benchmarks.paths import BIN, PEERS, REPO, SECRETS_EXAMPLE

SOURCE = str(BIN / "source-custom-contacts")
DESTINATION = str(BIN / "destination-crm-contacts")
DECLARATIVE = str(BIN / "source-declarative-manifest")
PYTHON = str(BIN / "python")

CLIENT_ID = "test_id"
CLIENT_SECRET = "test_secret"


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document))
    return path


def _example(name: str) -> dict[str, Any]:
    return json.loads((SECRETS_EXAMPLE / name).read_text())


def source_config(
    sandbox_url: str,
    *,
    page_size: int,
    concurrent_requests: int | None = None,
    max_requests_per_second: int | None = None,
    lookback_window_seconds: int | None = None,
) -> dict[str, Any]:
    """The project's example config for the Custom Contact Source API, aimed at this sandbox."""
    config = _example("source-custom-contacts.custom-api.json")
    config["api"]["base_url"] = f"{sandbox_url}/custom"
    config["api"]["page_size"] = page_size
    if lookback_window_seconds is not None:
        config["api"]["lookback_window_seconds"] = lookback_window_seconds
    if concurrent_requests is not None:
        config["concurrent_requests"] = concurrent_requests
    if max_requests_per_second is not None:
        config["max_requests_per_second"] = max_requests_per_second
    return config


def peer_config(sandbox_url: str, *, page_size: int) -> dict[str, Any]:
    """Config shared by both peers; the declarative one also carries its manifest."""
    return {
        "base_url": f"{sandbox_url}/custom",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "page_size": page_size,
    }


def declarative_config(sandbox_url: str, *, page_size: int) -> dict[str, Any]:
    config = peer_config(sandbox_url, page_size=page_size)
    config["__injected_declarative_manifest"] = yaml.safe_load((PEERS / "manifest.yaml").read_text())
    return config


def destination_config(
    sandbox_url: str,
    *,
    target: str,
    requests_per_second: float = 0,
    max_concurrent_requests: int | None = None,
    single_core: bool = False,
) -> dict[str, Any]:
    """The project's example destination config with only `target` enabled."""
    config = _example("destination-crm-contacts.json")
    config["crm"]["base_url"] = f"{sandbox_url}/crm"
    config["client_contacts"]["base_url"] = f"{sandbox_url}/client-contacts"
    for name in ("crm", "client_contacts"):
        config[name]["enabled"] = name == target
    config[target]["requests_per_second"] = requests_per_second
    if max_concurrent_requests is not None:
        config[target]["max_concurrent_requests"] = max_concurrent_requests
    if single_core:
        config["single_core"] = True
    return config


def contacts_catalog(stream: dict[str, Any], *, incremental: bool) -> dict[str, Any]:
    """A configured catalog of the `contacts` stream as the source itself describes it."""
    if incremental:
        sync_mode, destination_sync_mode = "incremental", "append_dedup"
    else:
        sync_mode, destination_sync_mode = "full_refresh", "overwrite"
    return {
        "streams": [
            {
                "stream": stream,
                "sync_mode": sync_mode,
                "destination_sync_mode": destination_sync_mode,
                "cursor_field": stream.get("default_cursor_field") or [],
                "primary_key": stream.get("source_defined_primary_key") or [["id"]],
            }
        ]
    }


def discover_contacts_stream(config_path: Path) -> dict[str, Any]:
    """The `contacts` stream from our source's own `discover`."""
    output = subprocess.run(
        [SOURCE, "discover", "--config", str(config_path)],
        capture_output=True,
        check=True,
        cwd=REPO,
        timeout=120,
    ).stdout
    for line in output.splitlines():
        if b'"CATALOG"' in line[:40]:
            for stream in json.loads(line)["catalog"]["streams"]:
                if stream["name"] == "contacts":
                    return stream
    raise RuntimeError(f"source-custom-contacts discover gave no contacts stream: {output[-1000:]!r}")


def peer_catalog() -> dict[str, Any]:
    stream = {
        "name": "contacts",
        "json_schema": {"type": "object"},
        "supported_sync_modes": ["full_refresh"],
        "source_defined_primary_key": [["id"]],
    }
    return contacts_catalog(stream, incremental=False)


def destination_catalog() -> dict[str, Any]:
    stream = {
        "name": "contacts",
        "json_schema": {"type": "object", "properties": {"id": {"type": "string"}}},
        "supported_sync_modes": ["full_refresh", "incremental"],
        "source_defined_primary_key": [["id"]],
    }
    return contacts_catalog(stream, incremental=True)
