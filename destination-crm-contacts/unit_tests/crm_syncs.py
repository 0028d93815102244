"""Syncs into a fake CRM taking one reading at a time, and what it must then hold."""

from __future__ import annotations

import logging
from typing import Any

import requests_mock
from airbyte_cdk.models import AirbyteMessage

from unit_tests.builders import ConfigBuilder, catalog, custom_contact, record, state
from unit_tests.conftest import write
from unit_tests.fakes import FakeCrm

LOGGER = logging.getLogger("airbyte")
EXAMPLES = {
    "search_in": "body",
    "no_match": "not_found",
    "read_answer": "id",
    "match": "exact",
    "edit_spelling": "example",
    "phone": "integer",
}


def crm_config(**settings: Any) -> dict[str, Any]:
    return ConfigBuilder().only_crm().with_crm(**settings).build()


def sync(ids: list[str], config: dict[str, Any] | None = None, **fields: Any) -> list[AirbyteMessage]:
    records = [record(custom_contact(key, **fields)) for key in ids]
    return write(config or crm_config(), catalog(), [*records, state(1)])


def crm_holding(http: requests_mock.Mocker, count: int, **readings: str) -> tuple[FakeCrm, list[str]]:
    """A fake CRM taking `readings`, into which a sync wrote contacts "0" to `count` - 1; and their ids."""
    crm = FakeCrm(http, readings=readings)
    ids = [str(n) for n in range(count)]
    sync(ids)
    return crm, ids


def held_once(crm: FakeCrm, ids: list[str], **fields: Any) -> None:
    """Every source contact is held by exactly one CRM contact, with `fields`; no other contact."""
    assert len(crm.contacts) == len(ids)
    for key in ids:
        [contact] = crm.by_marker(key)
        assert {name: contact.get(name) for name in fields} == fields
