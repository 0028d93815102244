"""A STATE goes out only once every record before it is written or rejected."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from airbyte_cdk.models import AirbyteMessage, AirbyteStateBlob, Type
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from airbyte_protocol.models import AirbyteMessage as ProtocolMessage

from destination_crm_contacts.destination import DestinationCrmContacts
from destination_crm_contacts.writers.state_counts import serialized
from unit_tests.builders import ConfigBuilder, catalog, custom_contact, global_state, record, state
from unit_tests.conftest import states_of, write
from unit_tests.fakes import FakeClientContacts, FakeCrm


class TestStateOrdering:
    def test_given_records_then_a_state_when_the_state_comes_out_then_its_records_are_already_written(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        sent: list[str] = []

        def source() -> Iterator[AirbyteMessage]:
            for key in ("1", "2"):
                sent.append(key)
                yield record(custom_contact(key))
            yield state(1)
            sent.append("3")
            yield record(custom_contact("3"))
            yield state(2)

        output = iter(DestinationCrmContacts().write(ConfigBuilder().build(), catalog(), source()))
        first = next(output)

        assert first.type == Type.STATE
        assert first.state.stream.stream_state == AirbyteStateBlob(cursor=1)
        assert (len(crm.by_marker("1")), len(crm.by_marker("2"))) == (1, 1)
        assert (len(client_contacts.by_key("1")), len(client_contacts.by_key("2"))) == (1, 1)
        assert crm.by_marker("3") == []
        assert next(output).state.stream.stream_state == AirbyteStateBlob(cursor=2)
        assert len(crm.by_marker("3")) == 1

    def test_given_states_then_each_carries_the_count_of_records_since_the_previous_one(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        messages = [
            record(custom_contact("1")),
            record(custom_contact("2")),
            state(1),
            record(custom_contact("3")),
            state(2),
            state(3),
        ]

        output = write(ConfigBuilder().build(), catalog(), messages)

        assert [m.state.destinationStats.recordCount for m in states_of(output)] == [2.0, 1.0, 0.0]

    def test_given_rejected_records_then_they_count_as_handled_in_the_state(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        messages = [record(custom_contact("1", emails=[])), record(custom_contact("2")), state(1)]

        output = write(ConfigBuilder().build(), catalog(), messages)

        assert [m.state.destinationStats.recordCount for m in states_of(output)] == [2.0]

    def test_given_a_global_state_then_it_counts_every_stream(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        messages = [
            record(custom_contact("1")),
            record({"id": "t1", "name": "VIP"}, stream="contact_tags"),
            global_state(1),
        ]

        output = write(
            ConfigBuilder().build(),
            catalog(("contacts", "append_dedup"), ("contact_tags", "overwrite")),
            messages,
        )

        assert [m.state.destinationStats.recordCount for m in states_of(output)] == [2.0]

    def test_given_a_target_that_refuses_the_key_then_the_sync_fails_and_no_state_goes_out(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        config = ConfigBuilder().with_crm(api_key="wrong").build()
        output: list[AirbyteMessage] = []

        with pytest.raises(AirbyteTracedException, match="crm refused the API key"):
            output.extend(
                DestinationCrmContacts().write(config, catalog(), [record(custom_contact("1")), state(1)])
            )

        assert states_of(output) == []


class TestRejectedRecordCount:
    def test_given_records_a_target_refuses_then_the_state_counts_each_once_as_rejected(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        messages = [
            record(custom_contact("1", emails=[])),  # the CRM needs an email
            record(custom_contact("2", first_name=None, last_name=None, emails=[])),  # refused by both
            record(custom_contact("3")),
            record({"id": "4"}, stream="not_configured"),
            state(1),
            record(custom_contact("5")),
            state(2),
        ]

        output = write(ConfigBuilder().build(), catalog(), messages)

        stats = [m.state.destinationStats for m in states_of(output)]
        assert [(s.recordCount, s.rejectedRecordCount) for s in stats] == [(3.0, 2.0), (1.0, 0.0)]

    def test_given_a_global_state_then_it_counts_the_rejected_records_of_every_stream(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        messages = [
            record(custom_contact("1", emails=[])),
            record({"id": "4"}, stream="other"),
            global_state(1),
        ]

        output = write(ConfigBuilder().build(), catalog(), messages)

        assert [m.state.destinationStats.rejectedRecordCount for m in states_of(output)] == [2.0]

    def test_given_a_state_when_serialized_then_the_line_holds_both_counts_as_the_protocol_names_them(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        output = write(ConfigBuilder().build(), catalog(), [record(custom_contact("1", emails=[])), state(1)])

        [line] = [serialized(message) for message in states_of(output)]

        parsed = ProtocolMessage.model_validate_json(line)
        assert parsed.state is not None
        assert parsed.state.destinationStats is not None
        assert (
            parsed.state.destinationStats.recordCount,
            parsed.state.destinationStats.rejectedRecordCount,
        ) == (
            1.0,
            1.0,
        )
        assert json.loads(line)["state"]["stream"]["stream_state"] == {"cursor": 1}
