"""The writer over targets in memory, when a target refuses: a refused record is rejected there
alone and the sync goes on, until too large a share is refused; a write that still fails is its
record's rejection while the target answers; a target out of reach stops the sync before any
later STATE."""

from __future__ import annotations

import pytest
from airbyte_cdk.models import AirbyteMessage, AirbyteStateBlob, FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.errors import Suspect, TargetError
from unit_tests.builders import state
from unit_tests.in_memory import MemoryStore, MemoryTarget, contact, stats, writer_of


class TestRejections:
    def test_given_a_record_one_target_refuses_then_only_there_it_is_rejected_and_the_sync_goes_on(
        self,
    ) -> None:
        crm, client_contacts, store = MemoryTarget("crm"), MemoryTarget("client_contacts"), MemoryStore()
        crm.refuse("2", "the CRM requires email")

        output = list(
            writer_of(crm, client_contacts, store=store).write(
                [contact("1"), contact("2"), state(1), contact("3"), state(2)]
            )
        )

        assert stats(output) == [(2.0, 1.0), (1.0, 0.0)]
        assert (crm.held(), client_contacts.held()) == (["1", "3"], ["1", "2", "3"])
        [(stream, [line])] = store.objects
        assert (stream, line["target"], line["primary_key"], line["reason"]) == (
            "contacts",
            "crm",
            "2",
            "the CRM requires email",
        )

    def test_given_more_rejections_than_the_share_allows_then_the_sync_fails_before_the_state(self) -> None:
        crm = MemoryTarget()
        for key in "123456":
            crm.refuse(key)
        writer = writer_of(crm, max_rejected_share=0.5, rejected_share_min_records=4)
        output: list[AirbyteMessage] = []

        with pytest.raises(AirbyteTracedException) as failure:
            output.extend(writer.write([*(contact(str(n)) for n in range(8)), state(1)]))

        assert output == []
        assert failure.value.failure_type == FailureType.config_error
        assert (
            "crm rejected 6 of 8 records (75%), more than max_rejected_share (50%)" in failure.value.message
        )

    def test_given_fewer_records_than_the_minimum_then_the_share_is_not_checked(self) -> None:
        crm = MemoryTarget()
        crm.refuse("1")

        output = list(
            writer_of(crm, max_rejected_share=0.1, rejected_share_min_records=10).write(
                [contact("1"), state(1)]
            )
        )

        assert stats(output) == [(1.0, 1.0)]

    @pytest.mark.parametrize(
        ("ids", "up"),
        [
            # Never asked whether it is up: the other writes show it is.
            pytest.param([str(n) for n in range(10)], False, id="while-the-target-takes-others"),
            pytest.param(["7"], True, id="alone-on-a-target-that-answers"),
        ],
    )
    def test_given_a_write_that_still_fails_when_the_target_is_seen_up_then_that_record_is_rejected(
        self, ids: list[str], up: bool
    ) -> None:
        crm = MemoryTarget()
        crm.keep_failing("7")
        crm.up = up

        output = list(writer_of(crm).write([*(contact(key) for key in ids), state(1)]))

        assert stats(output) == [(float(len(ids)), 1.0)]
        assert "7" not in crm.held()

    def test_given_a_write_that_still_fails_alone_on_a_target_that_does_not_answer_then_the_sync_fails(
        self,
    ) -> None:
        crm = MemoryTarget()
        crm.keep_failing("7")
        crm.up = False
        output: list[AirbyteMessage] = []

        with pytest.raises(AirbyteTracedException) as failure:
            output.extend(writer_of(crm).write([contact("7"), state(1)]))

        assert output == []
        assert failure.value.failure_type == FailureType.transient_error


class TestSuspectedReadings:
    """A reading that only a write could show (a CRM typing the phone Integer that answers a text
    phone with a bare 500) is suspected by each write that still failed under it."""

    @staticmethod
    def suspect(unlearnt: bool = True) -> Suspect:
        return Suspect("crm: set crm.phone_as to integer.", lambda: unlearnt)

    def test_given_two_writes_still_failing_under_one_unlearnt_reading_then_the_sync_fails_naming_it(
        self,
    ) -> None:
        crm = MemoryTarget()
        crm.keep_failing("3", self.suspect())
        crm.keep_failing("7", self.suspect())
        output: list[AirbyteMessage] = []

        with pytest.raises(AirbyteTracedException) as failure:
            output.extend(writer_of(crm).write([*(contact(str(n)) for n in range(20)), state(1)]))

        assert output == []
        assert failure.value.failure_type == FailureType.config_error
        assert "set crm.phone_as to integer" in (failure.value.message or "")

    def test_given_one_write_still_failing_under_an_unlearnt_reading_then_that_record_is_rejected(
        self,
    ) -> None:
        crm = MemoryTarget()
        crm.keep_failing("7", self.suspect())

        output = list(writer_of(crm).write([*(contact(str(n)) for n in range(20)), state(1)]))

        assert stats(output) == [(20.0, 1.0)]

    @pytest.mark.parametrize(
        "suspects",
        [(True, None), (False, False)],
        ids=["one-write-not-under-it", "reading-learnt-by-another-write"],
    )
    def test_given_two_writes_still_failing_not_both_under_an_unlearnt_reading_then_each_is_rejected(
        self, suspects: tuple[bool | None, bool | None]
    ) -> None:
        crm = MemoryTarget()
        for key, unlearnt in zip(("3", "7"), suspects, strict=True):
            crm.keep_failing(key, None if unlearnt is None else self.suspect(unlearnt))

        output = list(writer_of(crm).write([*(contact(str(n)) for n in range(20)), state(1)]))

        assert stats(output) == [(20.0, 2.0)]


class TestTargetFailures:
    def test_given_a_target_out_of_reach_then_the_sync_fails_with_its_error_before_any_later_state(
        self,
    ) -> None:
        crm = MemoryTarget()
        crm.fail("2", TargetError("crm refused the API key", FailureType.config_error))
        output: list[AirbyteMessage] = []

        with pytest.raises(AirbyteTracedException) as failure:
            output.extend(writer_of(crm).write([contact("1"), state(1), contact("2"), state(2), state(3)]))

        assert [m.state.stream.stream_state for m in output] == [AirbyteStateBlob(cursor=1)]
        assert (failure.value.failure_type, failure.value.message) == (
            FailureType.config_error,
            "crm refused the API key",
        )

    def test_given_a_target_that_fails_to_prepare_then_no_target_is_written(self) -> None:
        crm, client_contacts = MemoryTarget("crm"), MemoryTarget("client_contacts")

        def cannot_list(mirror: bool = False, first_key: str | None = None) -> None:
            raise TargetError("crm cannot list its contacts", FailureType.config_error)

        crm.prepare = cannot_list  # type: ignore[method-assign]

        with pytest.raises(AirbyteTracedException, match="crm cannot list its contacts"):
            list(writer_of(crm, client_contacts).write([contact("1"), state(1)]))

        assert (crm.calls, client_contacts.calls) == ([], [])
