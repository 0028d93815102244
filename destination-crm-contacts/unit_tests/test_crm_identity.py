"""How the CRM's contacts are found, on CRMs that answer a search in each way the API allows:
a list of every contact that contains the term, or (as its document shows) the id of one contact
whose field equals it."""

from __future__ import annotations

from typing import Any

import pytest
import requests_mock
from airbyte_cdk.models import AirbyteMessage, FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from unit_tests.builders import (
    COMPLETE,
    CRM_ONLY,
    catalog,
    custom_contact,
    custom_records,
    record,
    state,
    tombstone,
)
from unit_tests.conftest import totals_of, write
from unit_tests.crm_syncs import crm_config
from unit_tests.fakes import FakeCrm


@pytest.fixture
def strict_crm(http: requests_mock.Mocker) -> FakeCrm:
    return FakeCrm(http, strict=True)


def write_contacts(*ids: str, **crm: Any) -> list[AirbyteMessage]:
    """A sync of contacts `ids` and a state into the CRM alone, with `crm` over its settings."""
    config = crm_config(**crm)
    return write(config, catalog(), [*custom_records(*ids), state(1)])


def overwrite(*ids: str) -> list:
    return [*custom_records(*ids), COMPLETE]


class TestStrictCrm:
    """A CRM that does only what its document shows: `{"id"}` of one exact match, or 404."""

    def test_given_contacts_written_twice_then_each_is_held_once_with_the_marker_as_its_notes(
        self, strict_crm: FakeCrm
    ) -> None:
        write_contacts("1", "2")

        write_contacts("1", "2")

        assert sorted(c["notes"] for c in strict_crm.contacts.values()) == ["[source-id:1]", "[source-id:2]"]
        assert strict_crm.count("POST", "/contacts") == 2

    def test_given_tombstones_then_each_contact_is_deleted_and_none_reported_gone(
        self, strict_crm: FakeCrm, log_records: pytest.LogCaptureFixture
    ) -> None:
        write_contacts("1", "2", "3")

        write(CRM_ONLY, catalog(), [tombstone("1"), tombstone("2"), tombstone("3"), state(2)])

        assert strict_crm.contacts == {}
        counts = totals_of(log_records)["crm"]
        assert (counts["deleted"], counts["already_gone"], counts["rejected"]) == (3, 0, 0)

    def test_given_an_email_change_then_the_same_contact_is_edited(self, strict_crm: FakeCrm) -> None:
        write_contacts("1")

        write(
            CRM_ONLY,
            catalog(),
            [record(custom_contact("1", emails=[{"email": "new@example.com"}])), state(2)],
        )

        assert [c["email"] for c in strict_crm.contacts.values()] == ["new@example.com"]

    def test_given_a_phone_removed_at_the_source_then_no_null_is_sent_and_it_is_counted(
        self, strict_crm: FakeCrm, log_records: pytest.LogCaptureFixture
    ) -> None:
        write_contacts("1")

        write(CRM_ONLY, catalog(), [record(custom_contact("1", phones=[], first_name="Augusta")), state(2)])

        [contact] = strict_crm.contacts.values()
        assert (contact["first_name"], contact["phone"]) == ("Augusta", "+44207000001")
        counts = totals_of(log_records)["crm"]
        assert (counts["updated"], counts["rejected"]) == (1, 0)

    def test_given_a_record_without_optional_fields_then_the_create_sends_no_null(
        self, strict_crm: FakeCrm, log_records: pytest.LogCaptureFixture
    ) -> None:
        bare = custom_contact("1", last_name=None, company=None, phones=[])

        write(CRM_ONLY, catalog(), [record(bare), state(1)])

        [contact] = strict_crm.contacts.values()
        assert set(contact) == {"id", "first_name", "email", "notes"}
        assert totals_of(log_records)["crm"]["rejected"] == 0

    def test_given_search_parameters_in_a_json_body_then_contacts_are_found(
        self, strict_crm: FakeCrm
    ) -> None:
        config = crm_config(search_parameters_in="body")
        write_contacts("1", search_parameters_in="body")

        write(config, catalog(), [tombstone("1"), state(2)])

        assert strict_crm.contacts == {}

    def test_given_a_create_whose_answer_is_lost_then_it_is_found_by_its_marker_not_repeated(
        self, strict_crm: FakeCrm
    ) -> None:
        strict_crm.lose_answer("POST", "/contacts")

        write_contacts("1")

        assert len(strict_crm.contacts) == 1
        assert strict_crm.count("POST", "/contacts") == 1

    def test_given_an_unmarked_contact_with_the_same_email_then_it_is_not_adopted_by_default(
        self, strict_crm: FakeCrm
    ) -> None:
        # The answer shows an id only: nothing tells whether that contact is another source contact's.
        person = strict_crm.add(first_name="Ada", email="ada1@example.com", notes="met at a fair")

        write_contacts("1")

        assert strict_crm.contacts[person] == {
            "id": person,
            "first_name": "Ada",
            "email": "ada1@example.com",
            "notes": "met at a fair",
        }
        assert len(strict_crm.by_marker("1")) == 1

    def test_given_adoption_of_unverified_matches_then_the_contact_found_by_email_is_taken(
        self, strict_crm: FakeCrm
    ) -> None:
        person = strict_crm.add(first_name="Ada", email="ada1@example.com", notes="met at a fair")

        write_contacts("1", adopt_by_match_field="even_if_unverified")

        assert list(strict_crm.contacts) == [person]
        assert strict_crm.contacts[person]["last_name"] == "Lovelace"

    def test_given_overwrite_then_it_is_refused_before_anything_is_written(self, strict_crm: FakeCrm) -> None:
        write_contacts("1", "2")
        strict_crm.calls.clear()

        with pytest.raises(AirbyteTracedException) as failure:
            write(CRM_ONLY, catalog(("contacts", "overwrite")), overwrite("1", "3"))

        assert failure.value.failure_type == FailureType.config_error
        assert "append_dedup" in failure.value.message
        assert "crm.enabled" in failure.value.message
        assert strict_crm.writes == 0
        assert sorted(c["notes"] for c in strict_crm.contacts.values()) == ["[source-id:1]", "[source-id:2]"]


class TestListingProof:
    """The per-sync index is read from one search only when its answer proves it lists them all."""

    def test_given_a_crm_that_lists_then_known_contacts_cost_one_search_per_sync(self, crm: FakeCrm) -> None:
        write_contacts("1", "2", "3")
        crm.calls.clear()

        write(
            CRM_ONLY, catalog(), [record(custom_contact("1", first_name="Augusta")), tombstone("2"), state(2)]
        )

        # The first record's marker search (which also learns where the filters go), the search for
        # every marker, and after the first edit of a name the one that shows whether the CRM split it.
        assert crm.count("GET", "/contacts") == 3
        assert (crm.count("POST", "/contacts/edit"), crm.count("DELETE", "/contacts")) == (1, 1)

    def test_given_an_answer_that_is_one_page_then_contacts_past_it_are_still_found(
        self, crm: FakeCrm
    ) -> None:
        write_contacts("1", "2", "3", "4")
        crm.paged = True

        write(CRM_ONLY, catalog(), [tombstone(key) for key in ("1", "2", "3", "4")] + [state(2)])

        assert crm.contacts == {}

    def test_given_an_answer_that_is_one_page_then_overwrite_is_refused(self, crm: FakeCrm) -> None:
        write_contacts("1", "2", "3")
        crm.paged = True
        crm.calls.clear()

        with pytest.raises(AirbyteTracedException, match="one page of a longer list"):
            write(CRM_ONLY, catalog(("contacts", "overwrite")), overwrite("1"))

        assert crm.writes == 0

    def test_given_a_crm_that_caps_its_lists_then_contacts_past_the_cap_are_found_not_created_again(
        self, crm: FakeCrm
    ) -> None:
        crm.readings["list_cap"] = "2"
        write_contacts("1", "2", "3", "4")

        write(CRM_ONLY, catalog(), custom_records(*"1234", first_name="Augusta"))
        write(CRM_ONLY, catalog(), [tombstone(key) for key in "1234"] + [state(2)])

        assert crm.count("POST", "/contacts/edit") == 4
        assert crm.contacts == {}

    def test_given_a_listed_contact_without_a_marker_then_the_answer_is_not_taken_as_the_set(
        self, crm: FakeCrm
    ) -> None:
        write_contacts("1")
        crm.add(first_name="Someone", email="someone@example.com", notes="typed [source-id: by hand")

        write(CRM_ONLY, catalog(), [record(custom_contact("1", first_name="Augusta")), state(2)])

        assert [c["first_name"] for c in crm.by_marker("1")] == ["Augusta"]
        assert crm.count("GET", "/contacts") > 2  # the prefix search, then one by marker

    def test_given_an_empty_crm_that_lists_then_a_first_overwrite_runs_and_the_next_one_deletes(
        self, crm: FakeCrm
    ) -> None:
        write(CRM_ONLY, catalog(("contacts", "overwrite")), overwrite("1", "2", "3"))

        write(CRM_ONLY, catalog(("contacts", "overwrite")), overwrite("2"))

        assert [c["notes"] for c in crm.contacts.values()] == ["[source-id:2]"]

    def test_given_an_empty_crm_that_lists_then_after_its_first_create_no_marker_is_searched(
        self, crm: FakeCrm
    ) -> None:
        write_contacts("1", "2", "3", "4", max_concurrent_requests=1)

        # The first contact's marker search, which also learns where the filters go, and the prefix
        # search; for the first contact its email and the search that proves the listing; then only
        # an email search for each new contact: a sync that began with no managed contact knows each
        # one since, so a capped listing cannot hide one.
        assert crm.count("GET", "/contacts") == 2 + 2 + 3
        assert sorted(c["notes"] for c in crm.contacts.values()) == [f"[source-id:{k}]" for k in "1234"]

    def test_given_a_listing_proven_mid_sync_then_contacts_it_created_are_edited_not_created_again(
        self, crm: FakeCrm
    ) -> None:
        one_at_a_time = crm_config(max_concurrent_requests=1)
        messages = [
            record(custom_contact("1")),
            record(custom_contact("2")),
            state(1),
            record(custom_contact("1", first_name="Augusta")),
            tombstone("2"),
            state(2),
        ]

        write(one_at_a_time, catalog(), messages)

        held = [(c["first_name"], c["notes"]) for c in crm.contacts.values()]
        assert held == [("Augusta", "[source-id:1]")]
        assert crm.count("POST", "/contacts") == 2

    def test_given_a_crm_whose_lists_hold_exact_matches_then_the_listing_is_asked_again_once(
        self, crm: FakeCrm
    ) -> None:
        crm.exact = True
        write_contacts("1", "2", "3", max_concurrent_requests=1)

        # Every contact is searched by its marker and its email (the first one's marker search also
        # learns where the filters go); the prefix search and the one asked again after the first
        # create find nothing, so a search for the first contact's marker shows the answers carry
        # fields.
        assert crm.count("GET", "/contacts") == 3 * 2 + 2 + 1
        assert len(crm.contacts) == 3

    def test_given_an_empty_crm_that_lists_when_a_dry_run_overwrites_then_it_reports_and_writes_nothing(
        self, crm: FakeCrm, log_records: pytest.LogCaptureFixture
    ) -> None:
        config = {**CRM_ONLY, "dry_run": True}

        write(config, catalog(("contacts", "overwrite")), overwrite("1", "2"))

        assert crm.contacts == {}
        assert totals_of(log_records)["crm"]["created"] == 2

    def test_given_a_crm_that_answers_exact_matches_in_a_list_then_tombstones_delete_and_overwrite_fails(
        self, crm: FakeCrm
    ) -> None:
        crm.exact = True  # a search for the marker prefix finds nothing, ever
        write_contacts("1", "2")
        write(CRM_ONLY, catalog(), [tombstone("1"), state(2)])
        assert [c["notes"] for c in crm.contacts.values()] == ["[source-id:2]"]

        with pytest.raises(AirbyteTracedException) as failure:
            write(CRM_ONLY, catalog(("contacts", "overwrite")), overwrite("3"))

        assert failure.value.failure_type == FailureType.config_error
        assert sorted(c["notes"] for c in crm.contacts.values()) == ["[source-id:2]", "[source-id:3]"]


class TestAdoption:
    def test_given_two_source_contacts_with_one_email_then_only_one_adopts_the_unmarked_contact(
        self, crm: FakeCrm
    ) -> None:
        person = crm.add(first_name="Ada", email="shared@example.com", notes="met at a fair")
        shared = [{"email": "shared@example.com"}]

        write(
            CRM_ONLY,
            catalog(),
            [
                record(custom_contact("1", emails=shared)),
                record(custom_contact("2", emails=shared)),
                state(1),
            ],
        )

        assert len(crm.contacts) == 2
        assert crm.contacts[person]["notes"] == "met at a fair"
        assert len(crm.by_marker("1")) + len(crm.by_marker("2")) == 1

    def test_given_adoption_turned_off_then_an_unmarked_contact_with_the_email_is_left_alone(
        self, crm: FakeCrm
    ) -> None:
        person = crm.add(first_name="Ada", last_name="L.", email="ada1@example.com")

        write_contacts("1", adopt_by_match_field="never")

        assert crm.contacts[person]["last_name"] == "L."
        assert len(crm.by_marker("1")) == 1
