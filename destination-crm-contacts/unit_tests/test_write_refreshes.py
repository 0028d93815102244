"""Airbyte's refreshes against a CRM that cannot list the contacts it manages. What each refresh
sweeps is the writer's, tested over targets in memory (`test_writer_sweeps.py`)."""

from __future__ import annotations

import pytest
import requests_mock
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from unit_tests.builders import (
    COMPLETE,
    CRM_ONLY,
    catalog,
    custom_records,
    state,
    truncate_refresh,
)
from unit_tests.conftest import write
from unit_tests.fakes import FakeCrm


def test_given_a_crm_that_cannot_list_when_a_truncate_refresh_starts_then_it_is_refused_before_any_write(
    http: requests_mock.Mocker,
) -> None:
    strict_crm = FakeCrm(http, strict=True)
    write(CRM_ONLY, catalog(), [*custom_records(0, 1), state(1)])
    strict_crm.calls.clear()

    with pytest.raises(AirbyteTracedException) as failure:
        write(CRM_ONLY, truncate_refresh(), [*custom_records(1, 2), state(2), COMPLETE])

    assert failure.value.failure_type == FailureType.config_error
    assert "truncate refresh" in str(failure.value.message)
    assert "Refresh and retain records" in str(failure.value.message)
    assert strict_crm.writes == 0
    assert sorted(c["notes"] for c in strict_crm.contacts.values()) == ["[source-id:0]", "[source-id:1]"]
