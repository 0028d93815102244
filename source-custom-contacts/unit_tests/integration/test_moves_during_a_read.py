"""No unchanged contact is missed when contacts move between the pages of a read.

Served by a fake whose lists are ordered by last change (see `unit_tests/fake_contacts.py`), with
updates, deletions and creations made exactly between two pages, and in the re-reads too.
"""

from __future__ import annotations

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.state_builder import StateBuilder

from unit_tests.fake_contacts import ChangeOrderedContacts, Move, create, delete, serving, update
from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.helpers import NOW, read_stream, record_ids

_SIX = [str(n) for n in range(1, 7)]  # three pages of two


def _single_moves() -> list[tuple[str, dict[int, list[Move]]]]:
    """Every kind of move, of every contact, before the second and before the third page."""
    cases = []
    for answer in (2, 3):
        for target in _SIX:
            for name, moves in (
                ("update", [update(target)]),
                ("delete", [delete(target)]),
                ("delete+create", [delete(target), create()]),
                ("update+create", [update(target), create()]),
            ):
                cases.append((f"{name}-{target}-before-answer-{answer}", {answer: moves}))
    return cases


_MIXED = [
    ("two-updates", {2: [update("1", "2")]}),
    ("two-deletes", {2: [delete("1", "2")]}),
    ("update-then-delete", {2: [update("1")], 3: [delete("3")]}),
    ("moves-in-the-re-read-too", {2: [update("2")], 4: [delete("1"), create()], 5: [update("4")]}),
    ("every-kind-between-every-page", {2: [update("2"), delete("1"), create()], 3: [update("3"), create(2)]}),
]
_CASES = _single_moves() + _MIXED


@pytest.mark.parametrize(("name", "schedule"), _CASES, ids=[name for name, _ in _CASES])
def test_given_moves_between_pages_when_custom_api_is_read_in_full_then_no_unchanged_contact_is_missed(
    name: str, schedule: dict[int, list[Move]]
) -> None:
    fake = ChangeOrderedContacts(count=6, schedule=schedule)

    with serving(fake):
        output = read_stream(ConfigBuilder.custom().build(), "contacts", SyncMode.full_refresh)

    assert fake.unchanged - set(record_ids(output)) == set()
    assert not output.is_in_logs("kept changing")


@pytest.mark.parametrize(("name", "schedule"), _CASES, ids=[name for name, _ in _CASES])
def test_given_moves_between_pages_when_company_api_is_read_in_full_then_no_unchanged_contact_is_missed(
    name: str, schedule: dict[int, list[Move]]
) -> None:
    fake = ChangeOrderedContacts(count=6, schedule=schedule)

    with serving(fake):
        output = read_stream(ConfigBuilder.company().build(), "contacts", SyncMode.full_refresh)

    assert fake.unchanged - set(record_ids(output)) == set()
    assert not output.is_in_logs("kept changing")


@pytest.mark.parametrize(("name", "schedule"), _CASES, ids=[name for name, _ in _CASES])
def test_given_moves_between_pages_of_a_delta_when_read_then_no_unchanged_change_is_missed(
    name: str, schedule: dict[int, list[Move]]
) -> None:
    # Every contact changed an hour ago: the delta since the state lists all six, by last change.
    fake = ChangeOrderedContacts(count=6, delta_schedule=schedule, seeded_at=NOW - 3600)
    state = StateBuilder().with_stream_state("contacts", {"timestamp": NOW - 7200}).build()

    with serving(fake):
        output = read_stream(ConfigBuilder.custom().build(), "contacts", SyncMode.incremental, state)

    assert fake.unchanged - set(record_ids(output)) == set()
    assert not output.is_in_logs("kept changing")
