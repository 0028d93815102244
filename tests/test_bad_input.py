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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from contacts_sandbox import forked_cli
from contacts_sandbox.acceptance import destination_config, source_company_config, source_custom_config
from contacts_sandbox.testing import SandboxProcess

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
    lines: tuple[str, ...] = ()  # the destination's stdin
    held: tuple[str, ...] = ()  # source ids each target holds afterwards
    # Per target where it differs from `held`: what it may hold at most, when a sync that fails
    # midway leaves some of it written (kept, unconfirmed: a retry sends it again).
    held_at_most: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    states: int = 0  # STATE messages the run emits
    faults: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass
class Run:
    code: int
    messages: list[dict[str, Any]]

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


def saved_state(cursor: str, value: Any) -> list[dict[str, Any]]:
    return [
        {
            "type": "STREAM",
            "stream": {"stream_descriptor": {"name": "contacts"}, "stream_state": {cursor: value}},
        }
    ]


def incremental(catalog: dict[str, Any]) -> dict[str, Any]:
    for configured in catalog["streams"]:
        configured["sync_mode"] = "incremental"
        configured["destination_sync_mode"] = "append_dedup"
    return catalog


def no_file(url: str) -> None:
    """A config path where no file is."""
    return None


ONE_CONTACT = (record(contact("1")), state(1))


# Builders of the cases, one per kind


def source_check(case_id: str, config: Config, *names: str, **more: Any) -> Case:
    return Case(case_id, "source", "check", config, names, **more)


def destination_check(case_id: str, config: Config, *names: str, **more: Any) -> Case:
    return Case(case_id, "destination", "check", config, names, **more)


def source_file(case_id: str, command: str, config: Config, *names: str, **more: Any) -> Case:
    """A config, catalog or state file the source cannot read: a config error before any call."""
    return Case(case_id, "source", command, config, names, failure="config_error", **more)


def source_state(case_id: str, config: Config, state: list[dict[str, Any]], *names: str) -> Case:
    """An incremental read from a saved state the source cannot read: a config error."""
    catalog = incremental(source_catalog())
    return Case(
        case_id, "source", "read", config, names, failure="config_error", catalog=catalog, state=state
    )


def source_state_ahead(case_id: str, config: Config, state: list[dict[str, Any]]) -> Case:
    """An incremental read from a state ahead of the clock: it succeeds, and says how to reset."""
    catalog = incremental(source_catalog())
    names = ("ahead", "reset")
    return Case(
        case_id, "source", "read", config, names, succeeds=True, catalog=catalog, state=state, states=1
    )


def destination_write(
    case_id: str, *names: str, lines: Sequence[str], config: Config | None = None, **more: Any
) -> Case:
    return Case(case_id, "destination", "write", config or targets(), names, lines=tuple(lines), **more)


def rejected(case_id: str, bad: str, *names: str) -> Case:
    """A bad record before a good one: it is rejected with a warning that names the problem, and
    the good one is written and confirmed."""
    lines = (bad, record(contact("2")), state(1))
    return destination_write(case_id, *names, lines=lines, succeeds=True, held=("2",), states=1)


def deleted_at(case_id: str, value: Any) -> Case:
    """A deletion of a written contact whose `_ab_cdc_deleted_at` is not a time: rejected, and the
    contact stays."""
    lines = (*ONE_CONTACT, record({"id": "1", "_ab_cdc_deleted_at": value}), state(2))
    return destination_write(case_id, "_ab_cdc_deleted_at", lines=lines, succeeds=True, held=("1",), states=2)


def refused_catalog(case_id: str, catalog: Any, *names: str) -> Case:
    """A write whose catalog the destination cannot run: a config error before any write."""
    return destination_write(case_id, *names, lines=ONE_CONTACT, failure="config_error", catalog=catalog)


# The table

SOURCE_CONFIG_CASES = [
    source_check("no-api", lambda url: {}, "'api' is required", "Custom Contact Source API"),
    source_check("unknown-api-type", custom(api_type="other"), "'api.api_type' must be", "'custom'"),
    source_check("no-client-secret", custom(client_secret=None), "'api.client_secret'", "is required"),
    source_check("empty-client-id", custom(client_id=" "), "'api.client_id'", "is required"),
    source_check("page-size-zero", custom(page_size=0), "'api.page_size'", "from 1 to 1000"),
    source_check("page-size-huge", custom(page_size=5000), "'api.page_size'", "from 1 to 1000"),
    source_check("page-size-text", custom(page_size="50"), "'api.page_size'", "whole number"),
    source_check("lookback-negative", custom(lookback_window_seconds=-1), "lookback_window_seconds"),
    source_check("lookback-huge", custom(lookback_window_seconds=10**6), "lookback_window_seconds"),
    source_check("url-without-scheme", custom(base_url="contacts.example.com"), "'api.base_url'", "https://"),
    source_check("url-with-space", custom(base_url="https://x y.com"), "'api.base_url'", "https://"),
    source_check("concurrency-zero", custom(**{"top.concurrent_requests": 0}), "'concurrent_requests'"),
    source_check("timeout-zero", custom(**{"top.request_timeout_seconds": 0}), "'request_timeout_seconds'"),
    source_check("rate-zero", custom(**{"top.max_requests_per_second": 0}), "'max_requests_per_second'"),
    source_check("no-api-key", company(api_key=None), "'api.api_key'", "Company Contacts API"),
    source_check("company-page-size-zero", company(page_size=0), "'api.page_size'", "Company Contacts API"),
    source_check("company-url-ftp", company(base_url="ftp://x"), "'api.base_url'", "https://"),
    source_check(
        "unreachable-host", custom(base_url=f"{UNREACHABLE}/custom"), "127.0.0.1:9", "'api.base_url'"
    ),
    source_check(
        "company-unreachable", company(base_url=f"{UNREACHABLE}/company"), "127.0.0.1:9", "'api.base_url'"
    ),
]

SOURCE_API_CASES = [
    source_check("wrong-secret", custom(client_secret="nope"), "refused the credentials", "client secret"),
    source_check("wrong-api-key", company(api_key="nope"), "refused", "API key"),
    source_check("wrong-path", lambda url: source_custom_config(f"{url}/nowhere"), "404", "base URL"),
    source_check(
        "slow-api",
        custom(),
        "did not answer within",
        "'request_timeout_seconds'",
        faults={"custom": {"latency_ms": 6000}},
    ),
    Case(
        "read-wrong-secret",
        "source",
        "read",
        custom(client_secret="nope"),
        ("refused the credentials",),
        failure="config_error",
        catalog=source_catalog(),
    ),
    Case(
        "read-unknown-stream",
        "source",
        "read",
        custom(),
        ("'nope'", "refresh the connection's schema"),
        failure="config_error",
        catalog=source_catalog("nope"),
    ),
    source_state(
        "state-in-milliseconds", custom(), saved_state("timestamp", 1795000000000), "milliseconds", "reset"
    ),
    source_state("state-text", custom(), saved_state("timestamp", "yesterday"), "timestamp", "reset"),
    source_state("state-negative", custom(), saved_state("timestamp", -5), "timestamp", "reset"),
    source_state_ahead("state-in-the-future", custom(), saved_state("timestamp", 4102444800)),
    source_state(
        "company-state-unreadable",
        company(),
        saved_state("updated_at", "last tuesday"),
        "updated_at",
        "reset",
    ),
    source_state_ahead(
        "company-state-in-the-future", company(), saved_state("updated_at", "2100-01-01T00:00:00Z")
    ),
]

SOURCE_FILE_CASES = [
    source_file("config-missing", "check", no_file, "config file", "does not exist"),
    source_file("config-not-json", "check", text("{oops"), "config file", "not valid JSON"),
    source_file("config-a-list", "check", text("[1, 2]"), "config file", "JSON object"),
    source_file("catalog-missing", "read", custom(), "catalog file", "does not exist"),
    source_file("catalog-not-json", "read", custom(), "catalog file", "not valid JSON", catalog="{oops"),
    source_file(
        "catalog-not-a-catalog", "read", custom(), "catalog file", "configured catalog", catalog={"x": 1}
    ),
    source_file(
        "state-not-json",
        "read",
        custom(),
        "state file",
        "not valid JSON",
        catalog=source_catalog(),
        state="{oops",
    ),
    source_file(
        "state-not-a-list", "read", custom(), "state file", "reset", catalog=source_catalog(), state={"x": 1}
    ),
    source_file("discover-config-missing", "discover", no_file, "config file", "does not exist"),
]

DESTINATION_CONFIG_CASES = [
    destination_check(
        "no-target", targets({"enabled": False}, {"enabled": False}), "No target is enabled", "enabled"
    ),
    destination_check("crm-no-key", targets({"api_key": None}), "crm.api_key"),
    destination_check("crm-no-url", targets({"base_url": None}), "crm.base_url"),
    destination_check(
        "crm-url-no-scheme", targets({"base_url": "crm.example.com"}), "crm.base_url", "https://"
    ),
    destination_check("cc-no-key", targets(cc={"api_key": None}), "client_contacts.api_key"),
    destination_check("cc-page-size-zero", targets(cc={"page_size": 0}), "page_size"),
    destination_check("cc-page-size-huge", targets(cc={"page_size": 500}), "page_size"),
    destination_check("concurrency-zero", targets({"max_concurrent_requests": 0}), "max_concurrent_requests"),
    destination_check("rate-negative", targets({"requests_per_second": -1}), "requests_per_second"),
    destination_check("rejected-share-2", targets(max_rejected_share=2), "max_rejected_share"),
    destination_check("sweep-share-2", targets(max_sweep_share=2), "max_sweep_share"),
    destination_check("timeout-zero", targets(request_timeout_seconds=0), "request_timeout_seconds"),
    destination_check("key-prefix-spaces", targets(key_prefix="my prefix"), "key_prefix"),
    destination_check(
        "mapping-unknown-field",
        targets({"field_mapping": [{"target_field": "shoe_size", "record_field": "x"}]}),
        "crm.field_mapping",
        "must be one of",
    ),
    destination_check("match-field-unknown", targets({"match_field": "shoe_size"}), "match_field"),
    destination_check("update-method-unknown", targets(cc={"update_method": "POST"}), "update_method"),
    destination_check("retries-text", targets(max_retries="many"), "max_retries"),
    destination_check(
        "rejected-path-under-a-file",
        targets(rejected_records_path="/etc/hostname/rejected.jsonl"),
        "rejected_records_path",
    ),
    destination_check(
        "crm-unreachable", targets({"base_url": f"{UNREACHABLE}/crm"}), "127.0.0.1:9", "crm.base_url"
    ),
    destination_check(
        "cc-unreachable",
        targets(cc={"base_url": f"{UNREACHABLE}/client-contacts"}),
        "127.0.0.1:9",
        "client_contacts.base_url",
    ),
    destination_check("config-missing", no_file, "config file", "does not exist", failure="config_error"),
    destination_check("config-not-json", text("{oops"), "config", "JSON", failure="config_error"),
]

DESTINATION_API_CASES = [
    destination_check("crm-wrong-key", targets({"api_key": "nope"}), "crm", "api_key"),
    destination_check("cc-wrong-key", targets(cc={"api_key": "nope"}), "client_contacts", "api_key"),
    destination_check(
        "crm-wrong-path", targets({"contacts_path": "/nowhere"}), "crm.base_url", "crm.contacts_path"
    ),
    destination_write(
        "write-wrong-crm-path",
        "crm",
        "contacts_path",
        config=targets({"contacts_path": "/nowhere"}),
        failure="config_error",
        lines=[*(record(contact(str(i))) for i in range(1, 51)), state(1)],
        # Client Contacts took the batch; the state is not confirmed, so a retry sends it again.
        held_at_most={"client_contacts": tuple(str(i) for i in range(1, 51))},
    ),
    destination_write(
        "write-wrong-key",
        "client_contacts",
        "api_key",
        config=targets(cc={"api_key": "nope"}),
        failure="config_error",
        lines=ONE_CONTACT,
    ),
    destination_write(
        "unreadable-line",
        "Input line 3",
        "not JSON",
        failure="system_error",
        lines=[*ONE_CONTACT, "{oops", record(contact("2")), state(2)],
        held=("1",),
        states=1,
    ),
    destination_write(
        "line-a-json-list",
        "Input line 2",
        "not an Airbyte message",
        failure="system_error",
        lines=[state(1), "[1, 2]", record(contact("2")), state(2)],
        states=1,
    ),
    destination_write(
        "line-not-a-message",
        "Input line 1",
        "not a valid Airbyte message",
        failure="system_error",
        lines=['{"type": "RECORD", "record": "no"}', record(contact("2")), state(2)],
    ),
    rejected("stream-not-in-catalog", record(contact("1"), stream="people"), "not in the configured catalog"),
    rejected("record-without-id", record({k: v for k, v in contact("1").items() if k != "id"}), "id"),
    rejected("empty-id", record(contact("")), "empty text"),
    rejected("first-name-a-number", record(contact("1", first_name=42)), "first_name"),
    rejected("phones-an-object", record(contact("1", phones={"number": "+1"})), "phones", "list"),
    deleted_at("deleted-at-false", "false"),
    deleted_at("deleted-at-true", True),
    refused_catalog("soft-delete-mode", destination_catalog("soft_delete"), "soft_delete", "append_dedup"),
    refused_catalog("update-mode", destination_catalog("update"), "'update'", "append_dedup"),
    refused_catalog("catalog-not-json", "{oops", "catalog", "JSON"),
]

CASES = SOURCE_CONFIG_CASES + SOURCE_FILE_CASES + DESTINATION_CONFIG_CASES
API_CASES = SOURCE_API_CASES + DESTINATION_API_CASES


# Running a case


def _write(path: Path, content: Any) -> str:
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def run_case(case: Case, url: str, tmp_path: Path, prefix: str) -> Run:
    command = [f"{case.connector}-{'custom-contacts' if case.connector == 'source' else 'crm-contacts'}"]
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
    stdin = "".join(f"{line}\n" for line in case.lines)
    done = forked_cli.run(command, stdin)
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return Run(done.returncode, messages)


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
        # A user waits on check: it answers from its first try, never after backoffs. Counted
        # from what the connector logs, not timed, so a busy machine cannot fail it.
        retries = [m["log"]["message"] for m in run.of("LOG") if "retrying" in m["log"]["message"].lower()]
        assert retries == [], f"check waited to retry: {retries}"


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
