"""A line on stdin that cannot be read stops the sync before any later STATE is confirmed."""

from __future__ import annotations

import orjson
import pytest
from airbyte_cdk.models import AirbyteMessage, AirbyteMessageSerializer, FailureType, Type

from destination_crm_contacts.destination import DestinationCrmContacts
from destination_crm_contacts.input import InputMessages, UnreadableInputError
from unit_tests.builders import ConfigBuilder, catalog, custom_contact, record, state
from unit_tests.conftest import states_of
from unit_tests.fakes import FakeClientContacts, FakeCrm


def line(message: object) -> bytes:
    return orjson.dumps(AirbyteMessageSerializer.dump(message)) + b"\n"  # type: ignore[arg-type]


class TestInputMessages:
    def test_given_good_lines_and_blank_ones_then_every_message_comes_through(self) -> None:
        lines = [line(record(custom_contact("1"))), b"\n", b"   \n", line(state(1))]

        assert [m.type for m in InputMessages(lines)] == [Type.RECORD, Type.STATE]

    @pytest.mark.parametrize(
        ("bad", "problem"),
        [
            (b"this is not json\n", "is not JSON"),
            (b"\xff\xfe broken utf-8\n", "is not JSON"),
            (b"[1, 2, 3]\n", "is not an Airbyte message"),
            (b'{"type": "RECORD", "record": "not an object"}\n', "is not a valid Airbyte message"),
        ],
        ids=["not-json", "not-utf8", "not-an-object", "not-a-message"],
    )
    def test_given_an_unreadable_line_then_reading_stops_there_with_its_number(
        self, bad: bytes, problem: str
    ) -> None:
        messages = iter(InputMessages([line(record(custom_contact("1"))), bad, line(state(1))]))

        assert next(messages).type == Type.RECORD
        with pytest.raises(UnreadableInputError) as raised:
            next(messages)

        assert raised.value.line_number == 2
        assert f"Input line 2 {problem}" in str(raised.value.message)
        assert raised.value.failure_type == FailureType.system_error

    def test_given_a_very_long_bad_line_then_the_error_shows_only_its_start(self) -> None:
        with pytest.raises(UnreadableInputError) as raised:
            list(InputMessages([b"x" * 10_000 + b"\n"]))

        assert len(str(raised.value.internal_message)) < 400
        assert str(raised.value.internal_message).endswith("...")


class TestWriteWithAnUnreadableLine:
    def test_given_a_corrupted_record_line_before_a_state_then_that_state_is_never_confirmed(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        lines = [
            line(record(custom_contact("1"))),
            line(state(1)),
            b'{"type": "RECORD", "record": {"stream": "contacts", "data": {"id": "2"\n',
            line(record(custom_contact("3"))),
            line(state(2)),
        ]
        output: list[AirbyteMessage] = []

        with pytest.raises(UnreadableInputError):
            output.extend(
                DestinationCrmContacts().write(ConfigBuilder().build(), catalog(), InputMessages(lines))
            )

        assert len(states_of(output)) == 1
        assert sorted(c["notes"] for c in crm.contacts.values()) == ["[source-id:1]"]
