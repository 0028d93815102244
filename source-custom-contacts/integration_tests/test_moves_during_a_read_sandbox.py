"""Contacts created, updated and deleted between the pages of a full read, against the sandbox.

Under the strict profile both contact lists are ordered by last change, so an update moves a
contact to the end and every later one back a place. The churn is made from a hook on the
source's own client, just before chosen page requests, one page in flight at a time: the same
moves land between the same pages on every run.
"""

from __future__ import annotations

from typing import Any

from airbyte_cdk.models import SyncMode

from contacts_sandbox.testing import SandboxProcess
from integration_tests.conftest import CHURN_BEFORE, company_config, custom_config
from integration_tests.helpers import catalog, read_source, records_of

_FULL = catalog(("contacts", SyncMode.full_refresh))
_COMPANY = "company-a-key"


def _unchanged(before: set[str], churns: list[dict[str, list[str]]]) -> set[str]:
    moved = {contact_id for churn in churns for contact_id in churn["updated"] + churn["deleted"]}
    return before - moved


def test_given_churn_between_the_pages_of_a_full_read_of_the_custom_api_then_no_unchanged_contact_is_missed(
    sandbox: SandboxProcess, churn_between_pages: Any
):
    before = {contact["id"] for contact in sandbox.admin.dump("custom")["contacts"]}
    churns = churn_between_pages(
        "/contacts", lambda seed: sandbox.admin.churn("custom", create=2, update=6, delete=3, seed=seed)
    )
    config = custom_config(sandbox, page_size=20) | {"concurrent_requests": 1}

    output = read_source(config, _FULL)

    assert len(churns) == len(CHURN_BEFORE)
    emitted = {record["id"] for record in records_of(output)}
    assert _unchanged(before, churns) - emitted == set()


def test_given_churn_between_the_pages_of_a_full_read_of_the_company_api_then_no_unchanged_contact_is_missed(
    sandbox: SandboxProcess, churn_between_pages: Any
):
    before = {contact["id"] for contact in sandbox.admin.dump("company")[_COMPANY]["contacts"]}
    churns = churn_between_pages(
        "/api/v1/contacts",
        lambda seed: sandbox.admin.churn(
            "company", create=2, update=6, delete=3, company=_COMPANY, seed=seed
        ),
    )
    config = company_config(sandbox, page_size=10) | {"concurrent_requests": 1}

    output = read_source(config, _FULL)

    assert len(churns) == len(CHURN_BEFORE)
    emitted = {record["id"] for record in records_of(output)}
    assert _unchanged(before, churns) - emitted == set()
