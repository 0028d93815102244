"""Rejected records of a sync run as Airbyte runs it, a fresh process of the console script that
leaves nothing on disk, are read back from a real S3-compatible server (moto's), under each preset."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from unit_tests.s3_storage import S3Server

from contacts_sandbox.pytest_plugin import every_preset  # noqa: F401
from contacts_sandbox.testing import SandboxProcess
from integration_tests.connector import (
    COMMAND,
    catalog_for,
    config_for,
    expected_crm,
    record_line,
    state_line,
    sync_lines,
    write,
)


def contacts_some_without_email(sandbox: SandboxProcess, count: int = 20) -> list[dict[str, Any]]:
    """`count` source contacts, every fifth without an email: the CRM refuses those."""
    contacts = sandbox.admin.dump("custom")["contacts"][:count]
    return [{**c, "emails": []} if n % 5 == 0 else c for n, c in enumerate(contacts)]


def rejected_lines(objects: dict[str, bytes]) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for key, body in objects.items()
        if key.endswith(".jsonl")
        for line in body.splitlines()
    ]


def ids(contacts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {contact["id"]: contact for contact in contacts}


def messages(stdout: IO[str]) -> Iterator[dict[str, Any]]:
    for line in stdout:
        if line.startswith("{"):
            yield json.loads(line)


class StepwiseWrite:
    """`destination-crm-contacts write` as a real process fed a few lines at a time, so that a test
    acts between one STATE coming out and the next lines going in."""

    def __init__(self, tmp_path: Path, config: dict[str, Any]) -> None:
        config_path, catalog_path = tmp_path / "config.json", tmp_path / "catalog.json"
        config_path.write_text(json.dumps(config))
        catalog_path.write_text(json.dumps(catalog_for(generations=(1, 0))))
        self._process = subprocess.Popen(
            [COMMAND, "write", "--config", str(config_path), "--catalog", str(catalog_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            # Each message reaches the pipe as it is printed, as a STATE reaches Airbyte.
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._stdin = self._process.stdin
        self._output = messages(self._process.stdout)

    def __enter__(self) -> StepwiseWrite:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()

    def send(self, lines: list[str]) -> None:
        self._stdin.write("".join(f"{line}\n" for line in lines))
        self._stdin.flush()

    def next_state(self) -> dict[str, Any]:
        return next(m["state"] for m in self._output if m["type"] == "STATE")

    def finish(self) -> tuple[int, list[dict[str, Any]]]:
        """Ends the input; the exit code and every message after the last one read."""
        self._stdin.close()
        later = list(self._output)
        return self._process.wait(timeout=60), later


class TestRejectedRecordsInS3:
    def test_given_a_sync_with_rejections_when_run_as_a_fresh_process_then_the_bucket_holds_one_line_a_record(
        self, sandbox: SandboxProcess, s3_server: S3Server, tmp_path: Path
    ) -> None:
        bucket = s3_server.new_bucket()
        contacts = contacts_some_without_email(sandbox)
        config = config_for(sandbox, rejected_records_storage=s3_server.storage(bucket))

        run = write(tmp_path, config, sync_lines(contacts), generations=(1, 0))

        assert run.returncode == 0, run.stderr
        lines = rejected_lines(s3_server.objects(bucket))
        refused_by_crm = sorted(c["id"] for c in contacts if c["id"] not in expected_crm(contacts))
        assert sorted(line["primary_key"] for line in lines if line["target"] == "crm") == refused_by_crm
        assert len(refused_by_crm) >= 4  # every fifth contact, at least
        refused = {line["primary_key"] for line in lines}
        assert run.states[-1]["destinationStats"]["rejectedRecordCount"] == len(refused)
        assert {line["stream"] for line in lines} == {"contacts"}
        assert all(
            line["record"] == by_id[line["primary_key"]] for line in lines for by_id in [ids(contacts)]
        )
        assert all(key.startswith("rejected-records/812/") for key in s3_server.objects(bucket))
        reasons = run.totals["rejections"]
        assert sum(reason["count"] for reason in reasons) == len(lines)
        assert all(
            reason["stored_in"][0].startswith(f"s3://{bucket}/rejected-records/812/") for reason in reasons
        )
        assert sorted(path.name for path in tmp_path.iterdir()) == ["catalog.json", "config.json"]

    def test_given_the_bucket_deleted_after_a_state_then_the_process_stops_before_the_next_state(
        self, sandbox: SandboxProcess, s3_server: S3Server, tmp_path: Path
    ) -> None:
        bucket = s3_server.new_bucket()
        contacts = contacts_some_without_email(sandbox, 10)
        config = config_for(sandbox, rejected_records_storage=s3_server.storage(bucket))

        with StepwiseWrite(tmp_path, config) as sync:
            sync.send([*map(record_line, contacts[:5]), state_line(1)])
            first_state = sync.next_state()
            s3_server.delete_bucket(bucket)
            sync.send([*map(record_line, contacts[5:]), state_line(2)])
            returncode, later = sync.finish()

        assert returncode == 1
        assert first_state["destinationStats"]["rejectedRecordCount"] >= 1
        assert [m for m in later if m["type"] == "STATE"] == []
        [error] = [
            m["trace"]["error"] for m in later if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"
        ]
        assert error["failure_type"] == "config_error"
        assert "NoSuchBucket" in error["message"]
