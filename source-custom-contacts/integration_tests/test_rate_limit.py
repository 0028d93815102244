"""A sustained rate limit slows the read down; it does not fail it."""

from __future__ import annotations

from collections import Counter

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.entrypoint_wrapper import read

from contacts_sandbox.testing import SandboxProcess
from integration_tests.conftest import custom_config
from integration_tests.helpers import catalog, records_of
from source_custom_contacts import SourceCustomContacts

# Pages of 20: 15 page requests, a token, the delta check and a page past the end. At two
# requests a second, about ten seconds if none were wasted.
CONTACTS = 300


def test_given_a_limit_of_2_per_second_and_4_concurrent_requests_then_every_contact_is_read_once(
    sandbox: SandboxProcess,
) -> None:
    sandbox.admin.reset(contacts=CONTACTS)
    sandbox.admin.set_faults("custom", rate_limit_per_second=2, retry_after_seconds=1)
    # No max_requests_per_second: nothing tells the source the limit but the 429s. Two retries:
    # a page request that met the limit three times in a row would have failed the read.
    config = {**custom_config(sandbox, page_size=20), "concurrent_requests": 4}

    output = read(SourceCustomContacts(max_retries=2), config, catalog(("contacts", SyncMode.full_refresh)))

    assert not output.errors, [error.trace.error.message for error in output.errors if error.trace]
    live = [contact["id"] for contact in sandbox.admin.dump("custom")["contacts"]]
    assert len(live) == CONTACTS
    assert Counter(record["id"] for record in records_of(output)) == Counter(live)
    assert sandbox.admin.stats()["status"]["custom"].get("429", 0) > 0, "no 429 met: the test proves nothing"
