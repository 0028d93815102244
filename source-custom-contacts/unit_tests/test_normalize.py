"""The Custom Contact Source API's value rules, one page at a time."""

from __future__ import annotations

from source_custom_contacts.normalize import normalize_page

_SEEN_AT = "2027-01-15T08:00:00Z"


def test_given_awkward_contacts_when_normalised_then_the_documented_rules_apply():
    page = normalize_page(
        [
            {"id": 7, "first_name": "A", "last_name": "B", "type": "partner", "phones": None},
            {
                "id": "8",
                "first_name": "C",
                "last_name": "D",
                "emails": [{"email": "x@y.z", "label": None}, "junk"],
            },
        ],
        _SEEN_AT,
    )

    assert page.records == [
        {
            "id": "7",
            "first_name": "A",
            "last_name": "B",
            "type": "customer",
            "phones": [],
            "emails": [],
            "_ab_cdc_updated_at": _SEEN_AT,
            "_ab_cdc_deleted_at": None,
        },
        {
            "id": "8",
            "first_name": "C",
            "last_name": "D",
            "type": "customer",
            "phones": [],
            "emails": [{"email": "x@y.z", "label": "other"}, "junk"],
            "_ab_cdc_updated_at": _SEEN_AT,
            "_ab_cdc_deleted_at": None,
        },
    ]


def test_given_contacts_without_id_or_names_when_normalised_then_they_are_reported_not_lost():
    page = normalize_page(
        [
            {"first_name": "No", "last_name": "Id"},
            {"id": ""},
            "not a contact",
            {"id": "9", "first_name": "Only"},
        ],
        _SEEN_AT,
    )

    assert [record["id"] for record in page.records] == ["9"]
    assert page.incomplete_ids == ["9"]
    assert len(page.without_id) == 3
