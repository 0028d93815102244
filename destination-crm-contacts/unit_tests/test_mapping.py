from __future__ import annotations

import pytest

from destination_crm_contacts.mapping import (
    DEFAULT_CLIENT_CONTACT_MAPPING,
    DEFAULT_CRM_MAPPING,
    FieldMapping,
    InvalidRecordError,
    primary_key_of,
)
from unit_tests.builders import company_contact, custom_contact


class TestCrmMapping:
    def test_given_a_custom_api_record_when_mapped_then_first_email_and_phone_and_company_are_used(
        self,
    ) -> None:
        fields = FieldMapping(DEFAULT_CRM_MAPPING, {}).resolve(custom_contact("7"))
        assert fields == {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada7@example.com",
            "phone": "+44207000007",
            "company": "Analytical Engines",
        }

    def test_given_a_company_api_record_when_mapped_then_flat_email_and_phone_are_used(self) -> None:
        fields = FieldMapping(DEFAULT_CRM_MAPPING, {}).resolve(company_contact("9"))
        assert fields == {
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace9@example.com",
            "phone": "55501009",
        }

    def test_given_a_company_record_without_phone_number_when_mapped_then_the_lid_is_the_phone(self) -> None:
        record = company_contact("9", phone_number=None, phone_number_lid="lid-123")
        assert FieldMapping(DEFAULT_CRM_MAPPING, {}).resolve(record)["phone"] == "lid-123"

    def test_given_overrides_when_mapped_then_they_replace_the_default_or_leave_the_field_out(self) -> None:
        mapping = FieldMapping(DEFAULT_CRM_MAPPING, {"job_title": "type", "company": None})
        fields = mapping.resolve(custom_contact("7"))
        assert fields["job_title"] == "lead"
        assert "company" not in fields


class TestClientContactMapping:
    def test_given_a_custom_api_record_when_mapped_then_name_joins_and_phones_fill_both_slots(self) -> None:
        fields = FieldMapping(DEFAULT_CLIENT_CONTACT_MAPPING, {}).resolve(custom_contact("7"))
        assert fields == {
            "name": "Ada Lovelace",
            "email": "ada7@example.com",
            "phone1": "+44207000007",
            "phone2": "+44777",
        }

    def test_given_a_company_api_record_when_mapped_then_the_picture_is_the_cover_photo(self) -> None:
        fields = FieldMapping(DEFAULT_CLIENT_CONTACT_MAPPING, {}).resolve(company_contact("9"))
        assert fields == {
            "name": "Grace Hopper",
            "email": "grace9@example.com",
            "phone1": "55501009",
            "cover_photo": "https://cdn.example.com/9.jpg",
        }

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
            ({"emails": "ada@example.com"}, "emails is a str"),
            ({"emails": [["ada@example.com"]]}, "emails.0 is a list"),
            ({"first_name": {"text": "Ada"}}, "first_name is an object"),
            ({"first_name": True}, "first_name is a boolean"),
        ],
    )
    def test_given_a_field_of_the_wrong_type_when_mapped_then_the_error_names_it(
        self, overrides: dict[str, object], named: str
    ) -> None:
        with pytest.raises(InvalidRecordError, match=named):
            FieldMapping(DEFAULT_CRM_MAPPING, {}).resolve(custom_contact("7", **overrides))

    def test_given_numbers_where_text_is_expected_when_mapped_then_they_become_text(self) -> None:
        fields = FieldMapping(DEFAULT_CRM_MAPPING, {}).resolve(company_contact("9", phone_number=5550100))
        assert fields["phone"] == "5550100"


class TestPrimaryKey:
    def test_given_a_numeric_id_then_the_key_is_its_text(self) -> None:
        assert primary_key_of({"id": 12}, [["id"]]) == "12"

    @pytest.mark.parametrize("value", [None, "", {"a": 1}, [1], True])
    def test_given_a_missing_or_odd_id_then_the_record_is_invalid(self, value: object) -> None:
        with pytest.raises(InvalidRecordError, match="primary key id"):
            primary_key_of({"id": value}, [["id"]])

    def test_given_a_bracket_in_the_id_then_the_record_is_invalid(self) -> None:
        with pytest.raises(InvalidRecordError, match="square bracket"):
            primary_key_of({"id": "1]"}, [["id"]])
