"""The Client Contacts API under the strict profile: only what its document shows.

The routes in `client_contacts` call these when the API is under `strict`.
"""

from __future__ import annotations

import re
from typing import Any

from contacts_sandbox.responses import ApiError

API = "client_contacts"
# The internal fields an update may send back, with the types the document gives them.
SERVER_FIELD_TYPES: dict[str, type] = {"_id": str, "createdAt": str, "updatedAt": str, "__v": int}
# The document types email as `string <email>`: something@domain.tld, no spaces.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def create_defaults() -> dict[str, Any]:
    """What a create fills in when not sent (fresh lists each time); a strict PUT puts them back."""
    return {"disabled": False, "media": [], "company_namespace": []}


def check(body: dict[str, Any]) -> None:
    """What the lenient checks let through: null in any field (each one is typed), internal fields
    of the wrong type, and an email that is not one."""
    for name, value in body.items():
        if value is None:
            raise ApiError(API, 400, f"{name} must not be null")
        expected = SERVER_FIELD_TYPES.get(name)
        if expected is not None and (not isinstance(value, expected) or isinstance(value, bool)):
            raise ApiError(API, 400, f"{name} must be {'a string' if expected is str else 'an integer'}")
    email = body.get("email")
    if isinstance(email, str) and not EMAIL.fullmatch(email):
        raise ApiError(API, 400, f"email must be an email address, got {email!r}")


def replaced(existing: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """A PUT: the writable fields become exactly those sent, with the create's defaults for the
    rest; the server's own fields stay. A contact without its required name is refused."""
    if "name" not in fields:
        raise ApiError(API, 400, "name is required: a PUT replaces the contact")
    server = {name: existing[name] for name in ("createdAt", "updatedAt", "__v")}
    return {"_id": existing["_id"], **create_defaults(), **fields, **server}


def split_ids(values: list[str] | None) -> set[str] | None:
    """`ids` is a string or an array of strings: repeat the parameter for several. A comma is part
    of the id."""
    return set(values) if values else None
