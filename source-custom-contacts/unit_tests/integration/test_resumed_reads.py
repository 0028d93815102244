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
from unit_tests.integration.helpers import NOW, read_stream, record_ids, source

_APIS = pytest.mark.parametrize(
    "api", [ConfigBuilder.custom, ConfigBuilder.company], ids=["custom-api", "company-api"]
)
_PAGES = 10  # 20 contacts in pages of 2


def _a_minute_a_page(time: FakeTime) -> dict[int, list[Move]]:
    def tick(_: ChangeOrderedContacts) -> None:
        time.sleep(61)

    return {answer: [tick] for answer in range(1, 100)}


def _last_state(output: EntrypointOutput) -> AirbyteStateMessage:
    return output.state_messages[-1].state


def _failed_read(
    api: Callable[[], ConfigBuilder], time: FakeTime, fake: ChangeOrderedContacts, mode: SyncMode
) -> EntrypointOutput:
    with serving(fake):
        return read_stream(api().build(), "contacts", mode, fake=time, expecting_failure=True)


@_APIS
@pytest.mark.parametrize("mode", [SyncMode.full_refresh])
def test_given_a_read_failed_part_way_when_read_from_its_last_state_then_every_live_contact_is_read(
    api: Callable[[], ConfigBuilder], mode: SyncMode
) -> None:
    time = FakeTime(NOW)
    fake = ChangeOrderedContacts(count=20, schedule=_a_minute_a_page(time), fail_from=8)
    first = _failed_read(api, time, fake, mode)
    answers_before = fake.list_answers
    fake.fail_from = None
    # Between the attempts: one contact read already is updated, one deleted, one created.
    for move in (update("2"), delete("4"), create()):
        move(fake)

    with serving(fake):
        second = read_stream(api().build(), "contacts", mode, [_last_state(first)], fake=time)

    assert fake.live - set(record_ids(first)) - set(record_ids(second)) == set()
    # Pages of 2: the last ids kept (5) and the 3 moves send the Custom API's read back 4 pages
    # from page 8; the Company Contacts API sees the deletion only in its count, and reads again
    # from page 1.
    assert fake.list_answers - answers_before <= (_PAGES if fake.delta_answers else 2 * _PAGES)
    final = second.state_messages[-1].state.stream.stream_state.__dict__
    if mode == SyncMode.full_refresh:
        assert final == {"__ab_full_refresh_sync_complete": True}
    else:
        assert "resume" not in final


@_APIS
def test_given_checkpoints_when_a_large_read_checkpoints_then_each_state_is_small_and_keeps_no_ids(
    api: Callable[[], ConfigBuilder],
) -> None:
    time = FakeTime(NOW)
    fake = ChangeOrderedContacts(count=20, schedule=_a_minute_a_page(time), fail_from=8)
    first = _failed_read(api, time, fake, SyncMode.full_refresh)

    states = [message.state.stream.stream_state.__dict__ for message in first.state_messages]
    assert len(states) >= 5
    assert all(len(str(state)) < 10_000 and "resume" in state for state in states)


def _read_into_overwrite(
    config: dict[str, Any], state: list[AirbyteStateMessage], time: FakeTime
) -> EntrypointOutput:
    catalog = CatalogBuilder().with_stream("contacts", SyncMode.full_refresh).build()
    catalog.streams[0].destination_sync_mode = DestinationSyncMode.overwrite
    with pytest.MonkeyPatch.context() as patch:
        library_sleeps_on(time, patch)
        return read(source(time), config, catalog, state, expected_outcome=ExpectedOutcome.EXPECT_SUCCESS)


@_APIS
def test_given_a_read_that_feeds_a_sweep_when_given_a_checkpoint_then_it_starts_over_from_page_1(
    api: Callable[[], ConfigBuilder],
) -> None:
    time = FakeTime(NOW)
    fake = ChangeOrderedContacts(count=20, schedule=_a_minute_a_page(time), fail_from=8)
    first = _failed_read(api, time, fake, SyncMode.full_refresh)
    fake.fail_from = None

    with serving(fake):
        second = _read_into_overwrite(api().build(), [_last_state(first)], time)

    assert set(record_ids(second)) == fake.live
