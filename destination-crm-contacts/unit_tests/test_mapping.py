from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from destination_crm_contacts.mapping import (
    DEFAULT_CLIENT_CONTACT_MAPPING,
    DEFAULT_CRM_MAPPING,
    FieldMapping,
    InvalidRecordError,
    is_tombstone,
    primary_key_of,
)
from unit_tests.builders import company_contact, custom_contact


@pytest.mark.parametrize(
    ("defaults", "record", "expected"),
    [
        pytest.param(
            DEFAULT_CRM_MAPPING,
            custom_contact("7"),
            {
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "ada7@example.com",
                "phone": "+44207000007",
                "company": "Analytical Engines",
            },
            id="crm-custom-api-first-email-and-phone-and-the-company",
        ),
        pytest.param(
            DEFAULT_CRM_MAPPING,
            company_contact("9"),
            {
                "first_name": "Grace",
                "last_name": "Hopper",
                "email": "grace9@example.com",
                "phone": "55501009",
            },
            id="crm-company-api-flat-email-and-phone",
        ),
        pytest.param(
            DEFAULT_CLIENT_CONTACT_MAPPING,
            custom_contact("7"),
            {
                "name": "Ada Lovelace",
                "email": "ada7@example.com",
                "phone1": "+44207000007",
                "phone2": "+44777",
            },
            id="client-contacts-custom-api-name-joined-and-phones-in-both-slots",
        ),
        pytest.param(
            DEFAULT_CLIENT_CONTACT_MAPPING,
            company_contact("9"),
            {
                "name": "Grace Hopper",
                "email": "grace9@example.com",
                "phone1": "55501009",
                "cover_photo": "https://cdn.example.com/9.jpg",
            },
            id="client-contacts-company-api-picture-is-the-cover-photo",
        ),
    ],
)
def test_given_a_record_of_either_api_when_mapped_by_default_then_each_target_field_takes_its_value(
    defaults: Mapping[str, Sequence[str]], record: dict[str, Any], expected: dict[str, str]
) -> None:
    assert FieldMapping(defaults, {}).resolve(record) == expected


class TestCrmMapping:
    def test_given_a_company_record_without_phone_number_when_mapped_then_the_lid_is_the_phone(self) -> None:
        record = company_contact("9", phone_number=None, phone_number_lid="lid-123")
        assert FieldMapping(DEFAULT_CRM_MAPPING, {}).resolve(record)["phone"] == "lid-123"

    def test_given_overrides_when_mapped_then_they_replace_the_default_or_leave_the_field_out(self) -> None:
        mapping = FieldMapping(DEFAULT_CRM_MAPPING, {"job_title": "type", "company": None})
        fields = mapping.resolve(custom_contact("7"))
        assert fields["job_title"] == "lead"
        assert "company" not in fields


class TestClientContactMapping:
    def test_given_only_a_last_name_when_mapped_then_the_name_is_the_last_name(self) -> None:
        record = custom_contact("7", first_name=None, last_name="Lovelace")
        assert FieldMapping(DEFAULT_CLIENT_CONTACT_MAPPING, {}).resolve(record)["name"] == "Lovelace"

    def test_managed_fields_are_those_with_a_source(self) -> None:
        mapping = FieldMapping(DEFAULT_CLIENT_CONTACT_MAPPING, {"extra_info": "company", "cover_photo": ""})
        assert set(mapping.managed) == {"name", "email", "phone1", "phone2", "extra_info"}


class TestWrongTypes:
    @pytest.mark.parametrize(
        ("overrides", "named"),
        [
            ({"emails": "ada@example.com"}, "field emails is text, expected an object or a list"),
            ({"emails": [["ada@example.com"]]}, "field emails.0 is a list, expected an object"),
            ({"first_name": {"text": "Ada"}}, "field first_name is an object, expected text"),
            ({"first_name": True}, "field first_name is a boolean, expected text"),
            ({"first_name": 42}, "field first_name is a number, expected text"),
            ({"company": 1.5}, "field company is a number, expected text"),
            ({"phones": {"number": "+44", "label": "work"}}, "field phones is an object, expected a list"),
            (
                {"phones": [{"number": True}]},
                "field phones.0.number is a boolean, expected text or a whole number",
            ),
            (
                {"phones": [{"number": 4.5}]},
                "field phones.0.number is a number, expected text or a whole number",
            ),
        ],
    )
    def test_given_a_field_of_the_wrong_type_when_mapped_then_the_error_names_it(
        self, overrides: dict[str, object], named: str
    ) -> None:
        with pytest.raises(InvalidRecordError, match=named):
            FieldMapping(DEFAULT_CRM_MAPPING, {}).resolve(custom_contact("7", **overrides))

    def test_given_a_whole_number_phone_when_mapped_then_it_is_written_as_its_digits(self) -> None:
        fields = FieldMapping(DEFAULT_CRM_MAPPING, {}).resolve(company_contact("9", phone_number=5550100))
        assert fields["phone"] == "5550100"

    def test_given_a_number_phone_when_mapped_for_client_contacts_then_both_slots_take_its_digits(
        self,
    ) -> None:
        record = custom_contact("7", phones=[{"number": 4420700000}, {"number": 4477.0}])
        fields = FieldMapping(DEFAULT_CLIENT_CONTACT_MAPPING, {}).resolve(record)
        assert (fields["phone1"], fields["phone2"]) == ("4420700000", "4477")

    def test_given_a_wrong_type_when_refused_then_the_message_never_quotes_the_value(self) -> None:
        with pytest.raises(InvalidRecordError) as refused:
            FieldMapping(DEFAULT_CRM_MAPPING, {}).resolve(custom_contact("7", last_name=["Lovelace"]))
        assert "Lovelace" not in str(refused.value)


class TestTombstone:
    @pytest.mark.parametrize("value", [None, "missing"])
    def test_given_a_null_or_absent_deletion_time_then_the_record_is_live(self, value: object) -> None:
        record = {"id": "1"} if value == "missing" else {"id": "1", "_ab_cdc_deleted_at": value}
        assert is_tombstone(record) is False

    @pytest.mark.parametrize("value", ["2026-11-25T10:00:00Z", "2026-11-25T10:00:00.123+01:00"])
    def test_given_a_date_time_then_the_record_is_a_tombstone(self, value: str) -> None:
        assert is_tombstone({"id": "1", "_ab_cdc_deleted_at": value}) is True

    @pytest.mark.parametrize(
        ("value", "named"),
        [
            ("false", "is 'false', expected null"),
            ("", "is '', expected null"),
            ("P1D", "is 'P1D', expected null"),
            (True, "is a boolean, expected null"),
            (1764064800, "is a number, expected null"),
        ],
    )
    def test_given_a_deletion_time_that_is_not_one_then_the_record_is_refused_naming_the_field(
        self, value: object, named: str
    ) -> None:
        with pytest.raises(InvalidRecordError, match=f"field _ab_cdc_deleted_at {named}"):
            is_tombstone({"id": "1", "_ab_cdc_deleted_at": value})


class TestPrimaryKey:
    def test_given_a_numeric_id_then_the_key_is_its_text(self) -> None:
        assert primary_key_of({"id": 12}, [["id"]]) == "12"

    @pytest.mark.parametrize(
        ("value", "named"),
        [
            (None, "is missing"),
            ("", "is empty text, expected a non-empty id"),
            ("  ", "is empty text, expected a non-empty id"),
            ({"a": 1}, "is an object, expected a string or a number"),
            ([1], "is a list"),
            (True, "is a boolean"),
        ],
    )
    def test_given_a_missing_or_odd_id_then_the_message_says_what_it_is(
        self, value: object, named: str
    ) -> None:
        with pytest.raises(InvalidRecordError, match=f"primary key id {named}"):
            primary_key_of({"id": value}, [["id"]])

    def test_given_a_bracket_in_the_id_then_the_record_is_invalid(self) -> None:
        with pytest.raises(InvalidRecordError, match="square bracket"):
            primary_key_of({"id": "1]"}, [["id"]])
