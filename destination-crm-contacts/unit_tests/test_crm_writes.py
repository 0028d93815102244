"""With its default settings the destination writes each CRM contact as the CRM reads it: the phone
as text or an integer, an edited name split or taken as the first name, the delete's id where the
CRM looks; and it counts a contact as gone only on a path that proved it is the API's."""

from __future__ import annotations

import pytest
import requests
import requests_mock
from airbyte_cdk.models import AirbyteMessage, FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.clients.crm_readings import CrmReadings, learns_integer_phone
from destination_crm_contacts.config import CrmConfig
from unit_tests.builders import catalog, state, tombstone
from unit_tests.conftest import states_of, totals_of, write
from unit_tests.crm_syncs import crm_config, crm_holding, held_once, sync
from unit_tests.fakes import CRM_URL, WRONG_CRM_URL, FakeCrm, answer_everything_under


class TestEditedName:
    @pytest.mark.parametrize("read_answer", ["documents", "id"])
    def test_given_an_edit_that_sets_the_first_name_to_the_name_then_first_names_follow_the_source(
        self, http: requests_mock.Mocker, read_answer: str
    ) -> None:
        crm, ids = crm_holding(http, 10, edit_name="first_name", read_answer=read_answer)

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
        self, http: requests_mock.Mocker, log_records: pytest.LogCaptureFixture
    ) -> None:
        crm = FakeCrm(http, readings={"phone": "integer"})
        ids = [str(n) for n in range(10)]

        sync(ids)
        sync(ids, phones=[{"number": "+44 20 7000 0099", "label": "work"}])

        held_once(crm, ids)
        assert {contact["phone"] for contact in crm.contacts.values()} == {442070000099}
        assert totals_of(log_records)["crm"]["rejected"] == 0

    def test_given_a_text_phone_refused_after_another_write_learnt_integers_then_it_is_sent_again(
        self,
    ) -> None:
        # Writes in flight were sent as text before the first refusal taught integers.
        readings = CrmReadings(CrmConfig(base_url=CRM_URL, api_key="key"))
        readings.learn_phone("integer")
        refused = requests.Response()
        refused.status_code, refused._content = 400, b'{"error": "phone must be an Integer"}'

        assert learns_integer_phone(readings, {"phone": "+44 20 7000 0099"}, refused)

    def test_given_an_integer_phone_refused_with_a_bare_500_then_one_such_record_is_rejected_naming_it(
        self, http: requests_mock.Mocker, log_records: pytest.LogCaptureFixture
    ) -> None:
        # A bare 500 says nothing of the phone's type, and is what an outage answers too: trying
        # the integer form then would strip the "+" from phones on a CRM that takes text.
        crm = FakeCrm(http, readings={"phone": "integer", "refusal": "500"})

        output = sync(["1"])

        assert len(states_of(output)) == 1
        assert crm.contacts == {}
        assert totals_of(log_records)["crm"]["rejected"] == 1
        assert "set crm.phone_as to integer" in log_records.text

    def test_given_an_integer_phone_refused_with_a_bare_500_then_two_such_records_fail_the_sync_naming_it(
        self, http: requests_mock.Mocker
    ) -> None:
        FakeCrm(http, readings={"phone": "integer", "refusal": "500"})
        output: list[AirbyteMessage] = []

        with pytest.raises(AirbyteTracedException) as failure:
            output.extend(sync(["1", "2"]))

        assert states_of(output) == []
        assert failure.value.failure_type == FailureType.config_error
        assert "Set crm.phone_as to integer" in (failure.value.message or "")

    def test_given_an_integer_phone_refused_with_a_bare_500_when_phone_as_is_pinned_then_contacts_are_written(
        self, http: requests_mock.Mocker
    ) -> None:
        crm = FakeCrm(http, readings={"phone": "integer", "refusal": "500"})
        ids = [str(n) for n in range(10)]

        sync(ids, crm_config(phone_as="integer"))

        held_once(crm, ids)
        assert all(isinstance(contact["phone"], int) for contact in crm.contacts.values())

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
