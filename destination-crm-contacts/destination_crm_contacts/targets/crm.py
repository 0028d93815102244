"""Contacts in the CRM, found by the identity marker `[source-id:<key>]` the connector writes.

The CRM has no field for a foreign id, so a created contact carries the marker in its identity
field (`notes` by default); the closing bracket keeps a substring search for key 12 off key 123.
A contact without a marker is adopted by the match field (email by default). The CRM edits only
name, email and phone, so the marker cannot be added to an adopted contact, and the other fields
(company, job title, notes) are written when a contact is created and never after.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from destination_crm_contacts.clients.base import RecordRejectedError, TargetError
from destination_crm_contacts.clients.crm import CrmClient, CrmContact
from destination_crm_contacts.config import CrmConfig
from destination_crm_contacts.mapping import DEFAULT_CRM_MAPPING, FieldMapping
from destination_crm_contacts.targets.base import Contact, CreateRetry, Outcome, Target

MARKER_PREFIX = "[source-id:"
_MARKERS = re.compile(r"\[source-id:([^\]]+)\]")
# What the index keeps of a contact: a digest of each field an edit can change, in this order.
COMPARED = ("name", "email", "phone")
_PART = 8  # bytes of digest per compared field


def marker(key: str) -> str:
    return f"{MARKER_PREFIX}{key}]"


def markers_in(text: Any) -> list[str]:
    return _MARKERS.findall(text) if isinstance(text, str) else []


@dataclass(frozen=True, slots=True)
class Known:
    """A CRM contact as the index keeps it: its id and a digest per field an edit can change
    (name, email, phone, see `COMPARED`), so "unchanged" is still told without keeping the fields.
    `digest` is None when the CRM's answer carried no fields: nothing can be compared."""

    id: str
    digest: bytes | None


class CrmTarget(Target):
    name = "crm"

    def __init__(
        self,
        client: CrmClient,
        config: CrmConfig,
        create_retry: CreateRetry,
        logger: logging.Logger,
        dry_run: bool = False,
    ) -> None:
        self._client = client
        self._config = config
        self._mapping = FieldMapping(DEFAULT_CRM_MAPPING, config.field_mapping)
        self._create_retry = create_retry
        self._logger = logger
        self._dry_run = dry_run
        self._lock = threading.Lock()
        self._prepared = False
        # Source key -> contact, read once per sync; None when the CRM's search answers carry
        # no fields, and each contact is then searched by its marker.
        self._index: dict[str, Known] | None = None

    def check(self) -> None:
        self._client.search(self._config.identity_field, marker("connection-check"))

    def prepare(self) -> None:
        with self._lock:
            if self._prepared:
                return
            self._prepared = True
            managed = self._client.search(self._config.identity_field, MARKER_PREFIX)
            if any(contact.fields is None for contact in managed):
                self._logger.info(
                    "crm: search answers carry only ids, so each contact is looked up by its marker"
                )
                return
            index: dict[str, Known] = {}
            for contact in managed:
                for key in markers_in((contact.fields or {}).get(self._config.identity_field)):
                    if key in index:
                        self._logger.warning(
                            f"crm: contacts {index[key].id} and {contact.id} both carry {marker(key)}; "
                            f"writing to {index[key].id}"
                        )
                        continue
                    index[key] = kept(contact)
            self._index = index
            self._logger.info(f"crm: {len(index)} contacts carry a source-id marker")

    def desired(self, contact: Contact) -> dict[str, str]:
        """The fields to create the contact with, marker included; rejects what the CRM refuses."""
        fields = self._mapping.resolve(contact.record)
        for required in ("first_name", "email"):
            if not fields.get(required):
                raise RecordRejectedError(f"the CRM requires {required} and the record has none")
        identity = self._config.identity_field
        fields[identity] = " ".join(part for part in (fields.get(identity), marker(contact.key)) if part)
        return fields

    def upsert(self, contact: Contact) -> Outcome:
        fields = self.desired(contact)
        existing = self._find(contact.key)
        if existing is None:
            adoptable = self._adoptable(fields)
            existing = kept(adoptable) if adoptable is not None else None
            if existing is not None:
                self._logger.info(
                    f"crm: adopting contact {existing.id} for source key {contact.key} by "
                    f"{self._config.match_field}; it keeps no marker (the CRM cannot edit "
                    f"{self._config.identity_field})"
                )
        if existing is None:
            return self._create(contact.key, fields)
        changes = editable_fields(fields, clears_phone="phone" in self._mapping.managed)
        if existing.digest is not None and not differs(existing.digest, changes):
            return Outcome.UNCHANGED
        if self._dry_run:
            return Outcome.UPDATED
        if not self._client.edit(existing.id, changes):
            self._forget(contact.key)
            return self._create(contact.key, fields)
        self._remember(contact.key, Known(existing.id, edited(existing.digest, changes)))
        return Outcome.UPDATED

    def create(self, contact: Contact) -> Outcome:
        return self._create(contact.key, self.desired(contact))

    def delete(self, key: str) -> Outcome:
        if self._index is not None:
            known = self._index.get(key)
            found = [known.id] if known else []
        else:
            found = [contact.id for contact in self._search_marker(key)]
        if not found:
            return Outcome.ALREADY_GONE
        if self._dry_run:
            return Outcome.DELETED
        deleted = [self._client.delete(contact_id) for contact_id in found]
        self._forget(key)
        return Outcome.DELETED if any(deleted) else Outcome.ALREADY_GONE

    def managed_keys(self) -> set[str]:
        self.prepare()
        if self._index is None:
            raise TargetError(
                "crm: overwrite needs search answers that carry the contacts' fields, to tell which "
                "contacts hold a source-id marker; this CRM answers with ids only"
            )
        with self._lock:
            return set(self._index)

    def _create(self, key: str, fields: Mapping[str, str]) -> Outcome:
        if self._dry_run:
            self._remember(key, kept(CrmContact("", fields)))
            return Outcome.CREATED
        for attempt in range(self._create_retry.attempts):
            contact_id = self._client.create(fields)
            if contact_id:
                self._remember(key, kept(CrmContact(contact_id, fields)))
                return Outcome.CREATED
            if contact_id is None:
                self._logger.warning(f"crm: the answer to creating source key {key} was lost; looking it up")
                self._create_retry.pause(attempt)
            found = self._search_marker(key)
            if found:
                self._remember(key, kept(found[0]))
                return Outcome.CREATED
        raise TargetError(
            f"crm: creating the contact of source key {key} failed {self._create_retry.attempts} times "
            "(no answer, and no contact with its marker)"
        )

    def _find(self, key: str) -> Known | None:
        if self._index is not None:
            with self._lock:
                return self._index.get(key)
        found = self._search_marker(key)
        return kept(found[0]) if found else None

    def _search_marker(self, key: str) -> list[CrmContact]:
        term = marker(key)
        return [
            contact
            for contact in self._client.search(self._config.identity_field, term)
            if contact.fields is None or key in markers_in(contact.fields.get(self._config.identity_field))
        ]

    def _adoptable(self, fields: Mapping[str, str]) -> CrmContact | None:
        match_field = self._config.match_field
        value = fields.get(match_field)
        if not value:
            return None
        for candidate in self._client.search(match_field, value):
            if candidate.fields is None:
                return candidate  # the answer does not say whether it is marked: take it
            if str(candidate.fields.get(match_field) or "").casefold() != value.casefold():
                continue  # the search matches substrings
            if not markers_in(candidate.fields.get(self._config.identity_field)):
                return candidate
        return None

    def _remember(self, key: str, contact: Known) -> None:
        if self._index is not None:
            with self._lock:
                self._index[key] = contact

    def _forget(self, key: str) -> None:
        if self._index is not None:
            with self._lock:
                self._index.pop(key, None)


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


def editable_fields(fields: Mapping[str, str], clears_phone: bool) -> dict[str, str | None]:
    """What an edit can send: the full name, email and phone. A phone the record no longer has
    is sent as null, so the CRM drops it rather than keep a stale one, when phone is a mapped
    field at all."""
    name = " ".join(part for part in (fields.get("first_name"), fields.get("last_name")) if part)
    changes: dict[str, str | None] = {
        "name": name,
        "email": fields.get("email"),
        "phone": fields.get("phone"),
    }
    edit: dict[str, str | None] = {field: value for field, value in changes.items() if value}
    if clears_phone and "phone" not in edit:
        edit["phone"] = None
    return edit


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
