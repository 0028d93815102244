"""What the writer hands the store of rejected records, driven without targets: a store in memory."""

from __future__ import annotations

import logging

from destination_crm_contacts.writers.rejections import OTHER_REASONS, RejectedRecords
from unit_tests.in_memory import MemoryStore

LOGGER = logging.getLogger("airbyte")


class TestFlush:
    def test_given_rejections_of_two_streams_when_flushed_then_each_stream_is_one_piece(self) -> None:
        store = MemoryStore()
        rejected = RejectedRecords(store, LOGGER)
        rejected.add("crm", "contacts", "1", "no email", {"id": "1"})
        rejected.add("crm", "people", None, "not in the catalog", {"id": "2"})
        rejected.add("crm", "contacts", "3", "no email", {"id": "3"})

        rejected.flush()
        rejected.flush()

        assert [(stream, [line["primary_key"] for line in lines]) for stream, lines in store.objects] == [
            ("contacts", ["1", "3"]),
            ("people", [None]),
        ]
        [no_email, not_in_catalog] = rejected.reasons()
        assert (no_email.count, list(no_email.stored_in)) == (2, ["memory:1"])
        assert list(not_in_catalog.stored_in) == ["memory:2"]

    def test_given_more_rejections_than_may_wait_then_they_are_stored_without_a_flush(self) -> None:
        store = MemoryStore()
        rejected = RejectedRecords(store, LOGGER, max_pending=2)

        for key in "123":
            rejected.add("crm", "people", key, "not in the catalog", {"id": key})

        assert [[line["primary_key"] for line in lines] for _, lines in store.objects] == [["1", "2"]]


class TestReasons:
    def test_given_more_reasons_than_counted_apart_then_the_rest_are_counted_together(self) -> None:
        rejected = RejectedRecords(None, LOGGER, max_reasons=2)

        for n in range(5):
            rejected.add("crm", "contacts", str(n), f"HTTP 400: contact {n} refused", {"id": str(n)})

        assert [(r.reason, r.count) for r in rejected.reasons()] == [
            (OTHER_REASONS, 3),
            ("HTTP 400: contact 0 refused", 1),
            ("HTTP 400: contact 1 refused", 1),
        ]
