"""An incremental read asks no page it does not need, whether the server orders its delta by id or
by last change: counted by the sandbox."""

from __future__ import annotations

import pytest
from airbyte_cdk.models import SyncMode

from contacts_sandbox.testing import SandboxProcess
from integration_tests.conftest import custom_config
from integration_tests.helpers import catalog, final_states, read_source

_CONTACTS = 5_000
_LIMIT = 10
_CHURN = {"create": 10, "update": 30, "delete": 10}  # 50 changes


@pytest.mark.parametrize("order", ["id", "last_change"])
def test_given_1_percent_churn_when_read_incrementally_then_at_most_the_changes_pages_and_2_more_requests(
    sandbox: SandboxProcess, order: str
) -> None:
    sandbox.admin.reset(contacts=_CONTACTS, readings={"custom.order": order})
    config = custom_config(sandbox, page_size=_LIMIT, lookback_window_seconds=60)
    incremental = catalog(("contacts", SyncMode.incremental))
    first = read_source(config, incremental)
    # Dated a few seconds back, as changes made before a sync are: not in the second it begins.
    sandbox.admin.churn("custom", seed=3, seconds_ago=5, **_CHURN)
    sandbox.admin.reset_stats()

    read_source(config, incremental, final_states(first))

    requests = sum(sandbox.admin.stats()["custom"].values())
    changes = sum(_CHURN.values())
    assert requests <= -(-changes // _LIMIT) + 2, sandbox.admin.stats()["custom"]
