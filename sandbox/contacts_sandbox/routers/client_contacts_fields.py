"""The Client Contacts API's fields, and how a write's body is checked under the readings in force."""

from __future__ import annotations

import re
from typing import Any

from contacts_sandbox.readings import ApiReadings
from contacts_sandbox.responses import ApiError
from contacts_sandbox.routers.bodies import reject_unknown

API = "client_contacts"
STRING_FIELDS = frozenset(
    {"name", "local_name", "phone1", "phone2", "email", "title", "extra_info", "cover_photo"}
)
STRING_LIST_FIELDS = frozenset({"media", "company_namespace"})
OBJECT_FIELDS = frozenset({"integration_meta", "creator", "editor"})
WRITABLE = STRING_FIELDS | STRING_LIST_FIELDS | OBJECT_FIELDS | {"disabled"}
# Sent back by clients that PUT a whole document; the server keeps its own values.
SERVER_FIELDS = frozenset({"_id", "createdAt", "updatedAt", "__v"})
# The internal fields an update may send back, with the types the document gives them.
SERVER_FIELD_TYPES: dict[str, type] = {"_id": str, "createdAt": str, "updatedAt": str, "__v": int}
# The document types email as `string <email>`: something@domain.tld, no spaces.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def create_defaults() -> dict[str, Any]:
    """What a create fills in when not sent (fresh lists each time); a replacing PUT puts them back."""
    return {"disabled": False, "media": [], "company_namespace": []}


def _is(value: Any, expected: type) -> bool:
    return isinstance(value, expected) and not isinstance(value, bool)


def _check_reading(name: str, value: Any, readings: ApiReadings) -> None:
    """What a reading refuses that the field's type lets through."""
    if value is None and readings.nulls == "refused":
        raise ApiError(API, 400, f"{name} must not be null")
    if value == "" and name in STRING_FIELDS and readings.empty_strings == "refused":
        raise ApiError(API, 400, f"{name} must not be empty")
    expected = SERVER_FIELD_TYPES.get(name)
    wrong_type = expected is not None and value is not None and not _is(value, expected)
    if wrong_type and readings.internal_types == "checked":
        raise ApiError(API, 400, f"{name} must be {'a string' if expected is str else 'an integer'}")
    if (
        name == "email"
        and readings.email == "address"
        and isinstance(value, str)
        and not EMAIL.fullmatch(value)
    ):
        raise ApiError(API, 400, f"email must be an email address, got {value!r}")


def _check_type(name: str, value: Any) -> None:
    if name in STRING_FIELDS and not isinstance(value, str):
        raise ApiError(API, 400, f"{name} must be a string")
    if name in STRING_LIST_FIELDS and not (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    ):
        raise ApiError(API, 400, f"{name} must be an array of strings")
    if name in OBJECT_FIELDS and not isinstance(value, dict):
        raise ApiError(API, 400, f"{name} must be an object")
    if name == "disabled" and not isinstance(value, bool):
        raise ApiError(API, 400, "disabled must be a boolean")


def checked(body: dict[str, Any], allowed: frozenset[str], readings: ApiReadings) -> dict[str, Any]:
    """The writable fields of a body, each checked; the server's own fields are dropped."""
    reject_unknown(API, body, allowed)
    for name, value in body.items():
        _check_reading(name, value, readings)
    fields = {}
    for name, value in body.items():
        if name in SERVER_FIELDS:
            continue
        if value is not None:
            _check_type(name, value)
        fields[name] = value
    if "name" in fields and not (isinstance(fields["name"], str) and fields["name"].strip()):
        raise ApiError(API, 400, "name is required")
    return fields


def replaced(existing: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """`put=replaces`: the writable fields become exactly those sent, with the create's defaults
    for the rest; the server's own fields stay. A contact without its required name is refused."""
    if "name" not in fields:
        raise ApiError(API, 400, "name is required: a PUT replaces the contact")
    server = {name: existing[name] for name in ("createdAt", "updatedAt", "__v")}
    return {"_id": existing["_id"], **create_defaults(), **fields, **server}
