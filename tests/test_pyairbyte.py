"""The connectors driven from PyAirbyte, as its users do: the source into PyAirbyte's local DuckDB
cache (a full read, then incremental ones that carry the churn), and the destination fed from the
source through PyAirbyte's destination API.

The README's PyAirbyte example runs as written in test_readme_blocks.py, which proves only that it
succeeds. These tests make the same calls and check what they did, under both sandbox profiles:
the counts of each read and write, the cache's rows and tombstones, and that both targets mirror
the source."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from connector_pair.examples import example_config
from connector_pair.mirror import compare, custom_source_records

from contacts_sandbox.testing import SandboxProcess

BIN = Path(sys.executable).parent
TARGETS = ("crm", "client_contacts")


def assert_targets_mirror(sandbox: SandboxProcess, rejected_path: Path) -> None:
    source = custom_source_records(sandbox.admin.dump("custom"))
    rejected = (
        [json.loads(line) for line in rejected_path.read_text().splitlines()]
        if rejected_path.exists()
        else []
    )
    for target in TARGETS:
        difference = compare(target, source, sandbox.admin.dump(target), rejected)
        assert difference.ok, difference.details()
        assert difference.expected > 0


def connectors(sandbox: SandboxProcess, rejected_path: Path) -> tuple[Any, Any]:
    """The pair as PyAirbyte runs them from this virtualenv: the source on the Custom Contact
    Source API with every stream selected, and the destination keeping its rejected records in
    `rejected_path`."""
    import airbyte as ab

    source = ab.get_source(
        "source-custom-contacts",
        config=example_config("source-custom-contacts.custom-api.json", sandbox.url),
        local_executable=BIN / "source-custom-contacts",
    )
    source.select_all_streams()
    destination = ab.get_destination(
        "destination-crm-contacts",
        config={
            **example_config("destination-crm-contacts.json", sandbox.url),
            "rejected_records_path": str(rejected_path),
        },
        local_executable=BIN / "destination-crm-contacts",
    )
    return source, destination


@pytest.fixture
def pyairbyte_sandbox(profile: str) -> Any:
    with SandboxProcess(contacts=80, seed=11, profile=profile) as process:
        yield process


def test_given_pyairbyte_when_the_source_reads_twice_and_the_destination_writes_then_targets_mirror(
    pyairbyte_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    from airbyte.caches import DuckDBCache

    sandbox = pyairbyte_sandbox
    rejected_path = tmp_path / "rejected.jsonl"
    source, destination = connectors(sandbox, rejected_path)
    cache = DuckDBCache(db_path=tmp_path / "cache.duckdb", cache_dir=tmp_path / "cache")

    first = source.read(cache=cache)
    live = set(custom_source_records(sandbox.admin.dump("custom")))
    assert first.processed_records == len(live)
    assert set(cache["contacts"].to_pandas()["id"]) == live

    churn = sandbox.admin.churn("custom", create=4, update=5, delete=3, seed=5)
    second = source.read(cache=cache)

    assert second.processed_records == 12, "the incremental read carries exactly the churn"
    contacts = cache["contacts"].to_pandas().set_index("id")
    assert set(contacts.index) == live | set(churn["created"]), "one row per contact: tombstones replace rows"
    assert contacts.loc[churn["deleted"], "_ab_cdc_deleted_at"].notna().all()
    assert contacts.loc[churn["updated"] + churn["created"], "_ab_cdc_deleted_at"].isna().all()
    source_now = custom_source_records(sandbox.admin.dump("custom"))
    for contact_id in churn["updated"]:
        emails = contacts.loc[contact_id, "emails"]  # the cache keeps nested values as JSON text
        cached_emails = [
            item["email"] for item in (json.loads(emails) if isinstance(emails, str) else emails)
        ]
        assert cached_emails == [item["email"] for item in source_now[contact_id]["emails"]]

    # What a read cached, into both targets: the cache holds one row per contact, tombstones too.
    written = destination.write(second)
    assert written.processed_records == len(live | set(churn["created"]))
    assert_targets_mirror(sandbox, rejected_path)


def test_given_pyairbyte_when_writing_from_the_source_twice_then_the_second_write_sends_only_the_changes(
    pyairbyte_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    """Straight from the source, with the state kept in a cache (`cache=False, state_cache=...`):
    the destination's own state is the source's next starting point. With `cache=cache` instead,
    PyAirbyte writes everything the cache holds, every time."""
    from airbyte.caches import DuckDBCache

    sandbox = pyairbyte_sandbox
    rejected_path = tmp_path / "rejected.jsonl"
    source, destination = connectors(sandbox, rejected_path)
    state_cache = DuckDBCache(db_path=tmp_path / "state.duckdb", cache_dir=tmp_path / "state")

    first = destination.write(source, cache=False, state_cache=state_cache)
    assert first.processed_records == len(custom_source_records(sandbox.admin.dump("custom")))
    assert_targets_mirror(sandbox, rejected_path)

    sandbox.admin.churn("custom", create=4, update=5, delete=3, seed=5)
    second = destination.write(source, cache=False, state_cache=state_cache)

    assert second.processed_records == 12, "the second write carries exactly the churn"
    assert_targets_mirror(sandbox, rejected_path)
