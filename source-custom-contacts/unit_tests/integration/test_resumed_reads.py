"""A read that fails part-way goes on, in its next attempt, from the last STATE it emitted.

Served by the in-memory fake ordered by last change (`unit_tests/fake_contacts.py`). Every list
answer moves the source's clock a minute on, so the read checkpoints at the end of every page;
an outage from a chosen answer on stops it, and contacts are changed between the attempts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from airbyte_cdk.models import AirbyteStateMessage, DestinationSyncMode, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.models.outcome import ExpectedOutcome

from contacts_sandbox.fakes import FakeTime, library_sleeps_on
from unit_tests.fake_contacts import ChangeOrderedContacts, Move, create, delete, serving, update
from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.helpers import NOW, record_ids, source

_APIS = pytest.mark.parametrize(
    "api", [ConfigBuilder.custom, ConfigBuilder.company], ids=["custom-api", "company-api"]
)
_MODES = pytest.mark.parametrize("mode", [SyncMode.full_refresh, SyncMode.incremental])
_PAGES = 10  # 20 contacts in pages of 2
_FAILS_AT = 8  # the 8th list answer, and every one after, is a 500
Api = Callable[[], ConfigBuilder]


def _a_minute_a_page(time: FakeTime) -> dict[int, list[Move]]:
    def tick(fake: ChangeOrderedContacts) -> None:
        time.sleep(61)
        fake.now += 61  # the server's clock too: its Date headers, and when its contacts change

    return {answer: [tick] for answer in range(1, 100)}


def _read(
    api: Api,
    mode: SyncMode,
    time: FakeTime,
    fake: ChangeOrderedContacts,
    state: list[AirbyteStateMessage] | None = None,
    into: DestinationSyncMode = DestinationSyncMode.append_dedup,
    generation: tuple[int, int, int] | None = None,
) -> EntrypointOutput:
    """One attempt into a destination in mode `into`, with (generation, minimum, sync id) if given."""
    catalog = CatalogBuilder().with_stream("contacts", mode).build()
    stream = catalog.streams[0]
    stream.destination_sync_mode = into
    if generation is not None:
        stream.generation_id, stream.minimum_generation_id, stream.sync_id = generation
    outcome = ExpectedOutcome.EXPECT_EXCEPTION if fake.fail_from else ExpectedOutcome.EXPECT_SUCCESS
    with serving(fake), pytest.MonkeyPatch.context() as patch:
        library_sleeps_on(time, patch)
        return read(source(time), api().build(), catalog, state, expected_outcome=outcome)


def _failed_first_attempt(
    api: Api, mode: SyncMode
) -> tuple[FakeTime, ChangeOrderedContacts, EntrypointOutput]:
    time = FakeTime(NOW)
    fake = ChangeOrderedContacts(count=20, schedule=_a_minute_a_page(time), fail_from=_FAILS_AT)
    first = _read(api, mode, time, fake)
    fake.fail_from = None
    return time, fake, first


def _last_state(output: EntrypointOutput) -> list[AirbyteStateMessage]:
    return [output.state_messages[-1].state]


def _resumed(
    api: Api, mode: SyncMode, *moves: Move
) -> tuple[ChangeOrderedContacts, EntrypointOutput, EntrypointOutput, int]:
    """A first attempt that fails part way, `moves` on the API, then an attempt from the first's
    last state: the API, both attempts' outputs, and how many list answers the second took."""
    time, fake, first = _failed_first_attempt(api, mode)
    answers_before = fake.list_answers
    for move in moves:
        move(fake)
    second = _read(api, mode, time, fake, _last_state(first))
    return fake, first, second, fake.list_answers - answers_before


def _final(output: EntrypointOutput) -> dict[str, Any]:
    return dict(output.state_messages[-1].state.stream.stream_state.__dict__)


@_APIS
@_MODES
def test_given_a_failed_read_and_moves_since_when_read_from_its_state_then_every_live_contact_is_read(
    api: Api, mode: SyncMode
) -> None:
    # Between the attempts: one contact read already is updated, one deleted, one created.
    fake, first, second, answers = _resumed(api, mode, update("2"), delete("4"), create())

    assert fake.live - set(record_ids(first)) - set(record_ids(second)) == set()
    # Pages of 2: the last ids kept (5) and the 3 moves send the Custom API's read back 4 pages
    # from page 8; the Company Contacts API's goes back a page, which the one deletion fits in.
    assert answers <= _PAGES - 3
    if mode == SyncMode.full_refresh:
        assert _final(second) == {"__ab_full_refresh_sync_complete": True}
    else:
        assert "resume" not in _final(second)


@_APIS
@_MODES
def test_given_a_read_failed_part_way_when_read_from_its_last_state_then_it_reads_only_the_pages_left_and_one(
    api: Api, mode: SyncMode
) -> None:
    fake, first, second, answers = _resumed(api, mode)

    assert set(record_ids(first)) | set(record_ids(second)) == fake.live
    # The last checkpoint kept page 8 (after 7 good answers): pages 8 to 10, one page before for
    # the Company Contacts API.
    assert answers == (3 if api == ConfigBuilder.custom else 4)


@_APIS
def test_given_a_first_incremental_read_resumed_when_it_ends_then_its_cursor_is_the_start_of_the_whole_read(
    api: Api,
) -> None:
    _, _, second, _ = _resumed(api, SyncMode.incremental)

    final = _final(second)
    # The first attempt began at NOW, the second 9 minutes later; the lookback is a minute.
    if api == ConfigBuilder.custom:
        assert final["timestamp"] == NOW - 60
    else:
        assert final["updated_at"] == "2027-01-15T07:59:00Z"


@_APIS
def test_given_checkpoints_when_a_read_checkpoints_then_each_state_is_small_and_keeps_no_ids(
    api: Api,
) -> None:
    _, _, first = _failed_first_attempt(api, SyncMode.full_refresh)

    states = [dict(message.state.stream.stream_state.__dict__) for message in first.state_messages]
    assert len(states) == _FAILS_AT - 2  # one at the end of each page but the last read
    assert all(len(str(state)) < 10_000 and set(state) == {"resume"} for state in states)


@_APIS
@pytest.mark.parametrize(
    ("into", "generation"),
    [
        (DestinationSyncMode.overwrite, None),
        (DestinationSyncMode.append_dedup, (2, 2, 7)),
        (DestinationSyncMode.overwrite, (1, 1, 1)),
    ],
    ids=["overwrite", "truncate-refresh", "overwrite-from-pyairbyte"],
)
def test_given_a_read_that_feeds_a_sweep_when_given_a_checkpoint_then_it_starts_over_from_page_1(
    api: Api, into: DestinationSyncMode, generation: tuple[int, int, int] | None
) -> None:
    time, fake, first = _failed_first_attempt(api, SyncMode.full_refresh)

    second = _read(api, SyncMode.full_refresh, time, fake, _last_state(first), into, generation)

    assert set(record_ids(second)) == fake.live


@pytest.mark.parametrize("generation", [(1, 1, 1), (2, 0, 7)], ids=["pyairbyte-ones", "merge-refresh"])
def test_given_generation_ids_that_sweep_nothing_when_given_a_checkpoint_then_it_resumes(
    generation: tuple[int, int, int],
) -> None:
    time, fake, first = _failed_first_attempt(ConfigBuilder.custom, SyncMode.full_refresh)

    second = _read(
        ConfigBuilder.custom, SyncMode.full_refresh, time, fake, _last_state(first), generation=generation
    )

    assert "1" not in record_ids(second)


@_APIS
def test_given_a_completed_full_refresh_state_when_read_again_then_nothing_is_read(api: Api) -> None:
    time = FakeTime(NOW)
    fake = ChangeOrderedContacts(count=4)
    whole = _read(api, SyncMode.full_refresh, time, fake)

    again = _read(api, SyncMode.full_refresh, time, fake, _last_state(whole))

    assert _final(whole) == {"__ab_full_refresh_sync_complete": True}
    assert record_ids(again) == []


@_APIS
@pytest.mark.parametrize(
    "moves",
    [[update("1")], [delete("1")], [update("1"), delete("3"), create()]],
    ids=["update", "delete", "update-delete-create"],
)
# Before the 4th answer, read by the first attempt; before the 11th, the second of the resumed
# attempt (the first failed at its 8th answer and once more on retry).
@pytest.mark.parametrize("answer", [4, 11], ids=["before-the-checkpoint", "during-the-resumed-attempt"])
def test_given_moves_during_the_attempts_when_the_read_resumes_then_no_unchanged_contact_is_missed(
    api: Api, moves: list[Move], answer: int
) -> None:
    time = FakeTime(NOW)
    schedule = _a_minute_a_page(time)
    schedule[answer] = [*schedule[answer], *moves]
    fake = ChangeOrderedContacts(count=20, schedule=schedule, fail_from=_FAILS_AT)
    first = _read(api, SyncMode.full_refresh, time, fake)
    fake.fail_from = None

    second = _read(api, SyncMode.full_refresh, time, fake, _last_state(first))

    assert fake.unchanged - set(record_ids(first)) - set(record_ids(second)) == set()
    assert fake.live - set(record_ids(first)) - set(record_ids(second)) == set()
