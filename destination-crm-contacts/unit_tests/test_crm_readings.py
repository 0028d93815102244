"""With its default settings the destination holds on each reading a CRM may take of what its
document leaves open: it learns the reading from the CRM's answers, and counts a write as done only
when the answer shows it."""

from __future__ import annotations

import pytest
import requests_mock
from airbyte_cdk.models import AirbyteMessage, FailureType, Status
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.destination import DestinationCrmContacts
from unit_tests.builders import catalog, state, tombstone
from unit_tests.conftest import states_of, totals_of, write
from unit_tests.crm_syncs import EXAMPLES, LOGGER, crm_config, crm_holding, held_once, sync
from unit_tests.fakes import FakeCrm


class TestSearchPlace:
    @pytest.mark.parametrize("absent_filter", ["refused", "match_all"])
    def test_given_filters_read_from_the_body_when_120_contacts_are_written_then_each_is_held_once(
        self, http: requests_mock.Mocker, absent_filter: str
    ) -> None:
        crm = FakeCrm(
            http, readings={"search_in": "body", "absent_filter": absent_filter, "read_answer": "id"}
        )
        ids = [str(n) for n in range(120)]

        sync(ids)
        sync(ids, first_name="Augusta")

        held_once(crm, ids, first_name="Augusta")

    def test_given_a_crm_reading_filters_only_from_the_body_when_checked_then_check_succeeds(
        self, http: requests_mock.Mocker
    ) -> None:
        FakeCrm(http, readings={"search_in": "body", "absent_filter": "match_all"})

        status = DestinationCrmContacts().check(LOGGER, crm_config())

        assert status.status == Status.SUCCEEDED, status.message
        assert "search filters in the query string and a JSON body" in (status.message or "")

    def test_given_search_pinned_to_the_query_on_a_body_reader_then_the_sync_fails_naming_auto(
        self, http: requests_mock.Mocker
    ) -> None:
        crm = FakeCrm(http, readings={"search_in": "body", "absent_filter": "match_all"})
        crm.add(first_name="Someone", email="someone@example.com")

        with pytest.raises(AirbyteTracedException) as failure:
            sync(["1"], crm_config(search_parameters_in="query"))

        assert failure.value.failure_type == FailureType.config_error
        assert "set crm.search_parameters_in to auto" in failure.value.message
        assert crm.writes == 0

    @pytest.mark.parametrize("read_answer", ["documents", "id"])
    def test_given_a_crm_reading_filters_nowhere_then_check_and_sync_fail_before_writing_naming_the_settings(
        self, http: requests_mock.Mocker, read_answer: str
    ) -> None:
        readings = {"search_in": "neither", "absent_filter": "match_all", "read_answer": read_answer}
        crm = FakeCrm(http, readings=readings)
        crm.add(first_name="Someone", email="someone@example.com")
        output: list[AirbyteMessage] = []

        status = DestinationCrmContacts().check(LOGGER, crm_config())
        with pytest.raises(AirbyteTracedException) as failure:
            output.extend(sync(["1"]))

        assert status.status == Status.FAILED
        for message in (status.message or "", failure.value.message or ""):
            assert "the CRM does not read the filters there" in message
            assert "crm.identity_field" in message
        assert states_of(output) == []
        assert crm.writes == 0

    def test_given_a_crm_answering_ids_only_when_its_contacts_change_then_their_first_find_is_proven_once(
        self, http: requests_mock.Mocker
    ) -> None:
        # The first record's marker search finds an id, which a CRM matching every contact would
        # answer too: a search for a marker no contact holds proves the filters before any edit.
        crm, ids = crm_holding(http, 3, read_answer="id", no_match="not_found", match="exact")
        crm.calls.clear()

        sync(ids, first_name="Augusta")

        held_once(crm, ids, first_name="Augusta")
        # Both before any write; then the search that shows what an edit of a name does, and a
        # marker search for each other contact.
        assert crm.calls[:2] == [("GET", "/contacts")] * 2
        assert (crm.count("GET", "/contacts"), crm.count("POST", "/contacts/edit")) == (2 + 1 + 2, 3)


class TestEditSpelling:
    @pytest.mark.parametrize("other_spelling", ["refused", "ignored"])
    def test_given_a_crm_taking_the_example_spelling_when_contacts_change_then_every_change_lands(
        self, http: requests_mock.Mocker, other_spelling: str, log_records: pytest.LogCaptureFixture
    ) -> None:
        crm, ids = crm_holding(http, 20, edit_spelling="example", other_spelling=other_spelling)

        sync(ids, first_name="Augusta")

        held_once(crm, ids, first_name="Augusta")
        assert totals_of(log_records)["crm"]["updated"] == 20
        # The first edit learnt the spelling; the others used it.
        assert crm.count("POST", "/contacts/edit") == 21

    @pytest.mark.parametrize("taken", ["table", "example"])
    def test_given_a_crm_refusing_the_other_spelling_with_a_bare_500_when_contacts_change_then_all_land(
        self, http: requests_mock.Mocker, taken: str, log_records: pytest.LogCaptureFixture
    ) -> None:
        # The spelling not read is refused as an unhandled error would be: it is tried once only.
        crm, ids = crm_holding(http, 20, edit_spelling=taken, refusal="500")

        sync(ids, first_name="Augusta")

        held_once(crm, ids, first_name="Augusta")
        assert totals_of(log_records)["crm"]["updated"] == 20
        assert crm.count("POST", "/contacts/edit") == 20 + (taken == "example")

    def test_given_the_table_spelling_pinned_on_a_crm_ignoring_it_then_no_edit_is_counted_nor_state_sent(
        self, http: requests_mock.Mocker
    ) -> None:
        crm = FakeCrm(http, readings={"edit_spelling": "example", "other_spelling": "ignored"})
        sync(["1"])
        output: list[AirbyteMessage] = []

        with pytest.raises(AirbyteTracedException) as failure:
            output.extend(sync(["1"], crm_config(edit_spelling="table"), first_name="Augusta"))

        assert states_of(output) == []
        assert failure.value.failure_type == FailureType.config_error
        assert "Set crm.edit_spelling to auto" in failure.value.message
        held_once(crm, ["1"], first_name="Ada")

    def test_given_the_table_spelling_pinned_on_a_crm_ignoring_it_then_check_fails_naming_the_setting(
        self, http: requests_mock.Mocker
    ) -> None:
        crm = FakeCrm(http, readings={"edit_spelling": "example", "other_spelling": "ignored"})

        status = DestinationCrmContacts().check(LOGGER, crm_config(edit_spelling="table"))

        assert status.status == Status.FAILED
        assert "Set crm.edit_spelling to auto" in (status.message or "")
        assert crm.contacts == {}

    def test_given_the_legacy_edit_field_names_setting_then_it_pins_its_spelling(
        self, http: requests_mock.Mocker
    ) -> None:
        crm = FakeCrm(http, readings={"edit_spelling": "example", "other_spelling": "refused"})
        sync(["1"])

        sync(["1"], crm_config(edit_field_names="contactID/updateFields"), first_name="Augusta")

        held_once(crm, ["1"], first_name="Augusta")
        assert crm.count("POST", "/contacts/edit") == 1


class TestEveryExampleAtOnce:
    def test_given_a_crm_built_from_its_examples_when_contacts_are_written_changed_and_deleted_then_all_hold(
        self, http: requests_mock.Mocker, log_records: pytest.LogCaptureFixture
    ) -> None:
        crm = FakeCrm(http, readings=EXAMPLES)
        ids = [str(n) for n in range(30)]

        sync(ids)
        sync(ids, first_name="Augusta")
        write(crm_config(), catalog(), [tombstone("0"), tombstone("1"), state(2)])

        held_once(crm, ids[2:], first_name="Augusta")
        assert totals_of(log_records)["crm"]["deleted"] == 2


class TestDeletePlace:
    @pytest.mark.parametrize("place", ["query", "path"])
    def test_given_a_crm_refusing_other_places_with_a_bare_500_when_contacts_are_deleted_then_all_go(
        self, http: requests_mock.Mocker, place: str, log_records: pytest.LogCaptureFixture
    ) -> None:
        # A delete without the id where this CRM reads it is refused as an unhandled error would
        # be: that form is tried once only, and the next one deletes.
        crm, ids = crm_holding(http, 5, delete_id_in=place, refusal="500")

        write(crm_config(), catalog(), [*(tombstone(key) for key in ids), state(2)])

        assert crm.contacts == {}
        assert totals_of(log_records)["crm"]["deleted"] == 5


class TestRequestsPerRecord:
    def test_given_a_crm_answering_ids_only_when_2000_new_contacts_are_written_then_each_costs_two_requests(
        self, http: requests_mock.Mocker
    ) -> None:
        crm = FakeCrm(http, strict=True)
        ids = [str(n) for n in range(2000)]

        sync(ids)

        held_once(crm, ids)
        # Learning: the first contact's search by email, for a contact to adopt, made while nothing
        # shows whether the answers carry fields, and the search after its create that shows they
        # do not. Its marker search also learns where the filters go.
        learning = 2
        assert len(crm.calls) == 2 * len(ids) + learning


class TestCheckReport:
    def test_given_a_crm_built_from_its_examples_when_checked_then_the_message_names_each_reading(
        self, http: requests_mock.Mocker
    ) -> None:
        crm = FakeCrm(http, readings={**EXAMPLES, "delete_id_in": "query"})

        status = DestinationCrmContacts().check(LOGGER, crm_config())

        assert status.status == Status.SUCCEEDED, status.message
        message = status.message or ""
        assert "edit spelled contactID/updateFields (example)" in message
        assert "phone as integer" in message
        assert "delete id in the query string" in message
        assert crm.contacts == {}
