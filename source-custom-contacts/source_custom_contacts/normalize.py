"""The Custom Contact Source API's value rules, applied to every contact it returns.

Labels outside the documented sets become `other`; a missing or unknown `type` becomes
`customer`. This runs once per record, so it stays a few dictionary operations.
"""

from __future__ import annotations

from typing import Any

PHONE_LABELS = frozenset({"mobile", "work", "home", "fax", "other"})
EMAIL_LABELS = frozenset({"private", "business", "other"})
CONTACT_TYPES = frozenset({"customer", "lead"})
OTHER_LABEL = "other"
DEFAULT_TYPE = "customer"
REQUIRED_FIELDS = ("first_name", "last_name")


def _labelled(entries: Any, allowed: frozenset[str]) -> list[Any]:
    if not isinstance(entries, list):
        return []
    for entry in entries:
        if isinstance(entry, dict) and entry.get("label") not in allowed:
            entry["label"] = OTHER_LABEL
    return entries


def normalize_contact(contact: dict[str, Any]) -> dict[str, Any]:
    """Applies the rules in place (the API's dict is ours alone) and returns it."""
    contact_id = contact.get("id")
    if not isinstance(contact_id, str):
        contact["id"] = str(contact_id)
    if contact.get("type") not in CONTACT_TYPES:
        contact["type"] = DEFAULT_TYPE
    contact["phones"] = _labelled(contact.get("phones"), PHONE_LABELS)
    contact["emails"] = _labelled(contact.get("emails"), EMAIL_LABELS)
    return contact


def missing_required_fields(contact: dict[str, Any]) -> list[str]:
    return [field for field in REQUIRED_FIELDS if not contact.get(field)]
