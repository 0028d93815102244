from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
import requests_mock
from airbyte_cdk.models import AirbyteMessage, ConfiguredAirbyteCatalog, Type

from destination_crm_contacts.destination import DestinationCrmContacts
from destination_crm_contacts.targets.base import CreateRetry
from unit_tests.builders import catalog, custom_contact, record, state
from unit_tests.fakes import FakeClientContacts, FakeCrm


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lost create is looked up after a pause; unit tests need not wait for it."""
    monkeypatch.setattr(CreateRetry, "pause", lambda self, attempt: None)


@pytest.fixture
def http() -> Iterator[requests_mock.Mocker]:
    with requests_mock.Mocker(case_sensitive=True) as mocker:
        yield mocker


@pytest.fixture
def crm(http: requests_mock.Mocker) -> FakeCrm:
    return FakeCrm(http)


@pytest.fixture
def client_contacts(http: requests_mock.Mocker) -> FakeClientContacts:
    return FakeClientContacts(http)


def write(
    config: dict[str, Any], catalog: ConfiguredAirbyteCatalog, messages: Iterable[AirbyteMessage]
) -> list[AirbyteMessage]:
    return list(DestinationCrmContacts().write(config, catalog, messages))


def write_one_contact(config: dict[str, Any]) -> list[AirbyteMessage]:
    """A sync of contact 1 and a state: what most tests of a later sync start from."""
    return write(config, catalog(), [record(custom_contact("1")), state(1)])


def states_of(output: list[AirbyteMessage]) -> list[AirbyteMessage]:
    return [message for message in output if message.type == Type.STATE]


@pytest.fixture
def log_records(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="airbyte")
    return caplog


def totals_of(log_records: pytest.LogCaptureFixture) -> dict[str, dict[str, int]]:
    """Per target counts of the last sync, from its structured totals line."""
    lines = [r.message for r in log_records.records if r.message.startswith('{"event":"crm_contacts_totals"')]
    return json.loads(lines[-1])["targets"]  # type: ignore[no-any-return]
