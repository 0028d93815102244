"""A sustained rate limit slows the write down; it does not fail it."""

from __future__ import annotations

from pathlib import Path

from contacts_sandbox.testing import SandboxProcess
from integration_tests.connector import assert_targets_hold, config_for, expected_crm, sync_lines, write

# Into a CRM that holds no managed contact yet, a new contact costs three calls (a search by its
# marker, one by email, then the create): at four calls a second, about half a minute.
CONTACTS = 40


def test_given_a_limit_of_4_per_second_and_32_workers_then_every_contact_is_written_once(
    sandbox: SandboxProcess, tmp_path: Path
) -> None:
    contacts = sandbox.admin.dump("custom")["contacts"][:CONTACTS]
    sandbox.admin.set_faults("crm", rate_limit_per_second=4, retry_after_seconds=1)
    # No requests_per_second: the pace is learnt from the 429s. Few retries: a write that met
    # the limit a few times in a row would have failed the sync.
    config = config_for(sandbox, max_retries=3)

    run = write(tmp_path, config, sync_lines(contacts))

    assert run.returncode == 0, run.stderr
    assert_targets_hold(sandbox, contacts)
    assert run.totals["targets"]["crm"]["created"] == len(expected_crm(contacts))
    assert sandbox.admin.stats()["status"]["crm"].get("429", 0) > 0, "no 429 met: the test proves nothing"
    assert any(message.startswith("crm: the API answered 429") for message in run.logs("INFO"))


def test_given_sporadic_429s_and_lost_create_answers_then_every_contact_is_written_once(
    sandbox: SandboxProcess, tmp_path: Path
) -> None:
    contacts = sandbox.admin.dump("custom")["contacts"][:CONTACTS]
    for api in ("crm", "client_contacts"):
        sandbox.admin.set_faults(
            api, rate_limited_share=0.15, retry_after_seconds=1, late_create_rate=0.2, late_create_delay_s=2
        )
    config = config_for(sandbox, request_timeout_seconds=1)

    run = write(tmp_path, config, sync_lines(contacts))

    assert run.returncode == 0, run.stderr
    assert_targets_hold(sandbox, contacts)
    assert len(sandbox.admin.dump("client_contacts")) == len(contacts)
    assert sandbox.admin.stats()["status"]["crm"].get("429", 0) > 0, "no 429 met: the test proves nothing"
