"""Each reading the sandbox serves of what the source APIs' documents leave open, one at a time
over the lenient preset, and each preset, with the source's default settings: a first sync with
churn between its pages, churn, then an incremental sync leave a deduplicating destination equal
to the API."""

from __future__ import annotations

from typing import Any

import pytest
from airbyte_cdk.models import SyncMode

from contacts_sandbox.testing import CATALOGUE, PRESETS, SandboxProcess
from integration_tests.conftest import company_config, custom_config
from integration_tests.helpers import catalog, comparable, final_states, mirrored, read_source, records_of
from source_custom_contacts.dates import parse_time

_INCREMENTAL = catalog(("contacts", SyncMode.incremental))
_COMPANY = "company-a-key"
# Enough contacts for pages of a capped size (50) to leave room for churn between them.
_CONTACTS = 600


def _readings(api: str) -> list[Any]:
    """Each reading of the API's points over the lenient preset, then each preset as it is."""
    one_at_a_time = [
        pytest.param("lenient", {point.key: value}, id=f"{point.key}={value}")
        for point in CATALOGUE
        if point.api == api
        for value in point.values
    ]
    presets = [pytest.param(preset, {}, id=f"preset={preset}") for preset in PRESETS]
    if api != "custom":
        return one_at_a_time + presets
    # The one pair of readings that needs more than each does alone (see creations.py).
    pair = {"custom.order": "unstable", "custom.updated_new": "excluded"}
    return [*one_at_a_time, *presets, pytest.param("lenient", pair, id="unstable-order-and-no-new-in-delta")]


def _synced_twice(
    sandbox: SandboxProcess, churn_between_pages: Any, api: str, preset: str, readings: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Under `preset` and `readings`: a first incremental sync with churn between its pages, more
    churn, a second sync: what a deduplicating destination holds after them."""
    sandbox.admin.reset(contacts=_CONTACTS, profile=preset, readings=readings)
    custom = api == "custom"
    config = (custom_config if custom else company_config)(sandbox, page_size=60) | {"concurrent_requests": 1}
    path, company = ("/contacts", None) if custom else ("/api/v1/contacts", _COMPANY)

    def churn(seed: int) -> dict[str, list[str]]:
        return sandbox.admin.churn(api, create=3, update=6, delete=3, seed=seed, company=company)

    churn_between_pages(path, churn)
    first = read_source(config, _INCREMENTAL)
    churn(4)
    return mirrored(first, read_source(config, _INCREMENTAL, final_states(first)))


@pytest.mark.parametrize(("preset", "readings"), _readings("custom"))
def test_given_a_custom_api_reading_when_synced_twice_with_churn_then_the_destination_equals_the_api(
    sandbox_process: SandboxProcess, churn_between_pages: Any, preset: str, readings: dict[str, str]
) -> None:
    mirror = _synced_twice(sandbox_process, churn_between_pages, "custom", preset, readings)

    live = {contact["id"]: contact for contact in sandbox_process.admin.dump("custom")["contacts"]}
    assert sorted(mirror) == sorted(live)
    assert {i: comparable(c) for i, c in mirror.items()} == {i: comparable(c) for i, c in live.items()}


@pytest.mark.parametrize(("preset", "readings"), _readings("company"))
def test_given_a_company_api_reading_when_synced_twice_with_churn_then_every_contact_is_read(
    sandbox_process: SandboxProcess, churn_between_pages: Any, preset: str, readings: dict[str, str]
) -> None:
    # The API reports no deletions: the destination keeps deleted contacts, and holds every live one.
    mirror = _synced_twice(sandbox_process, churn_between_pages, "company", preset, readings)

    live = {contact["id"]: contact for contact in sandbox_process.admin.dump("company")[_COMPANY]["contacts"]}
    assert set(live) <= set(mirror)
    # Compared as times: under `times=naive` the API answers them without their zone.
    assert all(parse_time(mirror[i]["updated_at"]) == parse_time(c["updated_at"]) for i, c in live.items())


def test_given_tokens_without_exp_that_expire_with_403_when_a_read_outlives_them_then_it_renews_and_reads_all(
    sandbox_process: SandboxProcess,
) -> None:
    # Tokens live a second, and every answer takes 0.4 s: the read outlives its first token.
    admin = sandbox_process.admin
    admin.reset(profile="lenient", readings={"custom.token_exp": "without", "custom.expired_status": "403"})
    admin.set_faults("custom", token_ttl_seconds=1, latency_ms=400)
    config = custom_config(sandbox_process, page_size=50) | {"concurrent_requests": 1}

    output = read_source(config, catalog(("contacts", SyncMode.full_refresh)))

    stats = admin.stats()
    assert output.errors == []
    assert sorted(r["id"] for r in records_of(output)) == sorted(
        c["id"] for c in admin.dump("custom")["contacts"]
    )
    assert stats["status"]["custom"]["403"] >= 1
    assert stats["custom"]["GET /custom/token"] >= 2
