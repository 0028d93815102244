"""The Custom Contact Source API stream against the sandbox, with churn and faults."""

from __future__ import annotations

import time
from collections import Counter

from airbyte_cdk.models import SyncMode

from contacts_sandbox.testing import SandboxProcess
from integration_tests.conftest import custom_config
from integration_tests.helpers import catalog, comparable, final_states, mirrored, read_source, records_of
from source_custom_contacts import SourceCustomContacts
from source_custom_contacts.normalize import CONTACT_TYPES, EMAIL_LABELS, PHONE_LABELS

_FULL = catalog(("contacts", SyncMode.full_refresh))
_INCREMENTAL = catalog(("contacts", SyncMode.incremental))


def _live_contacts(sandbox: SandboxProcess) -> dict[str, dict]:
    return {contact["id"]: contact for contact in sandbox.admin.dump("custom")["contacts"]}


def test_given_seeded_contacts_when_full_refresh_then_each_is_read_once_with_normalised_values(
    sandbox: SandboxProcess,
):
    records = records_of(read_source(custom_config(sandbox), _FULL))

    ids = [record["id"] for record in records]
    assert sorted(ids) == sorted(_live_contacts(sandbox))
    assert len(ids) == len(set(ids))
    assert all(record["type"] in CONTACT_TYPES for record in records)
    assert all(phone["label"] in PHONE_LABELS for record in records for phone in record["phones"])
    assert all(email["label"] in EMAIL_LABELS for record in records for email in record["emails"])


def test_given_churn_between_two_incremental_syncs_when_applied_then_destination_mirrors_the_api(
    sandbox: SandboxProcess,
):
    config = custom_config(sandbox)
    first = read_source(config, _INCREMENTAL)
    churn = sandbox.admin.churn("custom", create=10, update=15, delete=10, seed=3)

    second = read_source(config, _INCREMENTAL, final_states(first))
    mirror = mirrored(first, second)

    carried = {record["id"] for record in records_of(second) if not record.get("_ab_cdc_deleted_at")}
    tombstones = {record["id"] for record in records_of(second) if record.get("_ab_cdc_deleted_at")}
    assert set(churn["created"]) | set(churn["updated"]) <= carried
    assert set(churn["deleted"]) <= tombstones
    live = _live_contacts(sandbox)
    assert mirror.keys() == live.keys()
    assert {i: comparable(r) for i, r in mirror.items()} == {i: comparable(c) for i, c in live.items()}


def test_given_contacts_deleted_between_pages_of_a_full_read_when_read_then_no_live_contact_is_missed(
    sandbox: SandboxProcess,
):
    # Sequential pages of 20, so that the deletions land between two page requests.
    config = {**custom_config(sandbox, page_size=20), "concurrent_requests": 1}
    stream = SourceCustomContacts().streams(config)[0]
    records = iter(stream.read_records(SyncMode.full_refresh))
    first_half = [next(records).record.data["id"] for _ in range(100)]

    deleted = sandbox.admin.churn("custom", delete=30, seed=11)["deleted"]
    rest = [message.record.data["id"] for message in records]

    assert set(deleted) & set(first_half), "the deletions must shift pages that were already read"
    assert set(_live_contacts(sandbox)) <= set(first_half) | set(rest)
    assert len(first_half + rest) == len(set(first_half + rest))


def test_given_contacts_updated_between_pages_of_a_delta_read_when_read_then_no_change_is_missed(
    sandbox: SandboxProcess,
):
    since = int(time.time())
    changed = sandbox.admin.churn("custom", update=100, seed=21)["updated"]
    config = {**custom_config(sandbox, page_size=10), "concurrent_requests": 1}
    stream = SourceCustomContacts().streams(config)[0]
    stream.state = {"timestamp": since}
    records = iter(stream.read_records(SyncMode.incremental))
    first_pages = [next(records).record.data["id"] for _ in range(30)]

    changed_again = sandbox.admin.churn("custom", update=20, seed=22)["updated"]
    rest = [message.record.data["id"] for message in records]

    assert set(changed_again) & set(first_pages), "the updates must move contacts out of pages already read"
    assert set(changed) <= set(first_pages) | set(rest)


def test_given_tokens_that_expire_within_a_second_when_read_then_the_read_renews_them_and_completes(
    sandbox: SandboxProcess,
):
    # A token lives one to two seconds (its exp is rounded up); 21 requests of 150 ms outlast it.
    sandbox.admin.set_faults("custom", token_ttl_seconds=1, latency_ms=150)
    config = {**custom_config(sandbox, page_size=10), "concurrent_requests": 1}

    records = records_of(read_source(config, _FULL))

    assert sorted(record["id"] for record in records) == sorted(_live_contacts(sandbox))
    assert sandbox.admin.stats()["custom"]["GET /custom/token"] >= 2


def test_given_rate_limits_and_server_errors_when_read_then_retries_deliver_every_contact(
    sandbox: SandboxProcess,
):
    sandbox.admin.set_faults("custom", error_rate=0.3, rate_limit_per_second=3, retry_after_seconds=1)
    config = custom_config(sandbox, page_size=20)

    records = records_of(read_source(config, _FULL))

    assert sorted(record["id"] for record in records) == sorted(_live_contacts(sandbox))
    statuses = sandbox.admin.stats()["status"]["custom"]
    assert statuses.get("429", 0) > 0
    assert statuses.get("503", 0) > 0


def test_given_dropped_connections_when_read_then_retries_deliver_every_contact(sandbox: SandboxProcess):
    sandbox.admin.set_faults("custom", drop_rate=0.25)

    records = records_of(read_source(custom_config(sandbox, page_size=10), _FULL))

    assert Counter(record["id"] for record in records) == Counter(_live_contacts(sandbox).keys())
    assert sandbox.admin.stats()["status"]["custom"].get("dropped", 0) > 0


def test_given_a_request_rate_limit_when_read_then_the_api_never_answers_429(sandbox: SandboxProcess):
    sandbox.admin.set_faults("custom", rate_limit_per_second=5)
    config = {**custom_config(sandbox, page_size=25), "max_requests_per_second": 4}

    records = records_of(read_source(config, _FULL))

    assert len(records) == len(_live_contacts(sandbox))
    assert sandbox.admin.stats()["status"]["custom"].get("429", 0) == 0
