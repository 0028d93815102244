"""What the targets should hold for the source's contacts, and how far they are from it.

The expectation is written from the destination's documented default mapping, not imported from
its code, so a mapping bug shows up as a stale contact:

- CRM: `first_name`, `last_name`, `email` (the first email), `phone` (the first phone; for the
  Company Contacts API its `phone_number`, else `phone_number_lid`), and the marker
  `[source-id:<id>]` in `notes`. The CRM edits only name, email and phone, so those are the fields
  an update must carry; the CRM requires `first_name` and `email`, so a contact without them is a
  rejected record. The CRM splits an edited name at its first space, so the full name is compared
  (unless a reading in force says otherwise: see `documented`).
- Client Contacts: `name` (first and last name), `email`, `phone1`/`phone2` (the first two phones;
  for the Company Contacts API `phone_number` and `phone_number_lid`), `cover_photo` (the Company
  Contacts API's `profile_picture`), and the source id in `integration_meta.external_id`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from connector_pair.documented import BY_READING, Pair, gap_reason

MARKER = re.compile(r"\[source-id:([^\]]+)\]")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _item(record: Mapping[str, Any], list_field: str, index: int, value_field: str) -> str | None:
    items = record.get(list_field) or []
    return _text(items[index].get(value_field)) if index < len(items) else None


def full_name(record: Mapping[str, Any]) -> str | None:
    parts = [_text(record.get("first_name")), _text(record.get("last_name"))]
    return " ".join(part for part in parts if part) or None


def crm_fields(record: Mapping[str, Any]) -> dict[str, str | None]:
    """The CRM fields an up-to-date contact holds for this source record."""
    email = _text(record.get("email")) or _item(record, "emails", 0, "email")
    phone = (
        _text(record.get("phone_number"))
        or _item(record, "phones", 0, "number")
        or _text(record.get("phone_number_lid"))
    )
    return {"name": full_name(record), "email": email, "phone": phone}


def crm_rejects(record: Mapping[str, Any]) -> str | None:
    """Why the CRM must refuse this record, or None."""
    if not _text(record.get("first_name")):
        return "no first_name"
    if not crm_fields(record)["email"]:
        return "no email"
    return None


def client_contact_fields(record: Mapping[str, Any]) -> dict[str, str | None]:
    return {
        "name": full_name(record),
        "email": _text(record.get("email")) or _item(record, "emails", 0, "email"),
        "phone1": _text(record.get("phone_number")) or _item(record, "phones", 0, "number"),
        "phone2": _text(record.get("phone_number_lid")) or _item(record, "phones", 1, "number"),
        "cover_photo": _text(record.get("profile_picture")),
    }


def client_contacts_rejects(record: Mapping[str, Any]) -> str | None:
    return None if full_name(record) else "no name"


def stored_crm_fields(document: Mapping[str, Any]) -> dict[str, str | None]:
    return {
        "name": full_name(document),
        "email": _text(document.get("email")),
        "phone": _text(document.get("phone")),
    }


def stored_client_contact_fields(document: Mapping[str, Any]) -> dict[str, str | None]:
    return {name: _text(document.get(name)) for name in ("name", "email", "phone1", "phone2", "cover_photo")}


def crm_keys(document: Mapping[str, Any]) -> list[str]:
    notes = document.get("notes")
    return MARKER.findall(notes) if isinstance(notes, str) else []


def client_contact_keys(document: Mapping[str, Any]) -> list[str]:
    meta = document.get("integration_meta")
    key = _text(meta.get("external_id")) if isinstance(meta, Mapping) else None
    return [key] if key else []


@dataclass(frozen=True)
class TargetShape:
    name: str
    expected: Any  # record -> fields
    stored: Any  # document -> fields
    keys: Any  # document -> source keys it carries
    rejects: Any  # record -> reason or None
    id_field: str


TARGETS = {
    "crm": TargetShape("crm", crm_fields, stored_crm_fields, crm_keys, crm_rejects, "id"),
    "client_contacts": TargetShape(
        "client_contacts",
        client_contact_fields,
        stored_client_contact_fields,
        client_contact_keys,
        client_contacts_rejects,
        "_id",
    ),
}


@dataclass
class Difference:
    """How one target differs from the source. Empty lists: the target mirrors the source."""

    target: str
    expected: int = 0
    held: int = 0
    rejected: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    stale: dict[str, dict[str, tuple[str | None, str | None]]] = field(default_factory=dict)
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    unreported_rejections: list[str] = field(default_factory=list)
    unfounded_rejections: list[str] = field(default_factory=list)
    # Stale fields the destination documents it cannot write (see `documented`), with why: shown,
    # and not counted against `ok`, so every other difference still fails a comparison.
    known_gaps: dict[str, dict[str, tuple[str | None, str | None]]] = field(default_factory=dict)
    gap_reasons: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (
            self.missing
            or self.extra
            or self.stale
            or self.duplicates
            or self.unreported_rejections
            or self.unfounded_rejections
        )

    def summary(self) -> str:
        parts = [
            f"{self.target}: {self.held} held for {self.expected} expected",
            f"{len(self.rejected)} rejected",
            f"{len(self.missing)} missing",
            f"{len(self.extra)} extra",
            f"{len(self.stale)} stale",
            f"{len(self.duplicates)} duplicated",
        ]
        if self.unreported_rejections:
            parts.append(f"{len(self.unreported_rejections)} rejected without a rejected-records line")
        if self.unfounded_rejections:
            parts.append(f"{len(self.unfounded_rejections)} rejected for no reason")
        if self.known_gaps:
            parts.append(f"{len(self.known_gaps)} with a known gap")
        return ", ".join(parts)

    def details(self, limit: int = 5) -> str:
        lines = [self.summary()]
        for label, keys in (
            ("missing", self.missing),
            ("extra", self.extra),
            ("unreported rejections", self.unreported_rejections),
            ("unfounded rejections", self.unfounded_rejections),
        ):
            if keys:
                lines.append(f"  {label}: {', '.join(keys[:limit])}{' ...' if len(keys) > limit else ''}")
        for key, fields in list(self.stale.items())[:limit]:
            shown = "; ".join(
                f"{name}: held {held!r}, source {want!r}" for name, (held, want) in fields.items()
            )
            lines.append(f"  stale {key}: {shown}")
        for key, ids in list(self.duplicates.items())[:limit]:
            lines.append(f"  duplicated {key}: documents {', '.join(ids)}")
        for key, fields in list(self.known_gaps.items())[:limit]:
            shown = "; ".join(
                f"{name}: held {held!r}, source {want!r} ({self.gap_reasons[name]})"
                for name, (held, want) in fields.items()
            )
            lines.append(f"  known gap {key}: {shown}")
        return "\n".join(lines)


def compare(
    target: str,
    source_records: Mapping[str, Mapping[str, Any]],
    documents: Iterable[Mapping[str, Any]],
    rejected_lines: Iterable[Mapping[str, Any]] = (),
    exempt: Iterable[str] = (),
    unsettled: Iterable[str] = (),
    key_prefix: str = "",
    written_under: Sequence[Mapping[str, str]] = (),
) -> Difference:
    """Compare one target's dump with the source's live records (source id -> record).

    A record the target must refuse is expected in the rejected-records output, and in the target
    either not at all or as an older version (the target kept the last version it accepted).
    `exempt` keys are allowed to be held although the source no longer has them (the Company
    Contacts API reports no deletions, so an incremental sync cannot carry them). `unsettled` keys
    changed while the sync ran, so it may or may not carry them: they are left out of this check
    but for duplicates. `key_prefix` is the destination's: documents store `<prefix><source id>`,
    and those under another prefix belong to another source and are left out. `written_under`: every
    set of readings the sandbox served while the targets were written; under some, the
    destination documents that a target holds another value (see `documented`).
    """
    shape = TARGETS[target]
    difference = Difference(target)
    held: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for document in documents:
        for key in shape.keys(document):
            if key.startswith(key_prefix):
                held[key.removeprefix(key_prefix)].append(document)
    difference.held = len(held)
    reported: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for line in rejected_lines:
        if line.get("target") in (target, "all targets") and line.get("primary_key") is not None:
            reported[str(line["primary_key"])].append(line)
    exempt = set(exempt)
    unsettled = set(unsettled)
    for key, record in source_records.items():
        if key in unsettled:
            continue
        reason = shape.rejects(record)
        if reason is not None:
            difference.rejected.append(key)
            if key not in reported:
                difference.unreported_rejections.append(key)
            continue
        difference.expected += 1
        documents_of_key = held.get(key, [])
        if not documents_of_key:
            difference.missing.append(key)
            continue
        want = shape.expected(record)
        have = shape.stored(documents_of_key[0])
        documented = BY_READING[target](written_under, Pair(record, documents_of_key[0], want, have))
        changed = {
            name: (have.get(name), value) for name, value in want.items() if _differs(have.get(name), value)
        }
        gaps = {}
        for name, values in changed.items():
            reason = gap_reason(target, name, *values, documented)
            if reason is not None:
                gaps[name] = values
                difference.gap_reasons[name] = reason
        if gaps:
            difference.known_gaps[key] = gaps
        if len(gaps) < len(changed):
            difference.stale[key] = {name: values for name, values in changed.items() if name not in gaps}
    for key, documents_of_key in held.items():
        if len(documents_of_key) > 1:
            difference.duplicates[key] = [str(document.get(shape.id_field)) for document in documents_of_key]
        if key not in source_records and key not in exempt and key not in unsettled:
            difference.extra.append(key)
    for key, lines in reported.items():
        if not any(shape.rejects(line.get("record") or {}) for line in lines):
            difference.unfounded_rejections.append(key)
    for keys in (difference.missing, difference.extra, difference.rejected, difference.unreported_rejections):
        keys.sort(key=_numeric_first)
    difference.unfounded_rejections.sort(key=_numeric_first)
    return difference


def _differs(held: str | None, want: str | None) -> bool:
    if held is None or want is None:
        return held != want
    return held.casefold() != want.casefold() if "@" in want else held != want


def _numeric_first(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (1 << 62, key)


def custom_source_records(dump: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Live contacts of the Custom Contact Source API's dump, by id."""
    return {str(contact["id"]): contact for contact in dump["contacts"]}


def company_source_records(dump: Mapping[str, Any], company: str) -> dict[str, Mapping[str, Any]]:
    return {str(contact["id"]): contact for contact in dump[company]["contacts"]}
