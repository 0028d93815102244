"""No unchanged contact is missed when contacts move between the pages of a read.

Served by a fake whose lists are ordered by last change (see `unit_tests/fake_contacts.py`), with
updates, deletions and creations made exactly between two pages, and in the re-reads too.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.state_builder import StateBuilder

from unit_tests.fake_contacts import ChangeOrderedContacts, Move, create, delete, serving, touch, update
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
    ("an-update-that-changes-no-field", {2: [touch("1")]}),
]
_CASES = _single_moves() + _MIXED


@pytest.mark.parametrize(
    "api", [ConfigBuilder.custom, ConfigBuilder.company], ids=["custom-api", "company-api"]
)
@pytest.mark.parametrize(("name", "schedule"), _CASES, ids=[name for name, _ in _CASES])
def test_given_moves_between_pages_when_read_in_full_then_no_unchanged_contact_is_missed(
    api: Callable[[], ConfigBuilder], name: str, schedule: dict[int, list[Move]]
) -> None:
    fake = ChangeOrderedContacts(count=6, schedule=schedule)

    with serving(fake):
        output = read_stream(api().build(), "contacts", SyncMode.full_refresh)

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


class TestWhatTheRepairCosts:
    def test_given_the_whole_list_in_one_answer_when_read_then_the_delta_is_not_asked(self) -> None:
        fake = ChangeOrderedContacts(count=2)

        with serving(fake):
            read_stream(ConfigBuilder.custom().build(), "contacts", SyncMode.full_refresh)

        assert (fake.list_answers, fake.delta_answers) == (1, 0)

    def test_given_nothing_moved_when_read_then_one_delta_answer_follows_the_pages(self) -> None:
        fake = ChangeOrderedContacts(count=6)

        with serving(fake):
            read_stream(ConfigBuilder.custom().build(), "contacts", SyncMode.full_refresh)

        assert (fake.list_answers, fake.delta_answers) == (3, 1)

    @pytest.mark.parametrize("api", ["custom", "company"])
    def test_given_an_update_near_the_end_when_read_then_only_the_pages_from_before_it_are_read_again(
        self, api: str
    ) -> None:
        # Contact 7 is read on page 4 of 5, then updated: 9 slips back onto page 4, already read.
        fake = ChangeOrderedContacts(count=10, schedule={5: [update("7")]})
        config = ConfigBuilder.custom() if api == "custom" else ConfigBuilder.company()

        with serving(fake):
            output = read_stream(config.build(), "contacts", SyncMode.full_refresh)

        assert fake.unchanged - set(record_ids(output)) == set()
        # Again from page 3, a page before the one 7 was read on; the Custom Contact Source API's
        # list, not by id, has its page 1 asked once more to see that it was not reshuffled.
        assert fake.list_answers == 5 + 3 + (1 if api == "custom" else 0)

    def test_given_nothing_moved_when_company_api_is_read_then_each_page_is_read_once(self) -> None:
        fake = ChangeOrderedContacts(count=6)

        with serving(fake):
            read_stream(ConfigBuilder.company().build(), "contacts", SyncMode.full_refresh)

        assert fake.list_answers == 3

    def test_given_changes_made_just_before_a_delta_read_when_read_then_no_page_is_read_again(self) -> None:
        # Made in the second the read begins, so the check after the pass lists them too; the
        # pass read them as they are, so none of them moved after its page was read.
        fake = ChangeOrderedContacts(
            count=6, delta_schedule={1: [update("2"), delete("5"), create()]}, seeded_at=NOW - 3600
        )
        state = StateBuilder().with_stream_state("contacts", {"timestamp": NOW - 7200}).build()

        with serving(fake):
            output = read_stream(ConfigBuilder.custom().build(), "contacts", SyncMode.incremental, state)

        assert sorted(record_ids(output), key=int) == sorted(fake.seeded | fake.changed, key=int)
        assert not output.is_in_logs("reading again")


class TestServerClock:
    @pytest.mark.parametrize("api", ["custom", "company"])
    def test_given_a_server_clock_ten_minutes_behind_when_contacts_move_then_none_is_missed(
        self, api: str
    ) -> None:
        # Moves are stamped by the server's clock; this machine's is ten minutes ahead of it.
        fake = ChangeOrderedContacts(count=6, now=NOW - 600, schedule={2: [update("1")], 3: [update("3")]})
        config = ConfigBuilder.custom() if api == "custom" else ConfigBuilder.company()

        with serving(fake):
            output = read_stream(config.build(), "contacts", SyncMode.full_refresh)

        assert fake.unchanged - set(record_ids(output)) == set()


class TestCompanyCountMissing:
    def test_given_pages_without_total_records_when_read_then_a_warning_says_deletions_go_unseen(
        self,
    ) -> None:
        fake = ChangeOrderedContacts(count=6, counts=False)

        with serving(fake):
            output = read_stream(ConfigBuilder.company().build(), "contacts", SyncMode.full_refresh)

        assert sorted(record_ids(output), key=int) == _SIX
        assert output.is_in_logs("carry no totalRecords")
