"""A rate limit slows the read down; it does not fail it, and no contact is lost or repeated."""

from __future__ import annotations

from collections import Counter
from typing import Any

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read

from contacts_sandbox.testing import SandboxProcess
from integration_tests.conftest import custom_config
from integration_tests.helpers import catalog, records_of
from source_custom_contacts import SourceCustomContacts

# Pages of 20: 15 page requests, a token, the delta check and a page or two past the end. At two
# requests a second, about ten seconds if none were wasted.
CONTACTS = 300


def _read_all(sandbox: SandboxProcess, **settings: Any) -> EntrypointOutput:
    sandbox.admin.reset_stats()
    config = {**custom_config(sandbox, page_size=20), **settings}
    config.pop("concurrent_requests", None)  # the default ceiling: pages in flight adapt below it
    return read(SourceCustomContacts(), config, catalog(("contacts", SyncMode.full_refresh)))


def _assert_every_contact_read_once(sandbox: SandboxProcess, output: EntrypointOutput) -> None:
    assert not output.errors, [error.trace.error.message for error in output.errors if error.trace]
    live = [contact["id"] for contact in sandbox.admin.dump("custom")["contacts"]]
    assert len(live) == CONTACTS
    assert Counter(record["id"] for record in records_of(output)) == Counter(live)


def test_given_a_limit_the_source_is_not_told_of_when_read_then_every_contact_is_read_once(
    sandbox: SandboxProcess,
) -> None:
    sandbox.admin.reset(contacts=CONTACTS)
    sandbox.admin.set_faults("custom", rate_limit_per_second=2, retry_after_seconds=1)

    output = _read_all(sandbox)

    _assert_every_contact_read_once(sandbox, output)
    assert sandbox.admin.stats()["status"]["custom"].get("429", 0) > 0, "no 429 met: the test proves nothing"


def test_given_max_requests_per_second_under_the_limit_when_read_then_no_request_meets_a_429(
    sandbox: SandboxProcess,
) -> None:
    sandbox.admin.reset(contacts=CONTACTS)
    sandbox.admin.set_faults("custom", rate_limit_per_second=3, retry_after_seconds=1)

    output = _read_all(sandbox, max_requests_per_second=2)

    _assert_every_contact_read_once(sandbox, output)
    assert sandbox.admin.stats()["status"]["custom"].get("429", 0) == 0
