"""`destination-crm-contacts write` as a real process against the sandbox as a real process."""

from __future__ import annotations

from pathlib import Path

import pytest

from contacts_sandbox.testing import SandboxProcess
from integration_tests.connector import (
    assert_targets_hold,
    client_contacts_by_key,
    config_for,
    crm_by_key,
    expected_client_contacts,
    expected_crm,
    held_client_contacts,
    held_crm,
    record_line,
    state_line,
    sync_lines,
    tombstone,
    write,
    write_in_process,
)

WRITE_ROUTES = ("POST ", "PUT ", "PATCH ", "DELETE ")


def writes_in(stats: dict, api: str) -> int:
    return sum(
        count
        for route, count in (stats.get(api) or {}).items()
        if isinstance(count, int) and route.startswith(WRITE_ROUTES)
    )


def source_contacts(sandbox: SandboxProcess) -> list[dict]:
    return sandbox.admin.dump("custom")["contacts"]


def written(sandbox: SandboxProcess, count: int | None = None) -> list[dict]:
    """The first `count` source contacts (all by default), once a sync has written them."""
    contacts = source_contacts(sandbox)[:count]
    write_in_process(config_for(sandbox), sync_lines(contacts))
    return contacts


class TestFullWrite:
    def test_given_source_contacts_when_written_twice_then_each_is_held_once_and_the_rerun_changes_nothing(
        self, sandbox: SandboxProcess, sandbox_profile: str, tmp_path: Path
    ) -> None:
        contacts = source_contacts(sandbox)
        lines = sync_lines(contacts)

        first = write(tmp_path, config_for(sandbox), lines)
        after_first = (sandbox.admin.dump("crm"), sandbox.admin.dump("client_contacts"))
        sandbox.admin.reset_stats()
        second = write(tmp_path, config_for(sandbox), lines)

        assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
        assert [s["destinationStats"]["recordCount"] for s in first.states] == [float(len(contacts))]
        # Records the CRM refuses (no email); Client Contacts takes every one.
        rejected = len(contacts) - len(expected_crm(contacts))
        assert [s["destinationStats"]["rejectedRecordCount"] for s in first.states] == [float(rejected)]
        assert_targets_hold(sandbox, contacts)
        assert (sandbox.admin.dump("crm"), sandbox.admin.dump("client_contacts")) == after_first
        assert writes_in(sandbox.admin.stats(), "client_contacts") == 0
        crm_totals = second.totals["targets"]["crm"]
        assert crm_totals["rejected"] == len(contacts) - len(expected_crm(contacts))
        if sandbox_profile == "strict":
            # Its search answers an id only: nothing to compare, so each contact is edited, to itself.
            assert (crm_totals["updated"], crm_totals["created"]) == (len(expected_crm(contacts)), 0)
        else:
            assert crm_totals["unchanged"] == len(expected_crm(contacts))
            assert writes_in(sandbox.admin.stats(), "crm") == 0


class TestChanges:
    def test_given_churn_at_the_source_when_changes_are_written_then_targets_follow(
        self, sandbox: SandboxProcess, tmp_path: Path
    ) -> None:
        before = written(sandbox)
        churn = sandbox.admin.churn("custom", create=5, update=10, delete=7, seed=3)
        now = {c["id"]: c for c in source_contacts(sandbox)}
        changed = [now[key] for key in churn["created"] + churn["updated"] if key in now]

        run = write(
            tmp_path,
            config_for(sandbox),
            sync_lines([*changed, *(tombstone(key) for key in churn["deleted"])], cursor=2),
        )

        assert run.returncode == 0, run.stderr
        # An update the CRM refuses (the email is gone) leaves the contact as it was.
        kept = {key: contact for key, contact in expected_crm(before).items() if key in now}
        assert held_crm(sandbox) == {**kept, **expected_crm(now.values())}
        assert held_client_contacts(sandbox) == expected_client_contacts(now.values())
        assert run.totals["targets"]["client_contacts"]["deleted"] == len(churn["deleted"])

    def test_given_an_update_then_a_tombstone_of_one_contact_then_it_ends_deleted(
        self, sandbox: SandboxProcess, tmp_path: Path
    ) -> None:
        contact = next(c for c in source_contacts(sandbox) if expected_crm([c]))
        write_in_process(config_for(sandbox), [record_line(contact), state_line(1)])

        run = write_in_process(
            config_for(sandbox, batch_max_records=1),
            [
                record_line({**contact, "first_name": "Changed"}),
                record_line(tombstone(contact["id"])),
                state_line(2),
            ],
        )

        assert run.returncode == 0, run.stderr
        assert contact["id"] not in crm_by_key(sandbox)
        assert contact["id"] not in client_contacts_by_key(sandbox)


class TestClearedValues:
    def test_given_a_phone_and_an_email_emptied_at_the_source_then_no_update_fails(
        self, sandbox: SandboxProcess, tmp_path: Path
    ) -> None:
        contact = next(c for c in source_contacts(sandbox) if expected_crm([c]) and c.get("phones"))
        write_in_process(config_for(sandbox), [record_line(contact), state_line(1)])

        run = write(
            tmp_path,
            config_for(sandbox),
            [record_line({**contact, "phones": [], "emails": [], "last_name": "Changed"}), state_line(2)],
        )

        assert run.returncode == 0, run.stderr
        counts = run.totals["targets"]
        assert counts["client_contacts"]["rejected"] == 0
        assert counts["client_contacts"]["not_cleared"] == 1
        [document] = client_contacts_by_key(sandbox)[contact["id"]]
        assert document["name"].endswith(" Changed")
        assert document["integration_meta"]["external_id"] == contact["id"]
        # The CRM requires an email: that record is rejected there, and its contact kept as it was.
        assert (counts["crm"]["rejected"], counts["crm"]["updated"]) == (1, 0)


class TestFaults:
    def test_given_errors_429s_and_latency_when_written_then_targets_hold_each_contact_once(
        self, sandbox: SandboxProcess, tmp_path: Path
    ) -> None:
        contacts = source_contacts(sandbox)[:60]
        for api in ("crm", "client_contacts"):
            sandbox.admin.set_faults(
                api, latency_ms=20, error_rate=0.1, rate_limit_per_second=30, retry_after_seconds=1
            )

        run = write(tmp_path, config_for(sandbox), sync_lines(contacts))

        assert run.returncode == 0, run.stderr
        assert_targets_hold(sandbox, contacts)
        statuses = sandbox.admin.stats()["status"]
        for api in ("crm", "client_contacts"):
            assert statuses[api].get("429", 0) > 0, f"{api} never answered 429: the test proves nothing"
            assert statuses[api].get("503", 0) > 0, f"{api} never answered 503: the test proves nothing"

    def test_given_creates_that_commit_but_answer_too_late_then_each_contact_exists_once(
        self, sandbox: SandboxProcess, tmp_path: Path
    ) -> None:
        contacts = source_contacts(sandbox)[:30]
        for api in ("crm", "client_contacts"):
            sandbox.admin.set_faults(api, late_create_rate=0.5, late_create_delay_s=3)
        config = config_for(sandbox, request_timeout_seconds=1)

        run = write(tmp_path, config, sync_lines(contacts))

        assert run.returncode == 0, run.stderr
        assert any("was lost; looking it up" in message for message in run.logs("WARN"))
        assert_targets_hold(sandbox, contacts)
        assert len(sandbox.admin.dump("client_contacts")) == len(contacts)


class TestOverwrite:
    @pytest.mark.parametrize("sandbox_profile", ["lenient"])
    def test_given_a_crm_that_lists_when_overwriting_then_contacts_missing_from_the_sync_are_deleted(
        self, sandbox: SandboxProcess
    ) -> None:
        contacts = written(sandbox, 20)

        run = write_in_process(config_for(sandbox), [record_line(c) for c in contacts[:12]], mode="overwrite")

        assert run.returncode == 0, run.stderr
        assert_targets_hold(sandbox, contacts[:12])

    @pytest.mark.parametrize("sandbox_profile", ["strict"])
    def test_given_a_crm_that_answers_one_id_when_overwriting_then_the_sync_is_refused_before_any_write(
        self, sandbox: SandboxProcess, tmp_path: Path
    ) -> None:
        contacts = written(sandbox, 20)
        before = (sandbox.admin.dump("crm"), sandbox.admin.dump("client_contacts"))

        run = write(tmp_path, config_for(sandbox), [record_line(c) for c in contacts[:12]], mode="overwrite")

        assert run.returncode != 0
        [error] = [m["trace"]["error"] for m in run.messages if m["type"] == "TRACE"]
        assert error["failure_type"] == "config_error"
        assert "append_dedup" in error["message"]
        assert (sandbox.admin.dump("crm"), sandbox.admin.dump("client_contacts")) == before

    def test_given_an_empty_crm_when_a_first_sync_overwrites_then_it_writes_or_is_refused_by_what_it_can_list(
        self, sandbox: SandboxProcess, sandbox_profile: str, tmp_path: Path
    ) -> None:
        contacts = source_contacts(sandbox)[:10]
        before = sandbox.admin.dump("crm")

        run = write(tmp_path, config_for(sandbox), [record_line(c) for c in contacts], mode="overwrite")

        if sandbox_profile == "strict":
            assert run.returncode != 0
            assert sandbox.admin.dump("crm") == before
        else:
            assert run.returncode == 0, run.stderr
            assert held_crm(sandbox) == expected_crm(contacts)


class TestBadInput:
    def test_given_a_bad_line_before_a_state_then_the_sync_fails_naming_it_and_confirms_no_later_state(
        self, sandbox: SandboxProcess, tmp_path: Path
    ) -> None:
        contacts = source_contacts(sandbox)[:6]
        lines = [
            *(record_line(c) for c in contacts[:3]),
            state_line(1),
            "{not json",
            *(record_line(c) for c in contacts[3:]),
            state_line(2),
        ]

        run = write(tmp_path, config_for(sandbox), lines)

        assert run.returncode != 0
        assert [s["destinationStats"]["recordCount"] for s in run.states] == [3.0]
        traces = [m["trace"] for m in run.messages if m["type"] == "TRACE"]
        [error] = [trace["error"] for trace in traces if "error" in trace]
        assert error["failure_type"] == "system_error"
        assert "Input line 5 is not JSON" in error["message"]
        assert held_client_contacts(sandbox) == expected_client_contacts(contacts[:3])
