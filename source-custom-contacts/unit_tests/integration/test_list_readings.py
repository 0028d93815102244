"""The Custom Contact Source API's lists on each reading of what its document leaves open: ordered
by id, by last change or unstably; with empty pages that say more follow; with a delta whose
`updated` carries new contacts or not. Served by the fake of `unit_tests/fake_contacts.py`."""

from __future__ import annotations

from typing import Any

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.state_builder import StateBuilder

from unit_tests.fake_contacts import ChangeOrderedContacts, Move, create, delete, serving, update
from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.helpers import read_stream, record_ids

_ORDERS = pytest.mark.parametrize("order", ["id", "last_change", "unstable"])
_NAIVE_TIMES = pytest.mark.parametrize("naive_times", [False, True], ids=["zoned-times", "naive-times"])
_EMPTY = pytest.mark.parametrize("empty_every", [None, 3], ids=["no-empty-pages", "every-third-page-empty"])
_MOVES: list[tuple[str, dict[int, list[Move]]]] = [
    ("nothing", {}),
    ("update-of-a-read-contact", {3: [update("2")]}),
    ("update-of-an-unread-contact", {2: [update("9")]}),
    ("delete-of-a-read-contact", {3: [delete("1")]}),
    ("create", {3: [create()]}),
    ("update-near-the-end", {5: [update("7")]}),
    ("every-kind", {2: [update("3"), delete("1"), create()], 4: [update("5"), create(2)]}),
]


def _incremental(config: dict[str, Any], state: dict[str, Any] | None) -> Any:
    messages = None if state is None else StateBuilder().with_stream_state("contacts", state).build()
    return read_stream(config, "contacts", SyncMode.incremental, messages)


def _read_in_full_missing_none_unchanged(fake: ChangeOrderedContacts, config: dict[str, Any]) -> Any:
    """A full read served by `fake`, checked to end without an error and to emit every contact its
    moves left unchanged."""
    with serving(fake):
        output = read_stream(config, "contacts", SyncMode.full_refresh)
    assert output.errors == []
    assert fake.unchanged - set(record_ids(output)) == set()
    return output


def _second_sync(
    fake: ChangeOrderedContacts, config: dict[str, Any], *moves: Move, same_second: bool = False
) -> Any:
    """The second of two incremental syncs of `fake`, from the state the first ended with, after
    `moves` made a second later, or in the very second that state's next delta starts from."""
    with serving(fake):
        first = _incremental(config, None)
        state = first.most_recent_state.stream_state.__dict__
        fake.now = state["timestamp"] if same_second else fake.now + 1
        for move in moves:
            move(fake)
        return _incremental(config, state)


@_ORDERS
@_EMPTY
@pytest.mark.parametrize(("name", "schedule"), _MOVES, ids=[name for name, _ in _MOVES])
def test_given_a_list_reading_and_moves_between_pages_when_read_in_full_then_no_unchanged_contact_is_missed(
    order: str, empty_every: int | None, name: str, schedule: dict[int, list[Move]]
) -> None:
    fake = ChangeOrderedContacts(count=10, schedule=schedule, order=order, empty_every=empty_every)

    output = _read_in_full_missing_none_unchanged(fake, ConfigBuilder.custom().build())

    assert not output.is_in_logs("kept changing")


@pytest.mark.parametrize(
    ("order", "new_in_delta"),
    [
        ("id", True),
        ("last_change", True),
        ("unstable", True),
        ("id", False),
        ("last_change", False),
        ("unstable", False),
    ],
)
def test_given_a_delta_reading_when_synced_twice_then_the_destination_holds_every_live_contact(
    order: str, new_in_delta: bool
) -> None:
    fake = ChangeOrderedContacts(count=10, order=order, new_in_delta=new_in_delta)
    config = ConfigBuilder.custom().build()

    with serving(fake):
        first = _incremental(config, None)
        delete("4", "8")(fake)
        update("2", "9")(fake)
        created = [fake.create(), fake.create(), fake.create()]
        fake.now += 1
        second = _incremental(config, first.most_recent_state.stream_state.__dict__)

    mirror: set[str] = set()
    for message in first.records + second.records:
        data = message.record.data
        (mirror.discard if data.get("_ab_cdc_deleted_at") else mirror.add)(data["id"])
    assert second.errors == []
    assert mirror == fake.live
    assert set(created) <= set(record_ids(second))


@pytest.mark.parametrize("at_or_after", [False, True], ids=["after-the-second", "at-or-after-the-second"])
def test_given_changes_in_the_second_of_the_state_when_read_then_each_reading_of_the_timestamp_brings_them(
    at_or_after: bool,
) -> None:
    fake = ChangeOrderedContacts(count=6, at_or_after=at_or_after)

    second = _second_sync(fake, ConfigBuilder.custom().build(), update("2"), delete("5"), same_second=True)

    assert second.errors == []
    assert sorted(record_ids(second)) == ["2", "5"]


@pytest.mark.parametrize("order", ["id", "last_change"], ids=["stable-pages", "pages-by-last-change"])
@_NAIVE_TIMES
@pytest.mark.parametrize(("name", "schedule"), _MOVES, ids=[name for name, _ in _MOVES])
def test_given_a_company_reading_and_moves_between_pages_when_read_in_full_then_none_unchanged_is_missed(
    order: str, naive_times: bool, name: str, schedule: dict[int, list[Move]]
) -> None:
    fake = ChangeOrderedContacts(count=10, schedule=schedule, order=order, naive_times=naive_times)

    _read_in_full_missing_none_unchanged(fake, ConfigBuilder.company().build())


@_NAIVE_TIMES
def test_given_company_times_with_or_without_zone_when_synced_twice_then_the_changes_come_in_the_second(
    naive_times: bool,
) -> None:
    fake = ChangeOrderedContacts(count=6, naive_times=naive_times)

    second = _second_sync(fake, ConfigBuilder.company().build(), update("2", "4"), create())

    [created] = fake.live - fake.seeded
    assert second.errors == []
    assert sorted(record_ids(second), key=int) == ["2", "4", created]
