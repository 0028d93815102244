"""Bad input, as a new user meets it: every case runs a connector's command line as Airbyte does and
asserts three things.

- The exit code and the protocol message: a CONNECTION_STATUS for `check`, a TRACE of the right
  failure type for the other commands, or a successful run where the input is only partly bad.
- The message names the problem and the fix (the words each case lists), and is a sentence, not a
  stack trace.
- Nothing is lost: a failed run emits no STATE past the bad input; for the destination the targets
  are dumped after the run and hold exactly what the good part of the input asked for (each case
  writes under its own key prefix, so no case sees another's contacts).

Cases that do not reach an API run once; those that do run under each sandbox profile. The table is
mirrored, in words, in each connector's README ("What happens when...").
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from contacts_sandbox.acceptance import destination_config, source_company_config, source_custom_config
from contacts_sandbox.testing import SandboxProcess

BIN = Path(sys.executable).parent
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens there
Config = Callable[[str], Any]  # the sandbox's URL -> a config, or the text of a file


@dataclass(frozen=True)
class Case:
    id: str
    connector: str  # "source" or "destination"
    command: str
    config: Config
    names: tuple[str, ...]  # words the message must hold: the problem and the fix
    failure: str | None = None  # a TRACE's failure type; None: a FAILED check, or success
    succeeds: bool = False
    catalog: Any = None  # a catalog, or the text of the file
    state: Any = None
    lines: Callable[[str], list[str]] | None = None  # the key prefix -> the destination's stdin
    held: tuple[str, ...] = ()  # source ids each target holds afterwards
    # Per target where it differs from `held`: what it may hold at most, when a sync that fails
    # midway leaves some of it written (kept, unconfirmed: a retry sends it again).
    held_at_most: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    states: int = 0  # STATE messages the run emits
    faults: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    needs_api: bool = False


@dataclass
class Run:
    code: int
    messages: list[dict[str, Any]]
    seconds: float

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [message for message in self.messages if message["type"] == kind]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [m["trace"]["error"] for m in self.of("TRACE") if m["trace"].get("type") == "ERROR"]


# Builders of the inputs


def custom(**api: Any) -> Config:
    return lambda url: _merge(source_custom_config(url), api)


def company(**api: Any) -> Config:
    return lambda url: _merge(source_company_config(url), api)


def _merge(config: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    api = dict(config["api"])
    top = dict(config)
    for key, value in changes.items():
        if key.startswith("top."):
            top[key.removeprefix("top.")] = value
        elif value is None:
            api.pop(key, None)
        else:
            api[key] = value
    top["api"] = api
    return top


def targets(crm: Mapping[str, Any] | None = None, cc: Mapping[str, Any] | None = None, **top: Any) -> Config:
    def build(url: str) -> dict[str, Any]:
        config = destination_config(url)
        for name, changes in (("crm", crm), ("client_contacts", cc)):
            for key, value in (changes or {}).items():
                if value is None:
                    config[name].pop(key, None)
                else:
                    config[name][key] = value
        return {**config, **top}

    return build


def text(content: str) -> Config:
    return lambda url: content


def contact(contact_id: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": contact_id,
        "first_name": "Ada",
        "last_name": f"Lovelace {contact_id}",
        "company": "Analytical Engines",
        "type": "customer",
        "emails": [{"email": f"ada{contact_id}@example.com", "label": "business"}],
        "phones": [{"number": f"+4470000000{contact_id}", "label": "work"}],
        "_ab_cdc_deleted_at": None,
    }
    record.update(fields)
    return record


def record(data: Mapping[str, Any], stream: str = "contacts") -> str:
    return json.dumps({"type": "RECORD", "record": {"stream": stream, "data": data, "emitted_at": 0}})


def state(position: int) -> str:
    return json.dumps(
        {
            "type": "STATE",
            "state": {
                "type": "STREAM",
                "stream": {
                    "stream_descriptor": {"name": "contacts"},
                    "stream_state": {"timestamp": position},
                },
            },
        }
    )


def source_catalog(*streams: str) -> dict[str, Any]:
    return {
        "streams": [
            {
                "stream": {
                    "name": name,
                    "json_schema": {},
                    "supported_sync_modes": ["full_refresh", "incremental"],
                },
                "sync_mode": "full_refresh",
                "destination_sync_mode": "overwrite",
            }
            for name in streams or ("contacts",)
        ]
    }


def destination_catalog(mode: str = "append_dedup") -> dict[str, Any]:
    stream = {"name": "contacts", "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]}
    return {
        "streams": [
            {
                "stream": stream,
                "sync_mode": "incremental",
                "destination_sync_mode": mode,
                "primary_key": [["id"]],
            }
        ]
    }


def custom_state(value: Any) -> list[dict[str, Any]]:
    return [
        {
            "type": "STREAM",
            "stream": {"stream_descriptor": {"name": "contacts"}, "stream_state": {"timestamp": value}},
        }
    ]


def company_state(value: Any) -> list[dict[str, Any]]:
    return [
        {
            "type": "STREAM",
            "stream": {"stream_descriptor": {"name": "contacts"}, "stream_state": {"updated_at": value}},
        }
    ]


def incremental(catalog: dict[str, Any]) -> dict[str, Any]:
    for configured in catalog["streams"]:
        configured["sync_mode"] = "incremental"
        configured["destination_sync_mode"] = "append_dedup"
    return catalog


# The table

SOURCE_CONFIG_CASES = [
    Case("no-api", "source", "check", lambda url: {}, ("'api' is required", "Custom Contact Source API")),
    Case(
        "unknown-api-type",
        "source",
        "check",
        custom(api_type="other"),
        ("'api.api_type' must be", "'custom'"),
    ),
    Case(
        "no-client-secret",
        "source",
        "check",
        custom(client_secret=None),
        ("'api.client_secret'", "is required"),
    ),
    Case("empty-client-id", "source", "check", custom(client_id=" "), ("'api.client_id'", "is required")),
    Case("page-size-zero", "source", "check", custom(page_size=0), ("'api.page_size'", "from 1 to 1000")),
    Case("page-size-huge", "source", "check", custom(page_size=5000), ("'api.page_size'", "from 1 to 1000")),
    Case("page-size-text", "source", "check", custom(page_size="50"), ("'api.page_size'", "whole number")),
    Case(
        "lookback-negative",
        "source",
        "check",
        custom(lookback_window_seconds=-1),
        ("lookback_window_seconds",),
    ),
    Case(
        "lookback-huge",
        "source",
        "check",
        custom(lookback_window_seconds=10**6),
        ("lookback_window_seconds",),
    ),
    Case(
        "url-without-scheme",
        "source",
        "check",
        custom(base_url="contacts.example.com"),
        ("'api.base_url'", "https://"),
    ),
    Case(
        "url-with-space",
        "source",
        "check",
        custom(base_url="https://x y.com"),
        ("'api.base_url'", "https://"),
    ),
    Case(
        "concurrency-zero",
        "source",
        "check",
        custom(**{"top.concurrent_requests": 0}),
        ("'concurrent_requests'",),
    ),
    Case(
        "timeout-zero",
        "source",
        "check",
        custom(**{"top.request_timeout_seconds": 0}),
        ("'request_timeout_seconds'",),
    ),
    Case(
        "rate-zero",
        "source",
        "check",
        custom(**{"top.max_requests_per_second": 0}),
        ("'max_requests_per_second'",),
    ),
    Case("no-api-key", "source", "check", company(api_key=None), ("'api.api_key'", "Company Contacts API")),
    Case(
        "company-page-size-zero",
        "source",
        "check",
        company(page_size=0),
        ("'api.page_size'", "Company Contacts API"),
    ),
    Case("company-url-ftp", "source", "check", company(base_url="ftp://x"), ("'api.base_url'", "https://")),
    Case(
        "unreachable-host",
        "source",
        "check",
        custom(base_url=f"{UNREACHABLE}/custom"),
        ("127.0.0.1:9", "'api.base_url'"),
    ),
    Case(
        "company-unreachable",
        "source",
        "check",
        company(base_url=f"{UNREACHABLE}/company"),
        ("127.0.0.1:9", "'api.base_url'"),
    ),
]

SOURCE_API_CASES = [
    Case(
        "wrong-secret",
        "source",
        "check",
        custom(client_secret="nope"),
        ("refused the credentials", "client secret"),
        needs_api=True,
    ),
    Case("wrong-api-key", "source", "check", company(api_key="nope"), ("refused", "API key"), needs_api=True),
    Case(
        "wrong-path",
        "source",
        "check",
        lambda url: source_custom_config(f"{url}/nowhere"),
        ("404", "base URL"),
        needs_api=True,
    ),
    Case(
        "slow-api",
        "source",
        "check",
        custom(),
        ("did not answer within", "'request_timeout_seconds'"),
        faults={"custom": {"latency_ms": 6000}},
        needs_api=True,
    ),
    Case(
        "read-wrong-secret",
        "source",
        "read",
        custom(client_secret="nope"),
        ("refused the credentials",),
        failure="config_error",
        catalog=source_catalog(),
        needs_api=True,
    ),
    Case(
        "read-unknown-stream",
        "source",
        "read",
        custom(),
        ("'nope'", "refresh the connection's schema"),
        failure="config_error",
        catalog=source_catalog("nope"),
        needs_api=True,
    ),
    Case(
        "state-in-milliseconds",
        "source",
        "read",
        custom(),
        ("milliseconds", "reset"),
        failure="config_error",
        catalog=incremental(source_catalog()),
        state=custom_state(1795000000000),
        needs_api=True,
    ),
    Case(
        "state-text",
        "source",
        "read",
        custom(),
        ("timestamp", "reset"),
        failure="config_error",
        catalog=incremental(source_catalog()),
        state=custom_state("yesterday"),
        needs_api=True,
    ),
    Case(
        "state-negative",
        "source",
        "read",
        custom(),
        ("timestamp", "reset"),
        failure="config_error",
        catalog=incremental(source_catalog()),
        state=custom_state(-5),
        needs_api=True,
    ),
    Case(
        "state-in-the-future",
        "source",
        "read",
        custom(),
        ("ahead", "reset"),
        succeeds=True,
        catalog=incremental(source_catalog()),
        state=custom_state(4102444800),
        states=1,
        needs_api=True,
    ),
    Case(
        "company-state-unreadable",
        "source",
        "read",
        company(),
        ("updated_at", "reset"),
        failure="config_error",
        catalog=incremental(source_catalog("contacts")),
        state=company_state("last tuesday"),
        needs_api=True,
    ),
    Case(
        "company-state-in-the-future",
        "source",
        "read",
        company(),
        ("ahead", "reset"),
        succeeds=True,
        catalog=incremental(source_catalog("contacts")),
        state=company_state("2100-01-01T00:00:00Z"),
        states=1,
        needs_api=True,
    ),
]

SOURCE_FILE_CASES = [
    Case(
        "config-missing",
        "source",
        "check",
        lambda url: None,
        ("config file", "does not exist"),
        failure="config_error",
    ),
    Case(
        "config-not-json",
        "source",
        "check",
        text("{oops"),
        ("config file", "not valid JSON"),
        failure="config_error",
    ),
    Case(
        "config-a-list",
        "source",
        "check",
        text("[1, 2]"),
        ("config file", "JSON object"),
        failure="config_error",
    ),
    Case(
        "catalog-missing",
        "source",
        "read",
        custom(),
        ("catalog file", "does not exist"),
        failure="config_error",
    ),
    Case(
        "catalog-not-json",
        "source",
        "read",
        custom(),
        ("catalog file", "not valid JSON"),
        failure="config_error",
        catalog="{oops",
    ),
    Case(
        "catalog-not-a-catalog",
        "source",
        "read",
        custom(),
        ("catalog file", "configured catalog"),
        failure="config_error",
        catalog={"x": 1},
    ),
    Case(
        "state-not-json",
        "source",
        "read",
        custom(),
        ("state file", "not valid JSON"),
        failure="config_error",
        catalog=source_catalog(),
        state="{oops",
    ),
    Case(
        "state-not-a-list",
        "source",
        "read",
        custom(),
        ("state file", "reset"),
        failure="config_error",
        catalog=source_catalog(),
        state={"x": 1},
    ),
    Case(
        "discover-config-missing",
        "source",
        "discover",
        lambda url: None,
        ("config file", "does not exist"),
        failure="config_error",
    ),
]

DESTINATION_CONFIG_CASES = [
    Case(
        "no-target",
        "destination",
        "check",
        targets({"enabled": False}, {"enabled": False}),
        ("No target is enabled", "enabled"),
    ),
    Case("crm-no-key", "destination", "check", targets({"api_key": None}), ("crm.api_key",)),
    Case("crm-no-url", "destination", "check", targets({"base_url": None}), ("crm.base_url",)),
    Case(
        "crm-url-no-scheme",
        "destination",
        "check",
        targets({"base_url": "crm.example.com"}),
        ("crm.base_url", "https://"),
    ),
    Case("cc-no-key", "destination", "check", targets(cc={"api_key": None}), ("client_contacts.api_key",)),
    Case("cc-page-size-zero", "destination", "check", targets(cc={"page_size": 0}), ("page_size",)),
    Case("cc-page-size-huge", "destination", "check", targets(cc={"page_size": 500}), ("page_size",)),
    Case(
        "concurrency-zero",
        "destination",
        "check",
        targets({"max_concurrent_requests": 0}),
        ("max_concurrent_requests",),
    ),
    Case(
        "rate-negative",
        "destination",
        "check",
        targets({"requests_per_second": -1}),
        ("requests_per_second",),
    ),
    Case("rejected-share-2", "destination", "check", targets(max_rejected_share=2), ("max_rejected_share",)),
    Case(
        "timeout-zero",
        "destination",
        "check",
        targets(request_timeout_seconds=0),
        ("request_timeout_seconds",),
    ),
    Case("key-prefix-spaces", "destination", "check", targets(key_prefix="my prefix"), ("key_prefix",)),
    Case(
        "mapping-unknown-field",
        "destination",
        "check",
        targets({"field_mapping": [{"target_field": "shoe_size", "record_field": "x"}]}),
        ("crm.field_mapping", "must be one of"),
    ),
    Case(
        "match-field-unknown", "destination", "check", targets({"match_field": "shoe_size"}), ("match_field",)
    ),
    Case(
        "update-method-unknown",
        "destination",
        "check",
        targets(cc={"update_method": "POST"}),
        ("update_method",),
    ),
    Case("retries-text", "destination", "check", targets(max_retries="many"), ("max_retries",)),
    Case(
        "rejected-path-under-a-file",
        "destination",
        "check",
        targets(rejected_records_path="/etc/hostname/rejected.jsonl"),
        ("rejected_records_path",),
    ),
    Case(
        "crm-unreachable",
        "destination",
        "check",
        targets({"base_url": f"{UNREACHABLE}/crm"}),
        ("127.0.0.1:9", "crm.base_url"),
    ),
    Case(
        "cc-unreachable",
        "destination",
        "check",
        targets(cc={"base_url": f"{UNREACHABLE}/client-contacts"}),
        ("127.0.0.1:9", "client_contacts.base_url"),
    ),
    Case(
        "config-missing",
        "destination",
        "check",
        lambda url: None,
        ("config file", "does not exist"),
        failure="config_error",
    ),
    Case(
        "config-not-json", "destination", "check", text("{oops"), ("config", "JSON"), failure="config_error"
    ),
]

DESTINATION_API_CASES = [
    Case(
        "crm-wrong-key",
        "destination",
        "check",
        targets({"api_key": "nope"}),
        ("crm", "api_key"),
        needs_api=True,
    ),
    Case(
        "cc-wrong-key",
        "destination",
        "check",
        targets(cc={"api_key": "nope"}),
        ("client_contacts", "api_key"),
        needs_api=True,
    ),
    Case(
        "crm-wrong-path",
        "destination",
        "check",
        targets({"contacts_path": "/nowhere"}),
        ("crm.base_url", "crm.contacts_path"),
        needs_api=True,
    ),
    Case(
        "write-wrong-crm-path",
        "destination",
        "write",
        targets({"contacts_path": "/nowhere"}),
        ("crm", "contacts_path"),
        failure="config_error",
        lines=lambda p: [*(record(contact(str(i))) for i in range(1, 51)), state(1)],
        # Client Contacts took the batch; the state is not confirmed, so a retry sends it again.
        held_at_most={"client_contacts": tuple(str(i) for i in range(1, 51))},
        needs_api=True,
    ),
    Case(
        "write-wrong-key",
        "destination",
        "write",
        targets(cc={"api_key": "nope"}),
        ("client_contacts", "api_key"),
        failure="config_error",
        lines=lambda p: [record(contact("1")), state(1)],
        needs_api=True,
    ),
    Case(
        "unreadable-line",
        "destination",
        "write",
        targets(),
        ("Input line 3", "not JSON"),
        failure="system_error",
        lines=lambda p: [record(contact("1")), state(1), "{oops", record(contact("2")), state(2)],
        held=("1",),
        states=1,
        needs_api=True,
    ),
    Case(
        "line-a-json-list",
        "destination",
        "write",
        targets(),
        ("Input line 2", "not an Airbyte message"),
        failure="system_error",
        lines=lambda p: [state(1), "[1, 2]", record(contact("2")), state(2)],
        states=1,
        needs_api=True,
    ),
    Case(
        "line-not-a-message",
        "destination",
        "write",
        targets(),
        ("Input line 1", "not a valid Airbyte message"),
        failure="system_error",
        lines=lambda p: ['{"type": "RECORD", "record": "no"}', record(contact("2")), state(2)],
        needs_api=True,
    ),
    Case(
        "stream-not-in-catalog",
        "destination",
        "write",
        targets(),
        ("not in the configured catalog",),
        succeeds=True,
        lines=lambda p: [record(contact("1"), stream="people"), record(contact("2")), state(1)],
        held=("2",),
        states=1,
        needs_api=True,
    ),
    Case(
        "record-without-id",
        "destination",
        "write",
        targets(),
        ("id",),
        succeeds=True,
        lines=lambda p: [
            record({k: v for k, v in contact("1").items() if k != "id"}),
            record(contact("2")),
            state(1),
        ],
        held=("2",),
        states=1,
        needs_api=True,
    ),
    Case(
        "empty-id",
        "destination",
        "write",
        targets(),
        ("empty text",),
        succeeds=True,
        lines=lambda p: [record(contact("")), record(contact("2")), state(1)],
        held=("2",),
        states=1,
        needs_api=True,
    ),
    Case(
        "first-name-a-number",
        "destination",
        "write",
        targets(),
        ("first_name",),
        succeeds=True,
        lines=lambda p: [record(contact("1", first_name=42)), record(contact("2")), state(1)],
        held=("2",),
        states=1,
        needs_api=True,
    ),
    Case(
        "phones-an-object",
        "destination",
        "write",
        targets(),
        ("phones", "list"),
        succeeds=True,
        lines=lambda p: [record(contact("1", phones={"number": "+1"})), record(contact("2")), state(1)],
        held=("2",),
        states=1,
        needs_api=True,
    ),
    Case(
        "deleted-at-false",
        "destination",
        "write",
        targets(),
        ("_ab_cdc_deleted_at",),
        succeeds=True,
        lines=lambda p: [
            record(contact("1")),
            state(1),
            record({"id": "1", "_ab_cdc_deleted_at": "false"}),
            state(2),
        ],
        held=("1",),
        states=2,
        needs_api=True,
    ),
    Case(
        "deleted-at-true",
        "destination",
        "write",
        targets(),
        ("_ab_cdc_deleted_at",),
        succeeds=True,
        lines=lambda p: [
            record(contact("1")),
            state(1),
            record({"id": "1", "_ab_cdc_deleted_at": True}),
            state(2),
        ],
        held=("1",),
        states=2,
        needs_api=True,
    ),
    Case(
        "soft-delete-mode",
        "destination",
        "write",
        targets(),
        ("soft_delete", "append_dedup"),
        failure="config_error",
        catalog=destination_catalog("soft_delete"),
        lines=lambda p: [record(contact("1")), state(1)],
        needs_api=True,
    ),
    Case(
        "update-mode",
        "destination",
        "write",
        targets(),
        ("'update'", "append_dedup"),
        failure="config_error",
        catalog=destination_catalog("update"),
        lines=lambda p: [record(contact("1")), state(1)],
        needs_api=True,
    ),
    Case(
        "catalog-not-json",
        "destination",
        "write",
        targets(),
        ("catalog", "JSON"),
        failure="config_error",
        catalog="{oops",
        lines=lambda p: [record(contact("1")), state(1)],
        needs_api=True,
    ),
]

CASES = SOURCE_CONFIG_CASES + SOURCE_FILE_CASES + DESTINATION_CONFIG_CASES
API_CASES = SOURCE_API_CASES + DESTINATION_API_CASES


# Running a case


def _write(path: Path, content: Any) -> str:
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def run_case(case: Case, url: str, tmp_path: Path, prefix: str) -> Run:
    command = [
        str(BIN / f"{case.connector}-{'custom-contacts' if case.connector == 'source' else 'crm-contacts'}")
    ]
    command.append(case.command)
    config = case.config(url)
    if config is not None and case.connector == "destination" and isinstance(config, dict):
        config = {"key_prefix": prefix, **config}
    config_path = tmp_path / "config.json"
    command += ["--config", _write(config_path, config) if config is not None else str(config_path)]
    catalog = case.catalog
    if case.command in ("read", "write"):
        if catalog is None and case.connector == "destination":
            catalog = destination_catalog()
        if catalog is not None:
            command += ["--catalog", _write(tmp_path / "catalog.json", catalog)]
        else:
            command += ["--catalog", str(tmp_path / "no-catalog.json")]
    if case.state is not None:
        command += ["--state", _write(tmp_path / "state.json", case.state)]
    stdin = "".join(f"{line}\n" for line in case.lines(prefix)) if case.lines else ""
    started = time.monotonic()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120, check=False)
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return Run(done.returncode, messages, time.monotonic() - started)


def held_keys(sandbox: SandboxProcess, prefix: str) -> dict[str, list[str]]:
    """Source ids each target holds under this case's key prefix, one entry per stored contact."""
    crm = [
        (contact.get("notes") or "").removeprefix("[source-id:").removesuffix("]")
        for contact in sandbox.admin.dump("crm")
    ]
    documents = [
        (document.get("integration_meta") or {}).get("external_id") or ""
        for document in sandbox.admin.dump("client_contacts")
    ]
    return {
        target: sorted(key.removeprefix(prefix) for key in keys if key.startswith(prefix))
        for target, keys in (("crm", crm), ("client_contacts", documents))
    }


def assert_outcome(case: Case, run: Run) -> None:
    if case.command == "check" and case.failure is None:
        [status] = [m["connectionStatus"] for m in run.of("CONNECTION_STATUS")]
        assert status["status"] == "FAILED"
        message = status["message"]
        assert run.code == 0
    elif case.succeeds:
        assert run.code == 0, run.errors
        assert run.errors == []
        message = " ".join(
            m["log"]["message"] for m in run.of("LOG") if m["log"]["level"] in ("WARN", "ERROR")
        )
    else:
        assert run.code != 0
        errors = run.errors
        assert errors, "a failure without an error trace"
        assert errors[-1]["failure_type"] == case.failure
        message = " ".join(error["message"] for error in errors)
    for words in case.names:
        assert words in message, f"{words!r} not in {message!r}"
    assert "Traceback" not in message
    assert "Something went wrong" not in message
    assert len(run.of("STATE")) == case.states, "a state went out past the bad input, or one was lost"
    if case.command == "check":
        assert run.seconds < 10, f"check took {run.seconds:.1f} s"


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.connector}-{case.id}")
def test_given_bad_input_offline_when_run_then_one_clear_message_and_nothing_lost(
    case: Case, tmp_path: Path
) -> None:
    run = run_case(case, "http://127.0.0.1:9", tmp_path, "offline:")

    assert_outcome(case, run)


@pytest.mark.parametrize("case", API_CASES, ids=lambda case: f"{case.connector}-{case.id}")
def test_given_bad_input_against_an_api_when_run_then_one_clear_message_and_nothing_lost(
    case: Case, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    prefix = f"{case.id}:"
    for api, faults in case.faults.items():
        sandbox.admin.set_faults(api, **faults)
    try:
        run = run_case(case, sandbox.url, tmp_path, prefix)
    finally:
        sandbox.admin.clear_faults()

    assert_outcome(case, run)
    if case.connector == "destination":
        held = held_keys(sandbox, prefix)
        for target in ("crm", "client_contacts"):
            if target in case.held_at_most:
                assert len(set(held[target])) == len(held[target]), f"{target}: a contact twice"
                assert set(held[target]) <= set(case.held_at_most[target]), target
            else:
                assert held[target] == sorted(case.held), target


def test_given_the_table_then_it_holds_at_least_a_hundred_runs_across_both_connectors() -> None:
    runs = len(CASES) + 2 * len(API_CASES)
    assert runs >= 100
    assert {case.connector for case in CASES + API_CASES} == {"source", "destination"}
