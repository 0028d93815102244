"""The CRM's edit: which spellings of its two fields it takes, and what each change does."""

from __future__ import annotations

from typing import Any

from contacts_sandbox.readings import ApiReadings
from contacts_sandbox.responses import ApiError
from contacts_sandbox.routers.bodies import reject_unknown
from contacts_sandbox.routers.crm_fields import API, EDITABLE, contact_id, phone, reject_nulls, text

# The field table's spelling, then the example's.
SPELLINGS = {"contact_id": ("contact_id", "contactID"), "update_fields": ("update_fields", "updateFields")}
TAKEN = {"either": (0, 1), "table": (0,), "example": (1,)}


class NothingEditedError(Exception):
    """The id was sent only in a spelling the server ignores: it answers 200 with an empty id."""


def _value(body: dict[str, Any], field: str, readings: ApiReadings) -> Any:
    """The value of `field` under the spellings `edit_spelling` takes; None when not sent."""
    spellings = [SPELLINGS[field][index] for index in TAKEN[readings.edit_spelling]]
    given = [spelling for spelling in spellings if spelling in body]
    if len(given) > 1 and readings.extra_fields == "refused":
        # A server knowing one spelling would refuse the other as an unknown field.
        raise ApiError(API, 400, f"send one of {' or '.join(spellings)}, not both")
    return body[given[0]] if given else None


def edit_request(body: dict[str, Any], readings: ApiReadings) -> tuple[str, dict[str, Any]]:
    """The contact id and the changes of an edit, as the readings in force read its body."""
    taken = {SPELLINGS[field][index] for field in SPELLINGS for index in TAKEN[readings.edit_spelling]}
    others = {spelling for pair in SPELLINGS.values() for spelling in pair} - taken
    if readings.other_spelling == "refused":
        reject_unknown(API, {name: value for name, value in body.items() if name in others}, taken)
    if readings.extra_fields == "refused":
        reject_unknown(API, body, taken | (others if readings.other_spelling == "ignored" else set()))
    raw_id, changes = _value(body, "contact_id", readings), _value(body, "update_fields", readings)
    if raw_id is None and readings.other_spelling == "ignored" and others & set(body):
        raise NothingEditedError
    id_name, changes_name = (SPELLINGS[field][TAKEN[readings.edit_spelling][0]] for field in SPELLINGS)
    if raw_id is None:
        raise ApiError(API, 400, f"{id_name} is required")
    the_id = contact_id(raw_id, readings)
    if changes is None and readings.other_spelling == "ignored" and others & set(body):
        return the_id, {}
    if not isinstance(changes, dict) or not changes:
        raise ApiError(API, 400, f"{changes_name} is required: an object with name, email or phone")
    reject_unknown(API, changes, EDITABLE)
    reject_nulls(changes, readings, "update_fields.")
    return the_id, changes


def edited(contact: dict[str, Any], changes: dict[str, Any], readings: ApiReadings) -> dict[str, Any]:
    """The contact with the changes applied: `name` is the full name (`edit_name=split` cuts it at
    its first space into first and last name; `first_name` sets the first name alone)."""
    contact = dict(contact)
    if "name" in changes:
        full_name = text("name", changes["name"], required=True) or ""
        if readings.edit_name == "split":
            first, _, last = full_name.partition(" ")
            contact["first_name"], contact["last_name"] = first, last
        else:
            contact["first_name"] = full_name
    if "email" in changes:
        contact["email"] = text("email", changes["email"], required=True)
    if "phone" in changes:
        contact["phone"] = phone(changes["phone"], readings)
    return contact
