"""The writer's own logic, over targets in memory: a STATE goes out only once every record before it
is written or rejected, with the counts it confirms; changes of one contact keep their order;
tombstones delete; the report at the end of the sync."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from airbyte_cdk.models import AirbyteMessage, AirbyteStateBlob
from airbyte_protocol.models import AirbyteMessage as ProtocolMessage

from destination_crm_contacts.writers.state_counts import serialized
from unit_tests.builders import catalog, global_state, record, state, tombstone
from unit_tests.in_memory import MemoryStore, MemoryTarget, contact, stats, writer_of


class TestStateAfterSettling:
    def test_given_records_then_a_state_when_the_state_comes_out_then_its_records_are_already_written(
        self,
    ) -> None:
        crm, client_contacts = (
            MemoryTarget("crm", latency=0.02),
            MemoryTarget("client_contacts", latency=0.02),
        )
        read: list[str] = []

        def source() -> Iterator[AirbyteMessage]:
            for key in ("1", "2"):
                read.append(key)
                yield contact(key)
            yield state(1)
            read.append("3")
            yield contact("3")
            yield state(2)

        output = writer_of(crm, client_contacts).write(source())
        first = next(output)

        assert first.state.stream.stream_state == AirbyteStateBlob(cursor=1)
        assert (crm.held(), client_contacts.held(), read) == (["1", "2"], ["1", "2"], ["1", "2"])
        assert next(output).state.stream.stream_state == AirbyteStateBlob(cursor=2)
        assert crm.held() == client_contacts.held() == ["1", "2", "3"]

    def test_given_a_rejection_before_a_state_when_the_state_comes_out_then_the_store_already_holds_it(
        self,
    ) -> None:
        crm, store = MemoryTarget(latency=0.02), MemoryStore()
        crm.refuse("2")

        output = writer_of(crm, store=store).write([contact("1"), contact("2"), state(1), contact("3")])
        next(output)

        assert store.keys() == ["2"]

    def test_given_states_then_each_counts_the_records_and_rejections_since_the_one_before(self) -> None:
        crm, client_contacts = MemoryTarget("crm"), MemoryTarget("client_contacts")
        crm.refuse("2")
        crm.refuse("3")
        client_contacts.refuse("3")  # refused by both targets: one rejected record

        output = list(
            writer_of(crm, client_contacts).write(
                [contact("1"), contact("2"), state(1), contact("3"), state(2), state(3)]
            )
        )

        assert stats(output) == [(2.0, 1.0), (1.0, 1.0), (0.0, 0.0)]

    def test_given_two_streams_then_a_stream_state_counts_its_own_stream_and_a_global_state_every_one(
        self,
    ) -> None:
        streams = catalog(("contacts", "append_dedup"), ("contact_tags", "overwrite"))
        messages = [
            contact("1"),
            record({"id": "t1", "name": "VIP"}, "contact_tags"),
            contact("2", stream="people"),  # not in the catalog: rejected
            state(1, "contact_tags"),
            contact("3"),
            global_state(2),
        ]

        output = list(writer_of(MemoryTarget(), streams=streams).write(messages))

        assert stats(output) == [(1.0, 0.0), (3.0, 1.0)]

    def test_given_a_state_when_serialized_then_the_line_holds_both_counts_as_the_protocol_names_them(
        self,
    ) -> None:
        crm = MemoryTarget()
        crm.refuse("1")

        [line] = [serialized(m) for m in writer_of(crm).write([contact("1"), state(1)])]

        parsed = ProtocolMessage.model_validate_json(line)
        assert parsed.state is not None
        assert parsed.state.destinationStats is not None
        counts = parsed.state.destinationStats
        assert (counts.recordCount, counts.rejectedRecordCount) == (1.0, 1.0)
        assert json.loads(line)["state"]["stream"]["stream_state"] == {"cursor": 1}


class TestChanges:
    def test_given_tombstones_then_each_target_deletes_and_one_already_gone_is_counted_so(self) -> None:
        crm, client_contacts, store = (
            MemoryTarget("crm", held=["1"]),
            MemoryTarget("client_contacts"),
            MemoryStore(),
        )

        list(writer_of(crm, client_contacts, store=store).write([tombstone("1"), state(1)]))

        assert (crm.held(), crm.calls, client_contacts.calls) == ([], [("delete", "1")], [("delete", "1")])
        assert store.report is not None
        totals = store.report["targets"]
        assert (totals["crm"]["deleted"], totals["client_contacts"]["already_gone"]) == (1, 1)

    def test_given_an_update_then_a_tombstone_in_one_batch_then_only_the_delete_is_sent(self) -> None:
        crm = MemoryTarget(held=["1"])

        list(writer_of(crm).write([contact("1", first_name="Augusta"), tombstone("1"), state(1)]))

        assert crm.calls == [("delete", "1")]

    @pytest.mark.parametrize(
        "between",
        [pytest.param([], id="the next batch"), pytest.param([contact("2")], id="two batches later")],
    )
    def test_given_a_contact_changed_again_while_its_slow_write_runs_then_the_later_change_waits_for_it(
        self, between: list[AirbyteMessage]
    ) -> None:
        crm = MemoryTarget()
        crm.delay("1", 0.1)

        list(writer_of(crm, batch_max_records=1).write([contact("1"), *between, tombstone("1"), state(1)]))

        assert [call for call in crm.calls if call[1] == "1"] == [("upsert", "1"), ("delete", "1")]
        assert "1" not in crm.held()

    def test_given_append_then_each_record_is_created_and_tombstones_are_ignored(self) -> None:
        crm, store = MemoryTarget(held=["1"]), MemoryStore()

        output = list(
            writer_of(crm, streams=catalog(("contacts", "append")), store=store).write(
                [contact("1"), contact("1"), tombstone("1"), state(1)]
            )
        )

        assert crm.calls == [("create", "1"), ("create", "1")]
        assert store.report is not None
        assert store.report["targets"]["crm"]["ignored"] == 1
        assert stats(output) == [(3.0, 0.0)]


class TestReport:
    def test_when_a_sync_ends_then_the_report_holds_each_targets_totals_and_each_reason(self) -> None:
        crm, store = MemoryTarget(held=["1", "2", "4"]), MemoryStore()
        crm.contacts["1"] = {"id": "1", "first_name": "Ada"}
        crm.refuse("5", "no email")
        streams = catalog(("contacts", "append_dedup"), ("contact_tags", "overwrite"))
        messages = [
            contact("1"),
            contact("2"),
            contact("3"),
            tombstone("4"),
            contact("5"),
            record({"id": "t1"}, "contact_tags"),
            state(1),
        ]

        list(writer_of(crm, streams=streams, store=store).write(messages))

        assert store.report is not None
        assert store.report["targets"]["crm"] == {
            "created": 1,
            "updated": 1,
            "unchanged": 1,
            "deleted": 1,
            "already_gone": 0,
            "rejected": 1,
            "ignored": 0,
            "not_cleared": 0,
        }
        assert store.report["ignored_streams"] == {"contact_tags": 1}
        assert [(r["reason"], r["count"], r["stored_in"]) for r in store.report["rejections"]] == [
            ("no email", 1, ["memory:1"])
        ]
        assert store.report["dry_run"] is False

    def test_given_a_dry_run_then_the_report_says_so(self) -> None:
        store = MemoryStore()

        list(writer_of(MemoryTarget(), store=store, dry_run=True).write([contact("1"), state(1)]))

        assert store.report is not None
        assert store.report["dry_run"] is True
