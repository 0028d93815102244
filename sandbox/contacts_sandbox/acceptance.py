"""The configs the connectors' acceptance tests read, and a sandbox for Airbyte's own test command.

Both connectors' `acceptance-test-config.yml` name configs under `<connector>/secrets/sandbox/`
(git-ignored). Our pytest suites write them for the sandbox they start; for
`airbyte-cdk connector test`, which starts nothing, this module serves a sandbox in the
background and writes them:

    python -m contacts_sandbox.acceptance start [--profile strict]
    (cd source-custom-contacts && airbyte-cdk connector test)
    (cd destination-crm-contacts && airbyte-cdk connector test)
    python -m contacts_sandbox.acceptance stop
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests

from contacts_sandbox.testing import LISTENING, PRESETS

SOURCE_DIR = Path("source-custom-contacts")
DESTINATION_DIR = Path("destination-crm-contacts")
CONFIGS = Path("secrets") / "sandbox"
# Where a background sandbox says where it listens and which process it is.
SERVER_FILE = Path(".sandbox") / "acceptance-server.json"
CONTACTS = 200
SEED = 42


def source_custom_config(url: str, **overrides: Any) -> dict[str, Any]:
    api = {
        "api_type": "custom",
        "base_url": f"{url}/custom",
        "client_id": "test_id",
        "client_secret": "test_secret",
        "page_size": 50,
        "lookback_window_seconds": 0,
    }
    return {"api": {**api, **overrides}, "concurrent_requests": 4}


def source_company_config(url: str, api_key: str = "company-a-key", **overrides: Any) -> dict[str, Any]:
    api = {
        "api_type": "company",
        "base_url": f"{url}/company",
        "api_key": api_key,
        "page_size": 50,
        "lookback_window_seconds": 0,
    }
    return {"api": {**api, **overrides}, "concurrent_requests": 4}


def destination_config(
    url: str, crm_key: str = "crm-test-key", cc_key: str = "client-contacts-test-key"
) -> dict[str, Any]:
    return {
        "crm": {"enabled": True, "base_url": f"{url}/crm", "api_key": crm_key},
        "client_contacts": {"enabled": True, "base_url": f"{url}/client-contacts", "api_key": cc_key},
    }


def source_acceptance_configs(url: str) -> dict[str, dict[str, Any]]:
    """File name -> config, as the top-level acceptance-test-config.yml names them."""
    return {
        "custom-api.json": source_custom_config(url),
        "company-api.json": source_company_config(url),
        "invalid-credentials.json": source_custom_config(url, client_secret="not-the-secret"),
        "invalid-api-key.json": source_company_config(url, api_key="not-a-company-key"),
    }


def destination_acceptance_configs(url: str) -> dict[str, dict[str, Any]]:
    """File name -> config, as destination-crm-contacts/acceptance-test-config.yml names them."""
    return {
        "sandbox.json": destination_config(url),
        "wrong-api-keys.json": destination_config(url, "not-the-crm-key", "not-the-client-contacts-key"),
        "no-target.json": {"crm": {"enabled": False}, "client_contacts": {"enabled": False}},
    }


def write_configs(connector_dir: Path, configs: Mapping[str, Mapping[str, Any]]) -> Path:
    folder = connector_dir / CONFIGS
    folder.mkdir(parents=True, exist_ok=True)
    for name, config in configs.items():
        (folder / name).write_text(json.dumps(config, indent=2) + "\n")
    return folder


def start(repository: Path, profile: str, timeout: float = 60.0) -> str:
    """Serves a sandbox in the background (replacing one this module started before), writes
    both connectors' acceptance configs for it, and answers its URL."""
    stop(repository)
    server_file = repository / SERVER_FILE
    server_file.parent.mkdir(parents=True, exist_ok=True)
    log = server_file.with_suffix(".log")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "contacts_sandbox",
                "--port",
                "0",
                "--db",
                ":memory:",
                "--contacts",
                str(CONTACTS),
                "--seed",
                str(SEED),
                "--profile",
                profile,
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives this command, and a Ctrl-C in the terminal
        )
    deadline = time.monotonic() + timeout
    url = None
    while url is None:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"the sandbox did not start; its output is in {log}")
        found = LISTENING.search(log.read_text(errors="replace"))
        url = found.group(1) if found else None
        time.sleep(0.05)
    requests.get(f"{url}/admin/health", timeout=10).raise_for_status()
    server_file.write_text(json.dumps({"pid": process.pid, "url": url, "profile": profile}))
    write_configs(repository / SOURCE_DIR, source_acceptance_configs(url))
    write_configs(repository / DESTINATION_DIR, destination_acceptance_configs(url))
    return url


def stop(repository: Path) -> None:
    """Stops the sandbox `start` left running, if any."""
    server_file = repository / SERVER_FILE
    if not server_file.exists():
        return
    pid = json.loads(server_file.read_text())["pid"]
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    server_file.unlink()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m contacts_sandbox.acceptance", description=__doc__)
    parser.add_argument("--repository", type=Path, default=Path(), help="the repository's top folder")
    commands = parser.add_subparsers(dest="command", required=True)
    started = commands.add_parser("start", help="serve a sandbox in the background and write the configs")
    started.add_argument("--profile", choices=PRESETS, default="lenient")
    commands.add_parser("stop", help="stop the sandbox `start` left running")
    args = parser.parse_args(argv)
    if args.command == "start":
        url = start(args.repository, args.profile)
        print(f"sandbox ({args.profile}) on {url}; acceptance configs written under */{CONFIGS}/")
    else:
        stop(args.repository)


if __name__ == "__main__":
    main()
