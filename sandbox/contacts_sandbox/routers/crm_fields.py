"""The CRM's contact fields, and how each is checked under the readings in force."""

from __future__ import annotations

from typing import Any

from contacts_sandbox.readings import ApiReadings
from contacts_sandbox.responses import ApiError

API = "crm"
REQUIRED = ("first_name", "email")
OPTIONAL = ("last_name", "company", "phone", "job_title", "notes")
# The fields the create lists: what `search_fields=listed` lets a search name.
FIELDS = REQUIRED + OPTIONAL
EDITABLE = frozenset({"name", "email", "phone"})
JSON_TYPES = {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "an array"}


def json_type(value: Any) -> str:
    return JSON_TYPES.get(type(value), "an object")


def text(name: str, value: Any, *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise ApiError(API, 400, f"{name} is required")
        return None if value is None else ""
    if not isinstance(value, str):
        raise ApiError(API, 400, f"{name} must be a string")
    return value


def phone(value: Any, readings: ApiReadings) -> str | int | None:
    """`text`: a string, or an integer kept as its digits (the example sends a string).
    `integer`: the Integer the field table types it, kept as a number; a string is refused."""
    if value is None:
        return None
    is_integer = isinstance(value, int) and not isinstance(value, bool)
    if readings.phone == "integer":
        if not is_integer:
            raise ApiError(API, 400, f"phone must be an Integer, got {json_type(value)}")
        return int(value)
    if isinstance(value, str):
        return value
    if is_integer:
        return str(value)
    raise ApiError(API, 400, "phone must be a string or an integer")


def reject_nulls(body: dict[str, Any], readings: ApiReadings, where: str = "") -> None:
    """`nulls=refused`: every field the document lists is typed, none said to be nullable."""
    if readings.nulls != "refused":
        return
    for name, value in body.items():
        if value is None:
            raise ApiError(API, 400, f"{where}{name} must not be null")


def contact_id(value: Any, readings: ApiReadings) -> str:
    """`typed`: the String the document types it; `loose`: a number is taken as its digits."""
    if readings.types == "typed":
        if not isinstance(value, str) or not value:
            raise ApiError(API, 400, "contact_id must be a non-empty string")
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        raise ApiError(API, 400, "contact_id is required")
    return value
