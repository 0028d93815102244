"""Runs `destination-crm-contacts` as a process of its own (forked from one that imported it, see
`contacts_sandbox.forked_cli`) and reads what it says and what it wrote."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from airbyte_cdk.models import AirbyteMessageSerializer, ConfiguredAirbyteCatalogSerializer

from contacts_sandbox import forked_cli
from contacts_sandbox.testing import SandboxProcess
from destination_crm_contacts.destination import DestinationCrmContacts
from destination_crm_contacts.input import InputMessages

SCRIPT = "destination-crm-contacts"
COMMAND = str(Path(sys.executable).parent / SCRIPT)  # the installed console script
MARKER = re.compile(r"\[source-id:([^\]]+)\]")


def config_for(sandbox: SandboxProcess, **options: Any) -> dict[str, Any]:
    return {
        "crm": {"enabled": True, "base_url": f"{sandbox.url}/crm", "api_key": "crm-test-key"},
        "client_contacts": {
            "enabled": True,
            "base_url": f"{sandbox.url}/client-contacts",
            "api_key": "client-contacts-test-key",
        },
        **options,
    }


def catalog_for(mode: str = "append_dedup", generations: tuple[int, int] | None = None) -> dict[str, Any]:
    """One `contacts` stream in `mode`; `generations`: its (generation_id, minimum_generation_id),
    as Airbyte sends them on a refresh."""
    ids: dict[str, int] = {}
    if generations is not None:
        ids = {"generation_id": generations[0], "minimum_generation_id": generations[1], "sync_id": 812}
    return {
        "streams": [
            {
                "stream": {
                    "name": "contacts",
                    "json_schema": {"type": "object"},
                    "supported_sync_modes": ["full_refresh", "incremental"],
                    "source_defined_primary_key": [["id"]],
                },
                "sync_mode": "incremental",
                "destination_sync_mode": mode,
                "primary_key": [["id"]],
                **ids,
            }
        ]
    }


def record_line(data: Mapping[str, Any]) -> str:
    return json.dumps({"type": "RECORD", "record": {"stream": "contacts", "data": data, "emitted_at": 1}})


def state_line(cursor: int) -> str:
    return json.dumps(
        {
            "type": "STATE",
            "state": {
                "type": "STREAM",
                "stream": {"stream_descriptor": {"name": "contacts"}, "stream_state": {"cursor": cursor}},
            },
        }
    )


def status_line(status: str = "COMPLETE") -> str:
    """The stream status a source sends, COMPLETE once it has read the stream to its end."""
    return json.dumps(
        {
            "type": "TRACE",
            "trace": {
                "type": "STREAM_STATUS",
                "emitted_at": 1,
                "stream_status": {"stream_descriptor": {"name": "contacts"}, "status": status},
            },
        }
    )


def sync_lines(contacts: Iterable[Mapping[str, Any]], cursor: int = 1) -> list[str]:
    """The records of `contacts`, then a state."""
    return [*(record_line(contact) for contact in contacts), state_line(cursor)]


def tombstone(key: str) -> dict[str, Any]:
    return {"id": key, "_ab_cdc_deleted_at": "2026-11-25T12:00:00Z"}


@dataclass
class WriteRun:
    returncode: int
    messages: list[dict[str, Any]]
    stderr: str

    @property
    def states(self) -> list[dict[str, Any]]:
        return [m["state"] for m in self.messages if m["type"] == "STATE"]

    @property
    def totals(self) -> dict[str, Any]:
        [line] = [
            m["log"]["message"]
            for m in self.messages
            if m["type"] == "LOG" and m["log"]["message"].startswith('{"event":"crm_contacts_totals"')
        ]
        return json.loads(line)  # type: ignore[no-any-return]

    def logs(self, level: str) -> list[str]:
        return [
            m["log"]["message"] for m in self.messages if m["type"] == "LOG" and m["log"]["level"] == level
        ]


def write(
    tmp_path: Path,
    config: Mapping[str, Any],
    lines: Iterable[str],
    mode: str = "append_dedup",
    generations: tuple[int, int] | None = None,
) -> WriteRun:
    config_path, catalog_path = tmp_path / "config.json", tmp_path / "catalog.json"
    config_path.write_text(json.dumps(config))
    catalog_path.write_text(json.dumps(catalog_for(mode, generations)))
    done = forked_cli.run(
        [SCRIPT, "write", "--config", str(config_path), "--catalog", str(catalog_path)],
        "".join(f"{line}\n" for line in lines),
        timeout=90,
    )
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return WriteRun(done.returncode, messages, done.stderr)


@dataclass
class CheckRun:
    returncode: int
    status: dict[str, Any]
    retries: list[str]  # what the connector logged of each retry it waited for


def check(tmp_path: Path, config: Mapping[str, Any]) -> CheckRun:
    """`destination-crm-contacts check` as a process of its own, and the retries it logged."""
    config_path = tmp_path / "check-config.json"
    config_path.write_text(json.dumps(config))
    done = forked_cli.run([SCRIPT, "check", "--config", str(config_path)], timeout=90)
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    [status] = [m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS"]
    logs = [m["log"]["message"] for m in messages if m["type"] == "LOG"]
    return CheckRun(done.returncode, status, [log for log in logs if "retrying" in log.lower()])


def write_in_process(
    config: Mapping[str, Any],
    lines: Iterable[str],
    mode: str = "append_dedup",
    generations: tuple[int, int] | None = None,
) -> WriteRun:
    """The same write through the connector's code in this process: no start-up cost, for the
    tests that are about what lands in the targets rather than about the command line."""
    catalog = ConfiguredAirbyteCatalogSerializer.load(catalog_for(mode, generations))
    messages = InputMessages([line.encode() for line in lines])
    output = DestinationCrmContacts().write(config, catalog, messages)
    return WriteRun(0, [AirbyteMessageSerializer.dump(message) for message in output], "")


def crm_by_key(sandbox: SandboxProcess) -> dict[str, list[dict[str, Any]]]:
    held: dict[str, list[dict[str, Any]]] = {}
    for contact in sandbox.admin.dump("crm"):
        for key in MARKER.findall(contact.get("notes") or ""):
            held.setdefault(key, []).append(contact)
    return held


def client_contacts_by_key(sandbox: SandboxProcess) -> dict[str, list[dict[str, Any]]]:
    held: dict[str, list[dict[str, Any]]] = {}
    for document in sandbox.admin.dump("client_contacts"):
        key = (document.get("integration_meta") or {}).get("external_id")
        if key is not None:
            held.setdefault(key, []).append(document)
    return held


def first_email(contact: Mapping[str, Any]) -> str | None:
    emails = contact.get("emails") or []
    return emails[0]["email"] if emails and emails[0].get("email") else None


def expected_crm(contacts: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, str, str | None]]:
    """Source contacts the CRM can hold (it requires first_name and email)."""
    return {
        c["id"]: (c["first_name"], c.get("last_name") or "", first_email(c))
        for c in contacts
        if c.get("first_name") and first_email(c)
    }


def expected_client_contacts(contacts: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    return {c["id"]: " ".join(p for p in (c.get("first_name"), c.get("last_name")) if p) for c in contacts}


def held_crm(sandbox: SandboxProcess) -> dict[str, tuple[str, str, str | None]]:
    held = crm_by_key(sandbox)
    assert all(len(found) == 1 for found in held.values()), "a source contact has two CRM contacts"
    return {key: (c["first_name"], c.get("last_name") or "", c["email"]) for key, [c] in held.items()}


def held_client_contacts(sandbox: SandboxProcess) -> dict[str, str]:
    held = client_contacts_by_key(sandbox)
    assert all(len(found) == 1 for found in held.values()), "a source contact has two client contacts"
    return {key: document["name"] for key, [document] in held.items()}


def assert_targets_hold(sandbox: SandboxProcess, contacts: Sequence[Mapping[str, Any]]) -> None:
    """Each target holds exactly what it can of `contacts`, each once."""
    assert held_crm(sandbox) == expected_crm(contacts)
    assert held_client_contacts(sandbox) == expected_client_contacts(contacts)
