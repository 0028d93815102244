"""The writer's sweeps, over targets in memory: `overwrite` and a truncate refresh delete the managed
contacts the sync did not send, once the source read the stream whole; a merge refresh sweeps
nothing; the guard refuses a sweep of too large a share, and then no target deletes anything."""

from __future__ import annotations

from typing import Any

import pytest
from airbyte_cdk.models import AirbyteMessage, AirbyteStreamStatus, ConfiguredAirbyteCatalog, FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from unit_tests.builders import (
    catalog,
    merge_refresh,
    source_error,
    state,
    stream_status,
    tombstone,
    truncate_refresh,
)
from unit_tests.in_memory import MemoryTarget, contact, writer_of

COMPLETE = stream_status(AirbyteStreamStatus.COMPLETE)
OVERWRITE = catalog(("contacts", "overwrite"))


def keys(ids: range) -> list[str]:
    return [str(i) for i in ids]


def sync(
    streams: ConfiguredAirbyteCatalog, messages: list[AirbyteMessage], *targets: MemoryTarget, **options: Any
) -> None:
    list(writer_of(*targets, streams=streams, **options).write(messages))


def deletes(target: MemoryTarget) -> list[str]:
    return [key for method, key in target.calls if method == "delete"]


class TestSweeps:
    @pytest.mark.parametrize(
        "streams",
        [
            pytest.param(OVERWRITE, id="overwrite"),
            *(
                pytest.param(truncate_refresh(mode), id=f"truncate refresh in {mode}")
                for mode in ("append", "append_dedup", "overwrite")
            ),
        ],
    )
    def test_given_a_complete_sweeping_sync_then_each_target_deletes_exactly_what_it_did_not_send(
        self, streams: ConfiguredAirbyteCatalog
    ) -> None:
        crm, client_contacts = MemoryTarget("crm", held=keys(range(4))), MemoryTarget("client_contacts")

        sync(streams, [contact("1"), contact("3"), state(1), COMPLETE], crm, client_contacts)

        assert (crm.held(), sorted(deletes(crm))) == (["1", "3"], ["0", "2"])
        assert (client_contacts.held(), deletes(client_contacts)) == (["1", "3"], [])
        assert crm.prepared == client_contacts.prepared == [True]

    def test_given_a_truncate_refresh_in_append_then_each_contact_is_upserted_not_created_again(self) -> None:
        crm = MemoryTarget(held=["1"])

        sync(truncate_refresh("append"), [contact("1"), contact("2"), state(1), COMPLETE], crm)

        assert crm.calls == [("upsert", "1"), ("upsert", "2")]

    def test_given_a_truncate_refresh_with_a_tombstone_then_that_contact_is_deleted_too(self) -> None:
        crm = MemoryTarget(held=keys(range(4)))

        sync(truncate_refresh(), [contact("0"), contact("1"), tombstone("1"), state(1), COMPLETE], crm)

        assert crm.held() == ["0"]

    @pytest.mark.parametrize(
        ("streams", "ending"),
        [
            pytest.param(truncate_refresh(), [], id="truncate refresh without a stream status"),
            pytest.param(truncate_refresh(), [stream_status(AirbyteStreamStatus.RUNNING)], id="running"),
            pytest.param(
                truncate_refresh(), [stream_status(AirbyteStreamStatus.INCOMPLETE)], id="incomplete"
            ),
            pytest.param(truncate_refresh(), [source_error(), COMPLETE], id="a source error"),
            pytest.param(
                OVERWRITE, [stream_status(AirbyteStreamStatus.INCOMPLETE)], id="overwrite incomplete"
            ),
            pytest.param(OVERWRITE, [source_error()], id="overwrite after a source error"),
        ],
    )
    def test_given_a_read_the_source_did_not_finish_then_nothing_is_swept(
        self, streams: ConfiguredAirbyteCatalog, ending: list[AirbyteMessage]
    ) -> None:
        crm = MemoryTarget(held=keys(range(4)))

        sync(streams, [contact("1"), state(1), *ending], crm)

        assert deletes(crm) == []

    def test_given_overwrite_without_stream_statuses_then_the_end_of_the_input_sweeps_with_a_warning(
        self, log_records: pytest.LogCaptureFixture
    ) -> None:
        crm = MemoryTarget(held=keys(range(4)))

        sync(OVERWRITE, [contact("1"), state(1)], crm)

        assert crm.held() == ["1"]
        [warning] = [r.getMessage() for r in log_records.records if r.levelname == "WARNING"]
        assert warning.startswith("crm: overwrite deletes 3 contacts missing from this sync; the source sent")

    @pytest.mark.parametrize("mode", ["append_dedup", "overwrite"])
    def test_given_a_merge_refresh_then_nothing_is_swept_and_tombstones_still_delete(self, mode: str) -> None:
        crm = MemoryTarget(held=keys(range(4)))

        sync(merge_refresh(mode), [contact("1"), tombstone("2"), state(1), COMPLETE], crm)

        assert (crm.held(), deletes(crm), crm.prepared) == (["0", "1", "3"], ["2"], [False])

    @pytest.mark.parametrize(("mode", "held"), [("append_dedup", ["0", "1", "2", "3"]), ("overwrite", ["1"])])
    def test_given_the_generation_ids_pyairbyte_fills_in_then_only_the_mode_decides(
        self, mode: str, held: list[str]
    ) -> None:
        # PyAirbyte sends generation 1, minimum 1 and sync id 1 on every write of a catalog without them.
        crm = MemoryTarget(held=keys(range(4)))

        sync(catalog(("contacts", mode), generations=(1, 1, 1)), [contact("1"), state(1), COMPLETE], crm)

        assert crm.held() == held

    def test_given_a_first_truncate_refresh_of_generation_1_from_airbyte_then_it_sweeps(self) -> None:
        crm = MemoryTarget(held=keys(range(4)))

        sync(truncate_refresh(generation=1), [contact("1"), state(1), COMPLETE], crm)

        assert crm.held() == ["1"]

    def test_given_a_key_prefix_then_the_sweep_deletes_only_contacts_of_that_prefix(self) -> None:
        crm = MemoryTarget(held=["custom:1", "custom:2", "company:1", "company:2"])

        sync(OVERWRITE, [contact("2"), COMPLETE], crm, key_prefix="company:")

        assert crm.held() == ["company:2", "custom:1", "custom:2"]


class TestSweepGuard:
    """Targets that manage 120 contacts: more than the 100 the guard needs before it counts."""

    def test_given_a_sweep_over_the_share_on_one_target_then_no_target_deletes_and_the_error_says_why(
        self,
    ) -> None:
        crm, client_contacts = (
            MemoryTarget("crm", held=keys(range(120))),
            MemoryTarget("client_contacts", held=keys(range(100))),
        )
        messages = [*(contact(key) for key in keys(range(90))), COMPLETE]

        with pytest.raises(AirbyteTracedException) as failure:
            sync(truncate_refresh(), messages, crm, client_contacts)

        assert (deletes(crm), deletes(client_contacts)) == ([], [])  # client_contacts: 10 of 100 only
        assert failure.value.failure_type == FailureType.config_error
        assert failure.value.message == (
            "crm: the truncate refresh would delete 30 of the 120 contacts this connection manages "
            "there (25%), more than max_sweep_share 0.2 allows, so it deleted none. If the source "
            "really no longer has them, set max_sweep_share to 0.25 for one sync; otherwise check "
            "what the source sent."
        )

    @pytest.mark.parametrize(
        ("sent", "options"),
        [
            pytest.param(range(100), {}, id="20 of 120 under the default share"),
            pytest.param(range(90), {"max_sweep_share": 0.25}, id="30 of 120 at the share the error names"),
            pytest.param(range(10), {"sweep_share_min_contacts": 121}, id="fewer managed than the minimum"),
        ],
    )
    def test_given_a_sweep_the_guard_allows_then_exactly_the_contacts_not_sent_are_deleted(
        self, sent: range, options: dict[str, Any]
    ) -> None:
        crm = MemoryTarget(held=keys(range(120)))

        sync(OVERWRITE, [*(contact(key) for key in keys(sent)), COMPLETE], crm, **options)

        assert crm.held() == sorted(keys(sent))

    def test_given_a_minimum_of_zero_then_even_a_small_target_is_guarded(self) -> None:
        crm = MemoryTarget(held=keys(range(4)))

        with pytest.raises(AirbyteTracedException, match="would delete 3 of the 4 contacts"):
            sync(OVERWRITE, [contact("0"), COMPLETE], crm, sweep_share_min_contacts=0, max_sweep_share=0.5)

        assert deletes(crm) == []

    def test_given_tombstones_of_most_contacts_then_the_guard_does_not_stop_them(self) -> None:
        crm = MemoryTarget(held=keys(range(120)))

        sync(catalog(), [*(tombstone(key) for key in keys(range(100))), state(1)], crm)

        assert len(crm.held()) == 20
