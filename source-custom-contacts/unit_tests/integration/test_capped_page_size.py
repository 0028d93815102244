"""A server that caps `limit` without a word (asked 4, it serves 2 a page), whether it finds a page's
offset from the size it serves or from the size asked: no contact is missed, moves included."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.state_builder import StateBuilder

from unit_tests.fake_contacts import ChangeOrderedContacts, Move, create, delete, serving, update
from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.helpers import NOW, read_stream, record_ids

_ASKED, _CAP = 4, 2
_APIS = pytest.mark.parametrize(
    "api", [ConfigBuilder.custom, ConfigBuilder.company], ids=["custom-api", "company-api"]
)
_OFFSETS = pytest.mark.parametrize(
    "offset_by_asked", [False, True], ids=["offset-by-served", "offset-by-asked"]
)
_MOVES: list[tuple[str, dict[int, list[Move]]]] = [
    ("nothing-moves", {}),
    ("update-on-page-1-before-page-3", {3: [update("1")]}),
    ("two-deletes-before-page-4", {4: [delete("2", "5")]}),
    ("update-delete-create-between-pages", {2: [update("3")], 4: [delete("6"), create()], 5: [update("8")]}),
]


@_APIS
@_OFFSETS
@pytest.mark.parametrize(("name", "schedule"), _MOVES, ids=[name for name, _ in _MOVES])
def test_given_a_capped_page_size_when_read_in_full_then_no_unchanged_contact_is_missed(
    api: Callable[[], ConfigBuilder], offset_by_asked: bool, name: str, schedule: dict[int, list[Move]]
) -> None:
    fake = ChangeOrderedContacts(count=10, schedule=schedule, limit_cap=_CAP, offset_by_asked=offset_by_asked)

    with serving(fake):
        output = read_stream(
            api().with_api_field("page_size", _ASKED).build(), "contacts", SyncMode.full_refresh
        )

    assert fake.unchanged - set(record_ids(output)) == set()
    assert output.is_in_logs(f"pages are asked at {_CAP} from now on")


@_OFFSETS
@pytest.mark.parametrize(("name", "schedule"), _MOVES, ids=[name for name, _ in _MOVES])
def test_given_a_capped_page_size_when_a_delta_is_read_then_no_unchanged_change_is_missed(
    offset_by_asked: bool, name: str, schedule: dict[int, list[Move]]
) -> None:
    fake = ChangeOrderedContacts(
        count=10,
        delta_schedule=schedule,
        seeded_at=NOW - 3600,
        limit_cap=_CAP,
        offset_by_asked=offset_by_asked,
    )
    state = StateBuilder().with_stream_state("contacts", {"timestamp": NOW - 7200}).build()
    config = ConfigBuilder.custom().with_api_field("page_size", _ASKED).build()

    with serving(fake):
        output = read_stream(config, "contacts", SyncMode.incremental, state)

    assert fake.unchanged - set(record_ids(output)) == set()


@_APIS
def test_given_a_capped_page_size_when_read_then_each_page_is_asked_once(
    api: Callable[[], ConfigBuilder],
) -> None:
    fake = ChangeOrderedContacts(count=10, limit_cap=_CAP, offset_by_asked=True)

    with serving(fake):
        output = read_stream(
            api().with_api_field("page_size", _ASKED).build(), "contacts", SyncMode.full_refresh
        )

    assert sorted(record_ids(output), key=int) == [str(n) for n in range(1, 11)]
    assert fake.list_answers == 10 // _CAP
