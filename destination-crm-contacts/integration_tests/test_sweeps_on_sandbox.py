"""Airbyte's refreshes and the sweep guard, against the sandbox as a real process, under each preset.

Under `strict` and `examples` the CRM answers a search with the id of one contact, so it cannot list
the contacts the connector manages: a sweep is refused there before any write, and the sweeps
themselves run on Client Contacts, which lists every document under each preset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contacts_sandbox.pytest_plugin import every_preset  # noqa: F401
from contacts_sandbox.testing import SandboxProcess
from integration_tests.connector import (
    assert_targets_hold,
    config_for,
    expected_client_contacts,
    held_client_contacts,
    record_line,
    state_line,
    status_line,
    tombstone,
    write,
    write_in_process,
)


def lists_no_crm_contacts(preset: str) -> bool:
    return preset != "lenient"


TRUNCATE = (5, 5)  # "Refresh and remove records": the minimum generation is this generation
MERGE = (5, 0)  # "Refresh and retain records"


def source_contacts(sandbox: SandboxProcess, count: int) -> list[dict[str, Any]]:
    contacts: list[dict[str, Any]] = sandbox.admin.dump("custom")["contacts"][:count]
    return contacts


def sweepable(sandbox: SandboxProcess, profile: str, **options: Any) -> dict[str, Any]:
    """Both targets where the CRM can list its contacts; Client Contacts alone where it cannot."""
    config = config_for(sandbox, **options)
    if lists_no_crm_contacts(profile):
        config["crm"] = {"enabled": False}
    return config


def complete_read(contacts: list[dict[str, Any]], *extra: str) -> list[str]:
    return [*(record_line(c) for c in contacts), *extra, state_line(2), status_line("COMPLETE")]


def written(sandbox: SandboxProcess, config: dict[str, Any], count: int) -> list[dict[str, Any]]:
    contacts = source_contacts(sandbox, count)
    write_in_process(config, [*(record_line(c) for c in contacts), state_line(1)])
    return contacts


class TestTruncateRefresh:
    def test_given_a_completed_truncate_refresh_then_contacts_it_did_not_write_are_deleted(
        self, sandbox: SandboxProcess, sandbox_profile: str
    ) -> None:
        config = sweepable(sandbox, sandbox_profile)
        contacts = written(sandbox, config, 20)

        # Airbyte sends "Full refresh | Overwrite" to a destination that supports refreshes so.
        run = write_in_process(config, complete_read(contacts[:12]), mode="append", generations=TRUNCATE)

        assert run.returncode == 0
        if lists_no_crm_contacts(sandbox_profile):
            assert held_client_contacts(sandbox) == expected_client_contacts(contacts[:12])
        else:
            assert_targets_hold(sandbox, contacts[:12])

    def test_given_a_crm_that_cannot_list_when_a_truncate_refresh_starts_then_it_is_refused_before_any_write(
        self, sandbox: SandboxProcess, sandbox_profile: str, tmp_path: Path
    ) -> None:
        contacts = written(sandbox, config_for(sandbox), 20)
        before = (sandbox.admin.dump("crm"), sandbox.admin.dump("client_contacts"))

        run = write(tmp_path, config_for(sandbox), complete_read(contacts[:12]), generations=TRUNCATE)

        if lists_no_crm_contacts(sandbox_profile):
            assert run.returncode != 0
            [error] = [m["trace"]["error"] for m in run.messages if m["type"] == "TRACE"]
            assert error["failure_type"] == "config_error"
            assert "truncate refresh" in error["message"]
            assert (sandbox.admin.dump("crm"), sandbox.admin.dump("client_contacts")) == before
        else:
            assert run.returncode == 0, run.stderr
            assert_targets_hold(sandbox, contacts[:12])

    def test_given_a_truncate_refresh_that_does_not_complete_then_nothing_is_deleted(
        self, sandbox: SandboxProcess, sandbox_profile: str
    ) -> None:
        config = sweepable(sandbox, sandbox_profile)
        contacts = written(sandbox, config, 20)
        lines = [*(record_line(c) for c in contacts[:12]), state_line(2), status_line("INCOMPLETE")]

        write_in_process(config, lines, generations=TRUNCATE)

        assert held_client_contacts(sandbox) == expected_client_contacts(contacts)


class TestMergeRefresh:
    def test_given_a_merge_refresh_in_overwrite_then_nothing_is_swept_and_a_tombstone_deletes(
        self, sandbox: SandboxProcess
    ) -> None:
        contacts = written(sandbox, config_for(sandbox), 20)
        gone = contacts[12]["id"]

        run = write_in_process(
            config_for(sandbox),
            complete_read(contacts[:12], record_line(tombstone(gone))),
            mode="overwrite",
            generations=MERGE,
        )

        assert run.returncode == 0
        assert_targets_hold(sandbox, [c for c in contacts if c["id"] != gone])


class TestSweepGuard:
    def test_given_a_sweep_over_the_share_then_nothing_is_deleted_and_the_error_says_how_many(
        self, sandbox: SandboxProcess, sandbox_profile: str, tmp_path: Path
    ) -> None:
        config = sweepable(sandbox, sandbox_profile)
        contacts = written(sandbox, config, 150)
        before = (sandbox.admin.dump("crm"), sandbox.admin.dump("client_contacts"))

        run = write(tmp_path, config, complete_read(contacts[:100]), generations=TRUNCATE)

        assert run.returncode != 0
        [error] = [m["trace"]["error"] for m in run.messages if m["type"] == "TRACE"]
        assert error["failure_type"] == "config_error"
        assert "client_contacts: the truncate refresh would delete 50 of the 150 contacts" in error["message"]
        assert "set max_sweep_share to 0.34" in error["message"]
        assert (sandbox.admin.dump("crm"), sandbox.admin.dump("client_contacts")) == before

    def test_given_a_sweep_under_the_share_then_exactly_the_contacts_not_sent_are_deleted(
        self, sandbox: SandboxProcess, sandbox_profile: str, tmp_path: Path
    ) -> None:
        config = sweepable(sandbox, sandbox_profile)
        contacts = written(sandbox, config, 150)

        run = write(tmp_path, config, complete_read(contacts[:130]), generations=TRUNCATE)

        assert run.returncode == 0, run.stderr
        assert run.totals["targets"]["client_contacts"]["deleted"] == 20
        if lists_no_crm_contacts(sandbox_profile):
            assert held_client_contacts(sandbox) == expected_client_contacts(contacts[:130])
        else:
            assert_targets_hold(sandbox, contacts[:130])
