from __future__ import annotations

import pytest
from airbyte_cdk.models import DestinationSyncMode, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder

from source_custom_contacts.reading.checkpoint import Cadence, Position, feeds_sweep


class _Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_given_pages_of_records_when_10_000_have_passed_then_a_checkpoint_is_due_and_counting_restarts() -> (
    None
):
    cadence = Cadence(_Clock())

    due = [cadence.due(1_000) for _ in range(25)]

    assert [n + 1 for n, is_due in enumerate(due) if is_due] == [10, 20]


def test_given_few_records_when_a_minute_has_passed_then_a_checkpoint_is_due() -> None:
    clock = _Clock()
    cadence = Cadence(clock)
    cadence.due(1)
    clock.now += 59
    before = cadence.due(1)
    clock.now += 1

    assert (before, cadence.due(1)) == (False, True)


def test_given_a_position_when_kept_and_read_back_then_it_is_the_same_and_holds_no_id_set() -> None:
    position = Position(
        started=1.0, window=2.0, page=30, page_size=100, repair_from=4, contacts=2_900, last_ids=("1", "2")
    )

    state = position.as_state(updated_at="2026-12-07T00:00:00Z")

    assert Position.of(state) == position
    assert state["updated_at"] == "2026-12-07T00:00:00Z"
    assert len(str(state)) < 300


@pytest.mark.parametrize("state", [{}, {"resume": "page 3"}, {"resume": {"page": 3}}, {"timestamp": 5}])
def test_given_a_state_without_a_readable_position_when_read_then_there_is_none(state: dict) -> None:
    assert Position.of(state) is None


@pytest.mark.parametrize(
    ("mode", "ids", "sweeps"),
    [
        (DestinationSyncMode.overwrite, None, True),
        (DestinationSyncMode.append_dedup, None, False),
        (DestinationSyncMode.append_dedup, (3, 3, 9), True),
        (DestinationSyncMode.overwrite, (3, 0, 9), False),
        (DestinationSyncMode.append_dedup, (1, 1, 1), False),
        (DestinationSyncMode.overwrite, (1, 1, 1), True),
        (DestinationSyncMode.append_dedup, (0, 0, 9), False),
    ],
    ids=[
        "overwrite",
        "append-dedup",
        "truncate-refresh",
        "merge-refresh-into-overwrite",
        "pyairbyte-ones",
        "pyairbyte-ones-into-overwrite",
        "generation-0",
    ],
)
def test_given_a_configured_stream_when_asked_whether_it_feeds_a_sweep_then_as_the_destination_decides(
    mode: DestinationSyncMode, ids: tuple[int, int, int] | None, sweeps: bool
) -> None:
    configured = CatalogBuilder().with_stream("contacts", SyncMode.full_refresh).build().streams[0]
    configured.destination_sync_mode = mode
    if ids is not None:
        configured.generation_id, configured.minimum_generation_id, configured.sync_id = ids

    assert feeds_sweep(configured) is sweeps
