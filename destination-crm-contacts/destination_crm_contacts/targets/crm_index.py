"""What the CRM target keeps of a contact per sync: its id and a digest of each field an edit can
change (name, email, phone), so that "unchanged" is told without keeping the contact's fields.

The CRM stores the name in two fields but edits it as one, which it splits at the first space;
emails compare without case, phones by their digits.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from destination_crm_contacts.clients.crm_answers import CrmContact

# What the index keeps of a contact: a digest of each field an edit can change, in this order.
COMPARED = ("name", "email", "phone")
_PART = 8  # bytes of digest per compared field


@dataclass(frozen=True, slots=True)
class Known:
    """A CRM contact as the index keeps it: its id and a digest per field an edit can change
    (name, email, phone, see `COMPARED`), so "unchanged" is still told without keeping the fields.
    `digest` is None when the CRM's answer carried no fields: nothing can be compared."""

    id: str
    digest: bytes | None


def kept(contact: CrmContact) -> Known:
    if contact.fields is None:
        return Known(contact.id, None)
    return Known(contact.id, b"".join(_hash(part) for part in stored_parts(contact.fields)))


def stored_parts(stored: Mapping[str, Any]) -> tuple[str, str, str]:
    """A stored contact's name, email and phone, as `differs` compares them."""
    name = " ".join(str(stored.get(part) or "").strip() for part in ("first_name", "last_name")).strip()
    return name, str(stored.get("email") or "").strip().casefold(), _digits(stored.get("phone"))


def _hash(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=_PART).digest()


def _part(digest: bytes, field: str) -> bytes:
    start = COMPARED.index(field) * _PART
    return digest[start : start + _PART]


def editable_fields(fields: Mapping[str, str]) -> dict[str, str]:
    """What an edit can send: the full name, email and phone, each only when it has a value (the
    CRM takes no null, and an empty text is no phone)."""
    name = " ".join(part for part in (fields.get("first_name"), fields.get("last_name")) if part)
    changes = {"name": name, "email": fields.get("email"), "phone": fields.get("phone")}
    return {field: value for field, value in changes.items() if value}


def split_name(changes: Mapping[str, str | None]) -> dict[str, str | None]:
    """The stored fields after an edit: the CRM splits the name at its first space."""
    stored = {field: value for field, value in changes.items() if field != "name"}
    if "name" in changes:
        first, _, last = (changes["name"] or "").partition(" ")
        stored.update(first_name=first, last_name=last)
    return stored


def differs(stored: bytes, changes: Mapping[str, str | None]) -> bool:
    """Whether an edit would change the stored contact (name as is, email case-insensitive,
    phone by its digits, a null phone as none), given the digest `kept` made of it."""
    wanted = stored_parts(split_name(changes))
    return any(
        field in changes and _part(stored, field) != _hash(wanted[position])
        for position, field in enumerate(COMPARED)
    )


def edited(stored: bytes | None, changes: Mapping[str, str | None]) -> bytes:
    """The digest of the contact once the edit `changes` is applied to it (fields it leaves out
    keep their value; the CRM splits the name at its first space)."""
    after = stored_parts(split_name(changes))
    before = stored if stored is not None else b"".join(_hash(part) for part in stored_parts({}))
    return b"".join(
        _hash(after[position]) if (field in changes) else _part(before, field)
        for position, field in enumerate(COMPARED)
    )


def _digits(value: Any) -> str:
    return re.sub(r"\D", "", str(value or ""))


def holds_nothing(digest: bytes, field: str) -> bool:
    """Whether the stored contact the digest was made of has no value in `field`."""
    return _part(digest, field) == _hash("")
