"""The Custom Contact Source API's value rules, applied to every contact it returns.

Labels outside the documented sets become `other`; a missing or unknown `type` becomes
`customer`. This is the connector's hottest loop (once per contact), so it works a page at a
time, in place, with plain loops and no calls per contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PHONE_LABELS = frozenset({"mobile", "work", "home", "fax", "other"})
EMAIL_LABELS = frozenset({"private", "business", "other"})
CONTACT_TYPES = frozenset({"customer", "lead"})
# The lists whose entries carry a label, with the labels each documents.
LABELLED = (("phones", PHONE_LABELS), ("emails", EMAIL_LABELS))
OTHER_LABEL = "other"
DEFAULT_TYPE = "customer"
UPDATED_AT = "_ab_cdc_updated_at"
DELETED_AT = "_ab_cdc_deleted_at"


@dataclass
class NormalizedPage:
    records: list[dict[str, Any]] = field(default_factory=list)
    # Emitted, but each one logged: the API documents first_name and last_name as required.
    incomplete_ids: list[str] = field(default_factory=list)
    # Not emitted, and logged: without an id a contact can be neither deduplicated nor deleted.
    without_id: list[Any] = field(default_factory=list)


def normalize_page(contacts: list[Any], seen_at: str) -> NormalizedPage:
    """Turns one page of the API's contacts into records (the dicts are changed in place)."""
    result = NormalizedPage()
    records, incomplete, without_id = result.records, result.incomplete_ids, result.without_id
    labelled, types = LABELLED, CONTACT_TYPES
    for contact in contacts:
        if contact.__class__ is not dict:
            without_id.append(contact)
            continue
        contact_id = contact.get("id")
        if contact_id.__class__ is not str:
            if contact_id is None:
                without_id.append(contact)
                continue
            contact_id = contact["id"] = str(contact_id)
        if not contact_id:
            without_id.append(contact)
            continue
        if contact.get("type") not in types:
            contact["type"] = DEFAULT_TYPE
        for name, labels in labelled:
            entries = contact.get(name)
            if entries.__class__ is list:
                for entry in entries:
                    if entry.__class__ is dict and entry.get("label") not in labels:
                        entry["label"] = OTHER_LABEL
            else:
                contact[name] = []
        if not contact.get("first_name") or not contact.get("last_name"):
            incomplete.append(contact_id)
        contact[UPDATED_AT] = seen_at
        contact[DELETED_AT] = None
        records.append(contact)
    return result


def tombstone(contact_id: Any, seen_at: str) -> dict[str, Any]:
    return {"id": str(contact_id), UPDATED_AT: seen_at, DELETED_AT: seen_at}
