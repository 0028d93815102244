"""What a target holds for a source record where the destination documents that it cannot hold the
source's value: as a gap it always has, or as what one reading of the target's API makes of it
(the destination README, "What the destination needs from a server"). Each is written from those
documents, not imported from the destination's code, and applies only where a reading it names
was in force when the targets were written: `written_under` holds every set of readings the
sandbox served them under (one for a run under a preset; one a cycle for a run that switches),
since a contact keeps what the reading it was last written under made of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Fields = dict[str, str | None]

# Target -> field -> why. A field the source emptied that the destination leaves as it was, as its
# README documents and its totals count (`not_cleared`): the APIs' documents give no way to empty it.
KNOWN_GAPS: dict[str, dict[str, str]] = {
    "crm": {"phone": "the CRM's edit types phone and takes no null: it cannot be emptied"},
    "client_contacts": {"email": "email is typed as an address and takes no null: it cannot be emptied"},
}
LAST_NAME_KEPT = "a CRM that sets the first name alone on an edit of name cannot change a last name"
NOT_CLEARED = "Client Contacts takes neither '' nor null, and its PUT merges: a field cannot be emptied"


@dataclass
class Pair:
    """A source record and the target's document for it, with the fields each gives to compare."""

    record: Mapping[str, Any]
    document: Mapping[str, Any]
    want: Fields
    have: Fields


def integer_phone(phone: str | None) -> str | None:
    """A phone as a CRM typing it Integer keeps it: its digits as a number (a leading '+', spaces,
    dashes and leading zeros lost); a phone with no digit is not sent."""
    digits = re.sub(r"\D", "", phone or "")
    return str(int(digits)) if digits else None


def _served(written_under: Iterable[Mapping[str, str]], key: str, value: str) -> bool:
    return any(readings.get(key) == value for readings in written_under)


def _text(value: Any) -> str | None:
    text = None if value is None else str(value).strip()
    return text or None


def crm_by_reading(written_under: Sequence[Mapping[str, str]], pair: Pair) -> dict[str, str]:
    """Adjusts the CRM's expected and held fields to the readings it was written under; answers
    the fields whose difference the destination documents under them, with why."""
    want, have = pair.want, pair.have
    gaps: dict[str, str] = {}
    if _served(written_under, "crm.phone", "integer"):
        # Phones written as text under another reading, or as digits under this one, compare by
        # the digits.
        want["phone"], have["phone"] = integer_phone(want["phone"]), integer_phone(have["phone"])
    if _served(written_under, "crm.edit_name", "first_name"):
        del want["name"], have["name"]
        for name in ("first_name", "last_name"):
            want[name], have[name] = _text(pair.record.get(name)), _text(pair.document.get(name))
        gaps["last_name"] = LAST_NAME_KEPT
    return gaps


def client_contacts_by_reading(written_under: Sequence[Mapping[str, str]], pair: Pair) -> dict[str, str]:
    cannot_clear = any(
        readings.get("client_contacts.empty_strings") == "refused"
        and readings.get("client_contacts.nulls") == "refused"
        and readings.get("client_contacts.put") == "merges"
        for readings in written_under
    )
    return {name: NOT_CLEARED for name in pair.want} if cannot_clear else {}


BY_READING = {"crm": crm_by_reading, "client_contacts": client_contacts_by_reading}


def gap_reason(
    target: str, name: str, held: str | None, want: str | None, documented: Mapping[str, str]
) -> str | None:
    """Why a field that differs is a documented gap, or None when it is a true difference."""
    if want is None and held is not None and name in KNOWN_GAPS.get(target, {}):
        return KNOWN_GAPS[target][name]
    if name in documented and (documented[name] != NOT_CLEARED or want is None):
        return documented[name]
    return None
