"""The record comparisons the Connector Acceptance Tests ran at `test_strictness_level: high`, which
the CDK's standard tests do not run (they reject `expect_records` and `ignored_fields` in
acceptance-test-config.yml):

- `expect_records`: a full read of the sandbox's seeded data gives exactly the recorded records;
- the full-refresh comparison: two consecutive full reads give the same records.

Both leave out the fields that say when the read ran rather than what the contact is. After a
deliberate change to what the source emits, rewrite the recordings from the seeded sandbox with
`UPDATE_EXPECTED_RECORDS=1 ../.venv/bin/pytest integration_tests/test_acceptance_records.py -k lenient`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from airbyte_cdk.models import SyncMode

from contacts_sandbox.acceptance import source_acceptance_configs
from contacts_sandbox.testing import SandboxProcess
from integration_tests.helpers import catalog, read_source

HERE = Path(__file__).resolve().parent
# Config (as acceptance-test-config.yml names it) -> its streams and the recording of their records.
RECORDINGS = {
    "custom-api.json": (("contacts",), HERE / "expected_records.jsonl"),
    "company-api.json": (("contacts", "contact_tags"), HERE / "expected_records_company.jsonl"),
}
# Stream -> fields that hold the time of the read: the Custom Contact Source API's contacts carry
# no change time, so their cursor is when the sync saw them.
IGNORED_FIELDS = {"custom-api.json": {"contacts": ("_ab_cdc_updated_at",)}}


def _read(config_name: str, sandbox: SandboxProcess) -> list[dict[str, Any]]:
    streams, _ = RECORDINGS[config_name]
    config = source_acceptance_configs(sandbox.url)[config_name]
    output = read_source(config, catalog(*((name, SyncMode.full_refresh) for name in streams)))
    return [{"stream": m.record.stream, "data": m.record.data} for m in output.records]


def _comparable(config_name: str, records: Iterable[Mapping[str, Any]]) -> list[str]:
    """Each record as sorted JSON without its ignored fields, in a sorted list: CAT's comparison
    without `exact_order`."""
    ignored = IGNORED_FIELDS.get(config_name, {})
    shown = []
    for record in records:
        data = {k: v for k, v in record["data"].items() if k not in ignored.get(record["stream"], ())}
        shown.append(json.dumps({"stream": record["stream"], "data": data}, sort_keys=True))
    return sorted(shown)


@pytest.mark.parametrize("config_name", sorted(RECORDINGS))
def test_given_the_seeded_sandbox_when_read_in_full_then_the_records_are_the_recorded_ones(
    config_name: str, sandbox: SandboxProcess
) -> None:
    records = _read(config_name, sandbox)
    _, recording = RECORDINGS[config_name]
    if os.environ.get("UPDATE_EXPECTED_RECORDS"):
        recording.write_text("".join(line + "\n" for line in _comparable(config_name, records)))

    expected = _comparable(config_name, (json.loads(line) for line in recording.read_text().splitlines()))
    actual = _comparable(config_name, records)

    assert len(actual) == len(expected)
    missing, extra = sorted(set(expected) - set(actual)), sorted(set(actual) - set(expected))
    assert (missing, extra) == ([], []), f"missing {missing[:3]}, unexpected {extra[:3]}"


@pytest.mark.parametrize("config_name", sorted(RECORDINGS))
def test_given_no_change_when_read_in_full_twice_then_both_reads_give_the_same_records(
    config_name: str, sandbox: SandboxProcess
) -> None:
    first = _comparable(config_name, _read(config_name, sandbox))
    second = _comparable(config_name, _read(config_name, sandbox))

    assert first
    assert first == second
