"""With its default settings, the destination against the sandbox serving one reading of an open
point at a time: each sync of new, changed and deleted contacts ends with the targets holding
exactly what they can of the source, each contact once; where a reading cannot be learnt, the sync
fails before any STATE."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contacts_sandbox.testing import EVERY_READING, SandboxProcess
from integration_tests.connector import (
    assert_targets_hold,
    check,
    config_for,
    sync_lines,
    tombstone,
    write,
    write_in_process,
)

# Every reading of a destination API's open points, each on its own over the lenient preset.
EVERY_DESTINATION_READING = [
    pytest.param(key, value, id=f"{key}={value}")
    for key, value in EVERY_READING
    if key.startswith(("crm.", "client_contacts."))
]
# Readings that meet in the failures they caused together.
COMBINATIONS = [
    pytest.param({"crm.search_in": "body", "crm.absent_filter": "refused"}, id="crm-search-in-body-refusing"),
    pytest.param(
        {"crm.search_in": "body", "crm.absent_filter": "match_all"}, id="crm-search-in-body-matching-all"
    ),
    pytest.param(
        {"crm.edit_spelling": "example", "crm.other_spelling": "ignored"}, id="crm-edit-example-ignoring"
    ),
    pytest.param(
        {"crm.edit_spelling": "table", "crm.other_spelling": "ignored"}, id="crm-edit-table-ignoring"
    ),
    pytest.param(
        {
            "client_contacts.empty_strings": "refused",
            "client_contacts.nulls": "refused",
            "client_contacts.put": "replaces",
        },
        id="cc-no-empty-string-no-null-replacing-put",
    ),
    pytest.param(
        {"client_contacts.empty_strings": "refused", "client_contacts.errors": "success_false"},
        id="cc-no-empty-string-errors-as-200",
    ),
]


def changed(contact: dict[str, Any]) -> dict[str, Any]:
    """The contact with a new last name and one phone fewer: an edit of the name and the phone,
    and a field to clear in Client Contacts."""
    return {**contact, "last_name": "Changed", "phones": (contact.get("phones") or [])[1:]}


def renamed(contact: dict[str, Any]) -> dict[str, Any]:
    """The contact with a new first name: all an edit can change on a CRM that sets the first name
    to an edited name."""
    return {**contact, "first_name": "Changed"}


def round_trip(
    sandbox: SandboxProcess,
    profile: str,
    readings: dict[str, str],
    change: Callable[[dict[str, Any]], dict[str, Any]] = changed,
) -> None:
    """A first sync of 60 contacts, then one that changes 30 and deletes 10: the targets then hold
    exactly the 50 left, as they are, each once."""
    sandbox.admin.reset(profile=profile, readings=readings)
    contacts = sandbox.admin.dump("custom")["contacts"][:60]
    config = config_for(sandbox)

    first = write_in_process(config, sync_lines(contacts))
    now = [change(contact) for contact in contacts[:30]]
    gone = contacts[30:40]
    second = write_in_process(config, sync_lines([*now, *(tombstone(c["id"]) for c in gone)], cursor=2))

    assert (len(first.states), len(second.states)) == (1, 1)
    assert_targets_hold(sandbox, [*now, *contacts[40:]])


class TestOneReadingAtATime:
    @pytest.mark.parametrize(("key", "value"), EVERY_DESTINATION_READING)
    def test_given_one_reading_when_contacts_are_created_changed_and_deleted_then_targets_hold_exactly_them(
        self, sandbox_process: SandboxProcess, key: str, value: str
    ) -> None:
        # A CRM that sets the first name to an edited name cannot change a last name.
        change = renamed if (key, value) == ("crm.edit_name", "first_name") else changed
        round_trip(sandbox_process, "lenient", {key: value}, change)

    @pytest.mark.parametrize("readings", COMBINATIONS)
    def test_given_readings_together_when_contacts_are_created_changed_and_deleted_then_targets_hold_them(
        self, sandbox_process: SandboxProcess, readings: dict[str, str]
    ) -> None:
        round_trip(sandbox_process, "lenient", readings)

    # The examples preset sends the phone as text, as the create's example does; the field table's
    # Integer phone over every other example is the server the examples and the table make together.
    @pytest.mark.parametrize("phone", ["text", "integer"])
    def test_given_every_example_at_once_when_contacts_are_created_changed_and_deleted_then_targets_hold_them(
        self, sandbox_process: SandboxProcess, phone: str
    ) -> None:
        round_trip(sandbox_process, "examples", {"crm.phone": phone})


class TestCheck:
    def test_given_every_example_at_once_when_checked_then_it_succeeds_naming_the_readings_it_found(
        self, sandbox_process: SandboxProcess, tmp_path: Path
    ) -> None:
        sandbox_process.admin.reset(profile="examples", readings={"crm.phone": "integer"})

        run = check(tmp_path, config_for(sandbox_process))

        assert run.status["status"] == "SUCCEEDED", run.status
        message = run.status["message"]
        assert "edit spelled contactID/updateFields (example)" in message
        assert "phone as integer" in message
        assert sandbox_process.admin.dump("crm") == []


class TestWhatIsProven:
    def test_given_a_crm_answering_ids_only_when_new_contacts_are_written_then_each_costs_two_requests(
        self, sandbox_process: SandboxProcess
    ) -> None:
        sandbox_process.admin.reset(profile="strict")
        contacts = [c for c in sandbox_process.admin.dump("custom")["contacts"] if c.get("emails")]
        config = {**config_for(sandbox_process), "client_contacts": {"enabled": False}}
        sandbox_process.admin.reset_stats()

        write_in_process(config, sync_lines(contacts))

        crm = sandbox_process.admin.stats()["crm"]
        requests = sum(count for count in crm.values() if isinstance(count, int))
        # A marker search and a create per contact (the first marker search also learns where the
        # filters go); once per sync, the first new contact's search by email, made while nothing
        # shows whether the answers carry fields, and the search after its create that shows they do not.
        assert requests == 2 * len(contacts) + 2, crm

    def test_given_a_crm_base_url_at_the_wrong_level_when_tombstones_alone_are_written_then_no_state_goes_out(
        self, sandbox_process: SandboxProcess, tmp_path: Path
    ) -> None:
        sandbox_process.admin.reset(profile="strict")
        config = config_for(sandbox_process)
        config["crm"]["base_url"] = sandbox_process.url  # the sandbox's root, not its CRM
        config["client_contacts"] = {"enabled": False}

        run = write(tmp_path, config, sync_lines([tombstone("1"), tombstone("2")]))

        assert (run.returncode, run.states) == (1, [])
        [trace] = [m["trace"]["error"]["message"] for m in run.messages if m["type"] == "TRACE"]
        assert "crm.base_url and crm.contacts_path" in trace


class TestWhatCannotBeLearnt:
    """A CRM typing the phone Integer that answers a text phone with a bare 500: the answer names no
    type and is what a failing server answers too, so the destination does not guess."""

    @pytest.fixture
    def contacts(self, sandbox_process: SandboxProcess) -> list[dict[str, Any]]:
        """Such a CRM, and 30 source contacts it could take but for their phone."""
        sandbox_process.admin.reset(
            profile="lenient", readings={"crm.phone": "integer", "crm.refusal": "500"}
        )
        return [
            c
            for c in sandbox_process.admin.dump("custom")["contacts"][:30]
            if c["emails"] and c["first_name"]
        ]

    @staticmethod
    def crm_only(sandbox_process: SandboxProcess, **crm: str) -> dict[str, Any]:
        config = config_for(sandbox_process, max_retries=1)
        return {**config, "crm": {**config["crm"], **crm}, "client_contacts": {"enabled": False}}

    def test_given_an_integer_phone_refused_with_a_bare_500_when_checked_then_it_fails_naming_the_setting(
        self, sandbox_process: SandboxProcess, contacts: list[dict[str, Any]], tmp_path: Path
    ) -> None:
        run = check(tmp_path, config_for(sandbox_process))

        assert run.status["status"] == "FAILED", run.status
        assert "set crm.phone_as to integer" in run.status["message"]
        assert sandbox_process.admin.dump("crm") == []

    def test_given_an_integer_phone_refused_with_a_bare_500_when_synced_then_it_fails_before_any_state(
        self, sandbox_process: SandboxProcess, contacts: list[dict[str, Any]], tmp_path: Path
    ) -> None:
        # Every text phone answered with a bare 500 while contacts without a phone are taken: the
        # records are not each refused for themselves, the CRM's reading of the phone is unknown.
        run = write(tmp_path, self.crm_only(sandbox_process), sync_lines(contacts))

        assert (run.returncode, run.states) == (1, [])
        [trace] = [m["trace"]["error"] for m in run.messages if m["type"] == "TRACE"]
        assert trace["failure_type"] == "config_error"
        assert "Set crm.phone_as to integer" in trace["message"]

    def test_given_the_phone_pinned_as_integer_on_that_crm_when_synced_then_every_contact_is_written(
        self, sandbox_process: SandboxProcess, contacts: list[dict[str, Any]], tmp_path: Path
    ) -> None:
        run = write(tmp_path, self.crm_only(sandbox_process, phone_as="integer"), sync_lines(contacts))

        assert len(run.states) == 1
        held = {contact["email"] for contact in sandbox_process.admin.dump("crm")}
        assert held == {c["emails"][0]["email"] for c in contacts}
