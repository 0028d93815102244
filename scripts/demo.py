"""`make demo`: the connector pair's main job against the local sandbox, told step by step.

For each source API: a sync into both CRMs (full the first time, incremental once a state is
saved), churn in the source, and an incremental sync that carries exactly that churn. The source
and the destination run as two processes joined by pipes, as Airbyte runs them. State, logs and
the sandbox's data stay in `.demo/`, so a second run continues incrementally.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connector_pair.console import TARGET_TITLES, Console
from connector_pair.local_sandbox import LocalSandbox
from connector_pair.mirror import TARGETS as SHAPES
from connector_pair.mirror import company_source_records, compare, custom_source_records
from connector_pair.sync import SyncResult, configured_catalog, discover, run_sync, write_json

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / ".demo"
SECRETS = ROOT / "secrets"
EXAMPLES = ROOT / "secrets.example"
DESTINATION_CONFIG = "destination-crm-contacts.json"
COMPANY = "company-a-key"
TARGETS = ("crm", "client_contacts")


@dataclass(frozen=True)
class Api:
    key: str  # the sandbox's name for it
    title: str
    churn: Mapping[str, int]
    carries_deletions: bool

    @property
    def config_file(self) -> str:
        """The source's config for this API, in `secrets/` (copied from `secrets.example/`)."""
        return f"source-custom-contacts.{self.key}-api.json"


APIS = (
    Api(
        "custom",
        "Custom Contact Source API",
        {"create": 20, "update": 30, "delete": 10},
        carries_deletions=True,
    ),
    Api(
        "company", "Company Contacts API", {"create": 10, "update": 15, "delete": 5}, carries_deletions=False
    ),
)


def copy_example_configs(console: Console) -> None:
    """Users edit `secrets/` for real systems; the examples point at the sandbox."""
    SECRETS.mkdir(exist_ok=True)
    for example in sorted(EXAMPLES.glob("*.json")):
        copy = SECRETS / example.name
        if not copy.exists():
            shutil.copyfile(example, copy)
            console.line(f"  copied {example.relative_to(ROOT)} to {copy.relative_to(ROOT)}")


def key_prefix(api: Api) -> str:
    return f"{api.key}:"


def destination_config(api: Api) -> Path:
    """The destination config from `secrets/` for one source API: its own key prefix, since both
    APIs write into the same targets and their ids may collide, and a rejected-records file in
    `.demo/` unless the config names its own."""
    config = json.loads((SECRETS / DESTINATION_CONFIG).read_text())
    config["key_prefix"] = key_prefix(api)
    if not config.get("rejected_records_path"):
        config["rejected_records_path"] = str(DEMO / f"rejected-records-{api.key}.jsonl")
    path = DEMO / f"destination-config-{api.key}.json"
    write_json(path, config)
    return path


class Story:
    def __init__(self, console: Console, sandbox: LocalSandbox) -> None:
        self.console = console
        self.sandbox = sandbox
        self.sync_number = 0

    def run(self, number: int, api: Api) -> bool:
        console = self.console
        console.heading(f"Part {number}: {api.title} -> CRM + Client Contacts")
        source_config = SECRETS / api.config_file
        destination = destination_config(api)
        state_file = DEMO / "state" / f"{api.key}.json"
        catalog = configured_catalog(discover(source_config))
        streams = ", ".join(
            f"{entry['stream']['name']} ({entry['sync_mode'].replace('_', ' ')})"
            for entry in catalog["streams"]
        )
        console.line(f"  source config {source_config.relative_to(ROOT)}; streams: {streams}")
        console.line(
            f"  destination config {destination.relative_to(ROOT)}; its ids are stored under the key "
            f"prefix {key_prefix(api)!r}, apart from the other API's"
        )

        if state_file.exists():
            first = "Incremental sync, continuing from the saved state"
        else:
            first = "Full sync (no saved state yet)"
        console.step(f"{number}.1", first)
        if not self.sync(api, source_config, destination, catalog, state_file, "first"):
            return False

        console.step(f"{number}.2", f"Churn in the {api.title}")
        changes = self.sandbox.admin.churn(
            api.key, **api.churn, company=COMPANY if api.key == "company" else None
        )
        console.table(
            ["change", "contacts", "ids"],
            [[kind, len(ids), _some(ids)] for kind, ids in changes.items()],
        )
        before = {target: self.sandbox.admin.dump(target) for target in TARGETS}

        console.step(f"{number}.3", "Incremental sync of those changes")
        result = self.sync(api, source_config, destination, catalog, state_file, "incremental")
        if result is None:
            return False
        expected = sum(
            len(ids) for kind, ids in changes.items() if kind != "deleted" or api.carries_deletions
        )
        console.line(
            f"  the source carried {result.streams_read.get('contacts', 0)} contact records for "
            f"{expected} changes"
            + (
                ""
                if api.carries_deletions
                else f" ({len(changes['deleted'])} deletions are not reported by this API)"
            )
        )
        after = {target: self.sandbox.admin.dump(target) for target in TARGETS}
        self.show_before_after(key_prefix(api), changes, before, after)
        return self.check_mirror(api, destination, changes, after)

    def sync(
        self,
        api: Api,
        source_config: Path,
        destination: Path,
        catalog: dict[str, Any],
        state_file: Path,
        label: str,
    ) -> SyncResult | None:
        self.sync_number += 1
        work_dir = DEMO / "syncs" / f"{time.strftime('%Y%m%d-%H%M%S')}-{self.sync_number}-{api.key}-{label}"
        result = run_sync(
            source_config,
            destination,
            catalog,
            state_file,
            work_dir,
            on_progress=self.console.progress,
            on_connector_progress=self.console.connector_progress,
        )
        console = self.console
        records = ", ".join(f"{count} {stream}" for stream, count in sorted(result.streams_read.items()))
        console.line(f"  read {result.records_read} records ({records or 'none'}) in {result.seconds:.1f}s")
        if result.totals:
            console.counts(result.totals)
        if not result.ok:
            console.line(f"  the sync failed: {'; '.join(result.errors) or 'see the log'}")
            console.line(f"  log: {result.log_path.relative_to(ROOT)}")
            return None
        console.line(
            f"  state saved in {state_file.relative_to(ROOT)}; log in {result.log_path.relative_to(ROOT)}"
        )
        return result

    def source_records(self, api: Api) -> dict[str, Mapping[str, Any]]:
        dump = self.sandbox.admin.dump(api.key)
        return custom_source_records(dump) if api.key == "custom" else company_source_records(dump, COMPANY)

    def show_before_after(
        self,
        prefix: str,
        changes: Mapping[str, list[str]],
        before: Mapping[str, list[dict[str, Any]]],
        after: Mapping[str, list[dict[str, Any]]],
    ) -> None:
        picked = [("updated", key) for key in changes["updated"][:2]]
        picked += [("created", key) for key in changes["created"][:1]]
        picked += [("deleted", key) for key in changes["deleted"][:1]]
        rows = []
        for change, key in picked:
            for target in TARGETS:
                rows.append(
                    [
                        key if target == TARGETS[0] else "",
                        change if target == TARGETS[0] else "",
                        TARGET_TITLES[target],
                        _describe(target, _held(target, before[target], prefix + key)),
                        _describe(target, _held(target, after[target], prefix + key)),
                    ]
                )
        self.console.line()
        self.console.line("  A few contacts before and after (email, phone):")
        self.console.table(["contact", "change", "target", "before", "after"], rows)

    def check_mirror(
        self, api: Api, destination: Path, changes: Mapping[str, list[str]], after: Mapping[str, Any]
    ) -> bool:
        records = self.source_records(api)
        prefix = key_prefix(api)
        rejected = _read_jsonl(Path(json.loads(destination.read_text())["rejected_records_path"]))
        # Both source APIs write into the same targets: their contacts are told apart by prefix.
        held = {
            target: [
                document
                for document in after[target]
                if any(key.startswith(prefix) for key in SHAPES[target].keys(document))
            ]
            for target in TARGETS
        }
        # An API that reports no deletions leaves every contact it deleted (in this demo or an
        # earlier one) in the targets until a full refresh in overwrite mode.
        gone = set()
        if not api.carries_deletions:
            gone = {
                key.removeprefix(prefix)
                for target in TARGETS
                for document in held[target]
                for key in SHAPES[target].keys(document)
                if key.startswith(prefix) and key.removeprefix(prefix) not in records
            }
        self.console.line()
        self.console.line(f"  Do the targets mirror the {api.title}?")
        ok = True
        for target in TARGETS:
            difference = compare(target, records, held[target], rejected, exempt=gone, key_prefix=prefix)
            ok = ok and difference.ok
            verdict = "yes" if difference.ok else "NO"
            self.console.line(f"  {verdict:>3}  {difference.details(limit=3)}")
        if not api.carries_deletions:
            self.console.line(
                f"       {len(gone)} contacts deleted from the {api.title} ({len(changes['deleted'])} in "
                "this churn) stay in the targets: it reports no deletions. A full refresh in overwrite "
                "mode mirrors them."
            )
        return ok


def _held(target: str, documents: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    for document in documents:
        if key in SHAPES[target].keys(document):
            return document
    return None


def _describe(target: str, document: Mapping[str, Any] | None) -> str:
    if document is None:
        return "-"
    phone = document.get("phone") if target == "crm" else document.get("phone1")
    return f"{document.get('email') or '(no email)'}  {phone or '(no phone)'}"


def _some(ids: list[str], limit: int = 6) -> str:
    return ", ".join(ids[:limit]) + (" ..." if len(ids) > limit else "")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="the sandbox's port (the example configs use 8765)"
    )
    args = parser.parse_args(argv)
    console = Console()
    console.heading("Contacts connector pair: demo")
    DEMO.mkdir(exist_ok=True)
    copy_example_configs(console)
    db = DEMO / "sandbox.db"
    sandbox = LocalSandbox(args.port, db, DEMO / "sandbox.log")
    fresh_data = not db.exists()
    with sandbox:
        if sandbox.started_here:
            console.line(f"  started the sandbox on {sandbox.url} (data in {db.relative_to(ROOT)})")
            if fresh_data and (DEMO / "state").exists():
                shutil.rmtree(DEMO / "state")
                console.line(
                    "  its data is new, so the saved states no longer apply: starting with full syncs"
                )
        else:
            console.line(f"  using the sandbox already serving on {sandbox.url}")
        story = Story(console, sandbox)
        results = [story.run(number, api) for number, api in enumerate(APIS, start=1)]
        ok = all(results)
        if sandbox.started_here:
            console.line()
            console.line(f"  stopping the sandbox this demo started on {sandbox.url}")
    console.heading("Where to look next")
    for text in (
        "state files (the next `make demo` continues from them): .demo/state/",
        "each sync's catalog, input state and connector log: .demo/syncs/",
        "records a target refused, with the reason: .demo/rejected-records-<api>.jsonl",
        "the configs used: secrets/ (edit them to point at real systems)",
        "the sandbox's data: .demo/sandbox.db; `make sandbox` serves the APIs, docs at /docs",
        "the connectors: source-custom-contacts/README.md, destination-crm-contacts/README.md",
        "start over: rm -rf .demo",
    ):
        console.line(f"  - {text}")
    console.line()
    console.line(
        "Demo finished: every target mirrors its source." if ok else "Demo finished with differences (above)."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
