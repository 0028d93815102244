"""Bad lines on stdin are reported and skipped; the records around them are written."""

from __future__ import annotations

import json
import logging

import orjson
import pytest
from airbyte_cdk.models import AirbyteMessageSerializer, Type

from destination_crm_contacts.input import InputMessages
from unit_tests.builders import ConfigBuilder, catalog, custom_contact, record, state
from unit_tests.conftest import states_of, write
from unit_tests.fakes import FakeClientContacts, FakeCrm


def line(message: object) -> bytes:
    return orjson.dumps(AirbyteMessageSerializer.dump(message)) + b"\n"  # type: ignore[arg-type]


class TestInputMessages:
    def test_given_bad_lines_between_good_ones_then_every_good_message_comes_through(
        self, log_records: pytest.LogCaptureFixture
    ) -> None:
        lines = [
            line(record(custom_contact("1"))),
            b"this is not json\n",
            b"[1, 2, 3]\n",
            b'{"type": "RECORD", "record": "not an object"}\n',
            b"\xff\xfe broken utf-8\n",
            b"\n",
            line(record(custom_contact("2"))),
            line(state(1)),
        ]
        messages = InputMessages(lines, logging.getLogger("airbyte"))

        read = list(messages)

        assert [m.type for m in read] == [Type.RECORD, Type.RECORD, Type.STATE]
        assert messages.invalid_lines == 4
        assert "input line 2 is not JSON" in log_records.text
        assert "input line 3 is not an Airbyte message" in log_records.text
        assert "input line 4 is not a valid Airbyte message" in log_records.text

    def test_given_a_very_long_bad_line_then_the_report_shows_only_its_start(
        self, log_records: pytest.LogCaptureFixture
    ) -> None:
        list(InputMessages([b"x" * 10_000 + b"\n"], logging.getLogger("airbyte")))

        [report] = [r.getMessage() for r in log_records.records if "input line 1" in r.getMessage()]
        assert len(report) < 400
        assert report.endswith("...")

    def test_given_bad_lines_in_a_sync_then_the_records_are_written_and_the_totals_count_the_lines(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
    ) -> None:
        lines = [
            line(record(custom_contact("1"))),
            b"{oops\n",
            line(record(custom_contact("2"))),
            line(state(1)),
        ]

        output = write(ConfigBuilder().build(), catalog(), InputMessages(lines, logging.getLogger("airbyte")))

        assert len(states_of(output)) == 1
        assert sorted(c["notes"] for c in crm.contacts.values()) == ["[source-id:1]", "[source-id:2]"]
        [totals] = [
            json.loads(r.getMessage()) for r in log_records.records if r.getMessage().startswith('{"event"')
        ]
        assert totals["invalid_input_lines"] == 1
