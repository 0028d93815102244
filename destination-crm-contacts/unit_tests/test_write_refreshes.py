"""Airbyte's refreshes: a truncate refresh sweeps like `overwrite`, a merge refresh never sweeps."""

from __future__ import annotations

import pytest
import requests_mock
from airbyte_cdk.models import AirbyteMessage, AirbyteStreamStatus, FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from unit_tests.builders import (
    COMPLETE,
    CRM_ONLY,
    ConfigBuilder,
    catalog,
    custom_contact,
    merge_refresh,
    record,
    source_error,
    state,
    stream_status,
    tombstone,
    truncate_refresh,
)
from unit_tests.conftest import write
from unit_tests.fakes import FakeClientContacts, FakeCrm


def contacts(*ids: int) -> list[AirbyteMessage]:
    return [record(custom_contact(str(i))) for i in ids]


def held(crm: FakeCrm, client_contacts: FakeClientContacts) -> tuple[list[str], list[str]]:
    """The source keys each target holds."""
    in_crm = sorted(c["notes"].removeprefix("[source-id:").removesuffix("]") for c in crm.contacts.values())
    in_client_contacts = sorted(
        d["integration_meta"]["external_id"] for d in client_contacts.documents.values()
    )
    return in_crm, in_client_contacts


@pytest.fixture
def four_written(crm: FakeCrm, client_contacts: FakeClientContacts) -> None:
    """Contacts 0 to 3 in both targets, from an earlier sync."""
    write(ConfigBuilder().build(), catalog(), [*contacts(0, 1, 2, 3), state(1)])


@pytest.mark.usefixtures("four_written")
class TestTruncateRefresh:
    @pytest.mark.parametrize("mode", ["append", "append_dedup", "overwrite"])
    def test_given_a_completed_truncate_refresh_in_any_mode_then_contacts_it_did_not_write_are_deleted(
        self, mode: str, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        write(ConfigBuilder().build(), truncate_refresh(mode), [*contacts(1, 3), state(2), COMPLETE])

        assert held(crm, client_contacts) == (["1", "3"], ["1", "3"])

    def test_given_a_truncate_refresh_in_append_then_each_contact_is_held_once_not_created_again(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        # Airbyte sends "Full refresh | Overwrite" to a destination that supports refreshes as
        # `append` with a truncate refresh.
        write(
            ConfigBuilder().build(), truncate_refresh("append"), [*contacts(0, 1, 2, 3), state(2), COMPLETE]
        )

        assert held(crm, client_contacts) == (["0", "1", "2", "3"], ["0", "1", "2", "3"])
        assert (crm.count("POST", "/contacts"), client_contacts.count("POST", "/contacts")) == (4, 4)

    def test_given_a_truncate_refresh_with_a_tombstone_then_that_contact_is_deleted_too(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        write(
            ConfigBuilder().build(),
            truncate_refresh("append"),
            [*contacts(0, 1, 2), tombstone("2"), state(2), COMPLETE],
        )

        assert held(crm, client_contacts) == (["0", "1"], ["0", "1"])

    @pytest.mark.parametrize(
        "ending",
        [
            pytest.param([], id="no stream status"),
            pytest.param([stream_status(AirbyteStreamStatus.RUNNING)], id="running"),
            pytest.param([stream_status(AirbyteStreamStatus.INCOMPLETE)], id="incomplete"),
            pytest.param([source_error(), COMPLETE], id="a source error"),
        ],
    )
    def test_given_a_truncate_refresh_that_does_not_complete_then_nothing_is_deleted(
        self, ending: list[AirbyteMessage], crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        write(ConfigBuilder().build(), truncate_refresh(), [*contacts(1), state(2), *ending])

        assert held(crm, client_contacts) == (["0", "1", "2", "3"], ["0", "1", "2", "3"])

    def test_given_a_truncate_refresh_then_the_log_says_what_it_deletes(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
    ) -> None:
        write(ConfigBuilder().build(), truncate_refresh(), [*contacts(1), state(2), COMPLETE])

        assert "crm: truncate refresh deletes 3 contacts missing from this sync" in log_records.text
        assert (
            "client_contacts: truncate refresh deletes 3 contacts missing from this sync" in log_records.text
        )


class TestMergeRefresh:
    @pytest.mark.usefixtures("four_written")
    @pytest.mark.parametrize("mode", ["append_dedup", "overwrite"])
    def test_given_a_merge_refresh_then_nothing_is_swept_and_tombstones_still_delete(
        self, mode: str, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        # Generation ids decide over the mode: `overwrite` refreshed with "Refresh and retain records".
        write(
            ConfigBuilder().build(), merge_refresh(mode), [*contacts(1), tombstone("2"), state(2), COMPLETE]
        )

        assert held(crm, client_contacts) == (["0", "1", "3"], ["0", "1", "3"])


@pytest.mark.usefixtures("four_written")
class TestGenerationIdsThatSayNothing:
    def test_given_the_ones_pyairbyte_fills_in_then_an_incremental_write_deletes_nothing(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        # PyAirbyte sends generation 1, minimum 1 and sync id 1 on every write of a catalog without them.
        placeholders = catalog(("contacts", "append_dedup"), generations=(1, 1, 1))

        write(ConfigBuilder().build(), placeholders, [*contacts(1), state(2), COMPLETE])

        assert held(crm, client_contacts) == (["0", "1", "2", "3"], ["0", "1", "2", "3"])

    def test_given_the_ones_pyairbyte_fills_in_with_overwrite_then_the_mode_sweeps(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        placeholders = catalog(("contacts", "overwrite"), generations=(1, 1, 1))

        write(ConfigBuilder().build(), placeholders, [*contacts(1), state(2), COMPLETE])

        assert held(crm, client_contacts) == (["1"], ["1"])

    def test_given_a_first_truncate_refresh_of_generation_1_from_airbyte_then_it_sweeps(
        self, crm: FakeCrm, client_contacts: FakeClientContacts
    ) -> None:
        write(ConfigBuilder().build(), truncate_refresh(generation=1), [*contacts(1), state(2), COMPLETE])

        assert held(crm, client_contacts) == (["1"], ["1"])


def test_given_a_crm_that_cannot_list_when_a_truncate_refresh_starts_then_it_is_refused_before_any_write(
    http: requests_mock.Mocker,
) -> None:
    strict_crm = FakeCrm(http, strict=True)
    write(CRM_ONLY, catalog(), [*contacts(0, 1), state(1)])
    strict_crm.calls.clear()

    with pytest.raises(AirbyteTracedException) as failure:
        write(CRM_ONLY, truncate_refresh(), [*contacts(1, 2), state(2), COMPLETE])

    assert failure.value.failure_type == FailureType.config_error
    assert "truncate refresh" in str(failure.value.message)
    assert "Refresh and retain records" in str(failure.value.message)
    assert strict_crm.writes == 0
    assert sorted(c["notes"] for c in strict_crm.contacts.values()) == ["[source-id:0]", "[source-id:1]"]
