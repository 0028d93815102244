"""With its default settings the destination holds on each reading a CRM may take of what its
document leaves open: it learns the reading from the CRM's answers, and counts a write as done only
when the answer shows it."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import requests_mock
from airbyte_cdk.models import AirbyteMessage, FailureType, Status
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.destination import DestinationCrmContacts
from unit_tests.builders import ConfigBuilder, catalog, custom_contact, record, state, tombstone
from unit_tests.conftest import states_of, totals_of, write
from unit_tests.fakes import WRONG_CRM_URL, FakeCrm, answer_everything_under

LOGGER = logging.getLogger("airbyte")
EXAMPLES = {
    "search_in": "body",
    "no_match": "not_found",
    "read_answer": "id",
    "match": "exact",
    "edit_spelling": "example",
    "phone": "integer",
}


def crm_config(**settings: Any) -> dict[str, Any]:
    return ConfigBuilder().only_crm().with_crm(**settings).build()


def sync(ids: list[str], config: dict[str, Any] | None = None, **fields: Any) -> list[AirbyteMessage]:
    records = [record(custom_contact(key, **fields)) for key in ids]
    return write(config or crm_config(), catalog(), [*records, state(1)])


def held_once(crm: FakeCrm, ids: list[str], **fields: Any) -> None:
    """Every source contact is held by exactly one CRM contact, with `fields`; no other contact."""
    assert len(crm.contacts) == len(ids)
    for key in ids:
        [contact] = crm.by_marker(key)
        assert {name: contact.get(name) for name in fields} == fields


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


class TestEditSpelling:
    @pytest.mark.parametrize("other_spelling", ["refused", "ignored"])
    def test_given_a_crm_taking_the_example_spelling_when_contacts_change_then_every_change_lands(
        self, http: requests_mock.Mocker, other_spelling: str, log_records: pytest.LogCaptureFixture
    ) -> None:
        crm = FakeCrm(http, readings={"edit_spelling": "example", "other_spelling": other_spelling})
        ids = [str(n) for n in range(20)]
        sync(ids)

        sync(ids, first_name="Augusta")

        held_once(crm, ids, first_name="Augusta")
        assert totals_of(log_records)["crm"]["updated"] == 20
        # The first edit learnt the spelling; the others used it.
        assert crm.count("POST", "/contacts/edit") == 21

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

    def test_given_the_legacy_edit_field_names_setting_then_it_pins_its_spelling(
        self, http: requests_mock.Mocker
    ) -> None:
        crm = FakeCrm(http, readings={"edit_spelling": "example", "other_spelling": "refused"})
        sync(["1"])

        sync(["1"], crm_config(edit_field_names="contactID/updateFields"), first_name="Augusta")

        held_once(crm, ["1"], first_name="Augusta")
        assert crm.count("POST", "/contacts/edit") == 1


class TestEditedName:
    @pytest.mark.parametrize("read_answer", ["documents", "id"])
    def test_given_an_edit_that_sets_the_first_name_to_the_name_then_first_names_follow_the_source(
        self, http: requests_mock.Mocker, read_answer: str
    ) -> None:
        crm = FakeCrm(http, readings={"edit_name": "first_name", "read_answer": read_answer})
        ids = [str(n) for n in range(10)]
        sync(ids)

        sync(ids, first_name="Augusta")

        held_once(crm, ids, first_name="Augusta", last_name="Lovelace")

    def test_given_an_edit_that_splits_the_name_then_first_and_last_names_follow_the_source(
        self, http: requests_mock.Mocker
    ) -> None:
        crm = FakeCrm(http)
        sync(["1", "2"])

        sync(["1", "2"], first_name="Augusta", last_name="King")

        held_once(crm, ["1", "2"], first_name="Augusta", last_name="King")


class TestIntegerPhone:
    def test_given_a_crm_typing_the_phone_integer_then_contacts_are_written_with_its_digits(
        self, http: requests_mock.Mocker
    ) -> None:
        crm = FakeCrm(http, readings={"phone": "integer"})
        ids = [str(n) for n in range(10)]

        sync(ids)
        sync(ids, phones=[{"number": "+44 20 7000 0099", "label": "work"}])

        held_once(crm, ids)
        assert {contact["phone"] for contact in crm.contacts.values()} == {442070000099}

    def test_given_an_integer_phone_refused_with_a_bare_500_then_contacts_are_written_with_its_digits(
        self, http: requests_mock.Mocker, log_records: pytest.LogCaptureFixture
    ) -> None:
        crm = FakeCrm(http, readings={"phone": "integer", "refusal": "500"})
        ids = [str(n) for n in range(10)]

        sync(ids)

        held_once(crm, ids)
        assert all(isinstance(contact["phone"], int) for contact in crm.contacts.values())
        assert totals_of(log_records)["crm"]["rejected"] == 0

    def test_given_an_integer_phone_when_a_phone_has_no_digit_then_the_contact_is_written_without_it(
        self, http: requests_mock.Mocker
    ) -> None:
        crm = FakeCrm(http, readings={"phone": "integer"})
        sync(["1"])

        sync(["2"], phones=[{"number": "ask reception", "label": "work"}])

        [contact] = crm.by_marker("2")
        assert "phone" not in contact

    def test_given_phone_pinned_as_text_on_an_integer_crm_then_each_record_with_a_phone_is_rejected(
        self, http: requests_mock.Mocker, log_records: pytest.LogCaptureFixture
    ) -> None:
        FakeCrm(http, readings={"phone": "integer"})

        sync(["1", "2"], crm_config(phone_as="text"))

        assert totals_of(log_records)["crm"]["rejected"] == 2


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


class TestRequestsPerRecord:
    def test_given_a_crm_answering_ids_only_when_2000_new_contacts_are_written_then_each_costs_two_requests(
        self, http: requests_mock.Mocker
    ) -> None:
        crm = FakeCrm(http, strict=True)
        ids = [str(n) for n in range(2000)]

        sync(ids)

        held_once(crm, ids)
        learning = 2  # the search for a marker no contact holds; the one that shows the answers' form
        per_record = (len(crm.calls) - learning) / len(ids)
        assert f"{per_record:.2f}" == "2.00"
        # The one request more is the first new contact's search by email, for a contact to adopt.
        assert len(crm.calls) == 2 * len(ids) + 3


class TestDeletePlace:
    @pytest.mark.parametrize("place", ["body", "query", "path"])
    def test_given_a_crm_taking_the_delete_id_in_one_place_then_tombstones_delete(
        self, http: requests_mock.Mocker, place: str, log_records: pytest.LogCaptureFixture
    ) -> None:
        crm = FakeCrm(http, readings={"delete_id_in": place})
        sync(["1", "2", "3"])

        write(crm_config(), catalog(), [tombstone("1"), tombstone("2"), state(2)])

        held_once(crm, ["3"])
        assert totals_of(log_records)["crm"]["deleted"] == 2


class TestPathsThatOnlyAnswer404:
    def test_given_a_base_url_at_the_wrong_level_when_tombstones_alone_are_written_then_no_state_goes_out(
        self, http: requests_mock.Mocker
    ) -> None:
        answer_everything_under(http, WRONG_CRM_URL, status_code=404, json={"detail": "Not Found"})
        output: list[AirbyteMessage] = []

        with pytest.raises(AirbyteTracedException) as failure:
            output.extend(write(crm_config(base_url=WRONG_CRM_URL), catalog(), [tombstone("1"), state(1)]))

        assert states_of(output) == []
        assert failure.value.failure_type == FailureType.config_error
        assert "crm.base_url and crm.contacts_path" in failure.value.message

    def test_given_a_crm_answering_404_for_no_match_when_tombstones_alone_are_written_then_they_are_gone(
        self, http: requests_mock.Mocker, log_records: pytest.LogCaptureFixture
    ) -> None:
        crm = FakeCrm(http, strict=True)

        output = write(crm_config(), catalog(), [tombstone("1"), tombstone("2"), state(1)])

        assert len(states_of(output)) == 1
        assert totals_of(log_records)["crm"]["already_gone"] == 2
        assert crm.contacts == {}


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
