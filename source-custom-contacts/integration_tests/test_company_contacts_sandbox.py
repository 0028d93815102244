"""The Company Contacts API streams against the sandbox: scoping, tags and client-side incremental."""

from __future__ import annotations

from airbyte_cdk.models import SyncMode

from contacts_sandbox.testing import SandboxProcess
from integration_tests.conftest import company_config
from integration_tests.helpers import catalog, final_states, read_source, records_of

_FULL = catalog(("contacts", SyncMode.full_refresh), ("contact_tags", SyncMode.full_refresh))
_INCREMENTAL = catalog(("contacts", SyncMode.incremental))


def _company(sandbox: SandboxProcess, key: str) -> dict:
    return sandbox.admin.dump("company")[key]


def test_given_two_companies_when_each_key_reads_then_each_sees_only_its_own_contacts_and_tags(
    sandbox: SandboxProcess,
):
    for key, other in (("company-a-key", "company-b-key"), ("company-b-key", "company-a-key")):
        output = read_source(company_config(sandbox, api_key=key), _FULL)

        contact_ids = [record["id"] for record in records_of(output, "contacts")]
        tag_ids = [record["id"] for record in records_of(output, "contact_tags")]
        own, foreign = _company(sandbox, key), _company(sandbox, other)
        assert sorted(contact_ids) == sorted(contact["id"] for contact in own["contacts"])
        assert sorted(tag_ids) == sorted(tag["id"] for tag in own["tags"])
        assert not set(contact_ids) & {contact["id"] for contact in foreign["contacts"]}


def test_given_contacts_read_when_read_then_they_carry_their_tags(sandbox: SandboxProcess):
    records = records_of(read_source(company_config(sandbox), _FULL), "contacts")

    dumped = {contact["id"]: contact for contact in _company(sandbox, "company-a-key")["contacts"]}
    assert {r["id"]: [t["id"] for t in r["tags"]] for r in records} == {
        i: [t["id"] for t in c["tags"]] for i, c in dumped.items()
    }


def test_given_changes_after_a_sync_when_read_incrementally_then_only_the_changed_contacts_come(
    sandbox: SandboxProcess,
):
    config = company_config(sandbox)
    first = read_source(config, _INCREMENTAL)
    churn = sandbox.admin.churn("company", create=4, update=6, company="company-a-key", seed=5)

    second = read_source(config, _INCREMENTAL, final_states(first))

    assert {record["id"] for record in records_of(second)} == set(churn["created"]) | set(churn["updated"])
    assert len(records_of(first)) == len(_company(sandbox, "company-a-key")["contacts"]) - len(
        churn["created"]
    )


def test_given_a_search_term_when_read_then_only_matching_contacts_come(sandbox: SandboxProcess):
    contacts = _company(sandbox, "company-a-key")["contacts"]
    term = contacts[0]["last_name"]

    records = records_of(read_source(company_config(sandbox, search=term), _FULL), "contacts")

    assert records
    assert {record["id"] for record in records} <= {c["id"] for c in contacts}
    assert len(records) < len(contacts)
