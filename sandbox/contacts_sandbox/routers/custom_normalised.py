"""`custom.labels=normalised`: the server applies the document's label and type rules itself.

The document says a label outside its set "will be handled as other" and a missing or unknown
type as customer, without saying who handles it: under `raw` the client must, under `normalised`
the server answers the handled values.
"""

from __future__ import annotations

from typing import Any

import orjson

from contacts_sandbox.seed import EMAIL_LABELS, PHONE_LABELS, TYPES


def _label(entry: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    return {**entry, "label": entry.get("label") if entry.get("label") in allowed else "other"}


def normalised(raw: bytes) -> bytes:
    contact: dict[str, Any] = orjson.loads(raw)
    contact["type"] = contact.get("type") if contact.get("type") in TYPES else "customer"
    contact["phones"] = [_label(phone, PHONE_LABELS) for phone in contact.get("phones") or []]
    contact["emails"] = [_label(email, EMAIL_LABELS) for email in contact.get("emails") or []]
    return orjson.dumps(contact)


def as_read(items: list[bytes], labels: str) -> list[bytes]:
    return [normalised(raw) for raw in items] if labels == "normalised" else items
