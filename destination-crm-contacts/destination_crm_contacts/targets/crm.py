"""Contacts in the CRM, found by the identity marker `[source-id:<key>]` the connector writes.

The CRM has no field for a foreign id, so a created contact carries the marker as the whole value
of its identity field (`notes` by default): a CRM that matches a search exactly finds it by the
marker, and one that matches substrings cannot confuse key 12 with key 123 (the closing bracket).
A contact without a marker is adopted by the match field (email by default) only when the answer
shows it carries no marker. The CRM edits only name, email and phone, so the marker cannot be
added to an adopted contact, and the other fields (company, job title) are written when a contact
is created and never after.

Whether one search can list every managed contact depends on the CRM (`crm_listing.py`). Before
anything else, a sync learns where the CRM reads a search's filters (a search for a marker no
contact holds must find nothing); until an answer shows whether the CRM's answers carry the
contacts' fields, new contacts are written one at a time, so that a CRM answering ids alone is
never asked for a contact to adopt that it could not show.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from airbyte_cdk.models import FailureType

from destination_crm_contacts.clients.crm import CrmClient
from destination_crm_contacts.clients.crm_answers import CrmContact, SearchAnswer
from destination_crm_contacts.config import ADOPT_NEVER, ADOPT_UNMARKED, ADOPT_UNVERIFIED, CrmConfig
from destination_crm_contacts.errors import RecordRejectedError, TargetError
from destination_crm_contacts.mapping import DEFAULT_CRM_MAPPING, FieldMapping
from destination_crm_contacts.targets.base import Contact, Outcome, Target, WriteContext, Written
from destination_crm_contacts.targets.crm_check import check_crm
from destination_crm_contacts.targets.crm_index import (
    Known,
    differs,
    editable_fields,
    edited,
    holds_nothing,
    kept,
)
from destination_crm_contacts.targets.crm_listing import CrmListing, probe_key
from destination_crm_contacts.targets.crm_marker import marker, markers_in
from destination_crm_contacts.targets.key_index import KeyIndex


class CrmTarget(CrmListing, Target[Known]):
    name = "crm"

    def __init__(self, client: CrmClient, config: CrmConfig, context: WriteContext) -> None:
        # `_index`: read once per sync when the CRM proves its search lists every managed
        # contact; None otherwise, and each contact is then searched by its marker.
        super().__init__(context)
        self._client = client
        self._config = config
        # The identity field holds the marker and nothing else.
        self._mapping = FieldMapping(
            DEFAULT_CRM_MAPPING, {**config.field_mapping, config.identity_field: None}
        )
        self._prepared = False
        # Why the CRM's first answer cannot be the set of managed contacts (None: it is).
        self._unlisted: str | None = None
        # Whether an empty list may still come from a CRM that lists: the first create then asks
        # again (`_prove_listing`), and so does `managed_keys`.
        self._listing_unproven = False
        self._listing_asked_again = False
        # Whether the index holds every managed contact, so that a key it lacks needs no search:
        # only when the sync began with none (an empty listing cannot be capped) and the index
        # came from `_prove_listing`, which adds each contact this sync wrote.
        self._index_whole = False
        # What this sync wrote or found by marker, by key, to prove a later listing complete and
        # to carry into the index it gives (kept only while `_listing_unproven`).
        self._marked: KeyIndex[Known] = KeyIndex()
        # CRM contact id -> the source key that adopted it in this sync: one contact, one key.
        self._adopted: dict[str, str] = {}
        # Whether search answers carry the contacts' fields; None until an answer shows it.
        self._answers_with_fields: bool | None = None
        self._form_gate = threading.Lock()
        # The sync's first search, for its first record's marker, answered while learning where
        # the CRM reads the filters: that record's lookup, spent once.
        self._first_lookup: tuple[str, SearchAnswer] | None = None

    def check(self) -> str | None:
        return check_crm(self._client, self._config, self._search_marker, self._logger, self._dry_run)

    def healthy(self) -> bool:
        try:
            self._client.search(self._config.identity_field, marker(probe_key()))
        except TargetError:
            return False
        return True

    def prepare(self, mirror: bool = False, first_key: str | None = None) -> None:
        with self._lock:
            if not self._prepared:
                self._prepared = True
                self._read_index(mirror, first_key)
        if mirror and self._unlisted is not None and not self._listing_unproven:
            raise TargetError(self._cannot_mirror(self._unlisted), FailureType.config_error)

    def desired(self, contact: Contact) -> dict[str, str]:
        """The fields to create the contact with, marker included; rejects what the CRM refuses."""
        fields = self._mapping.resolve(contact.record)
        for required in ("first_name", "email"):
            if not fields.get(required):
                raise RecordRejectedError(f"the CRM requires {required} and the record has none")
        fields[self._config.identity_field] = marker(contact.key)
        return fields

    def upsert(self, contact: Contact) -> Written:
        fields = self.desired(contact)
        existing = self._find(contact.key)
        if existing is None and self._form_unknown():
            # Until an answer shows whether the CRM's answers carry the contacts' fields, one new
            # contact at a time: its create is followed by a search that shows it, so the others
            # know whether a search by the match field could adopt anything (on a CRM answering
            # ids alone it cannot, and is not asked).
            with self._form_gate:
                if self._form_unknown():
                    return self._write(contact.key, fields, None, learn_form=True)
        return self._write(contact.key, fields, existing)

    def _write(
        self, key: str, fields: dict[str, str], existing: Known | None, learn_form: bool = False
    ) -> Written:
        if existing is None:
            existing = self._adopt(key, fields)
        if existing is None:
            created = Written(self._create(key, fields))
            self._prove_listing()
            if learn_form and self._answers_with_fields is None:
                self._search_marker(key)
            return created
        changes = editable_fields(fields)
        not_cleared = self._not_cleared(existing, fields)
        if existing.digest is not None and not differs(existing.digest, changes):
            return Written(Outcome.UNCHANGED, not_cleared)
        if self._dry_run:
            return Written(Outcome.UPDATED, not_cleared)
        if not self._client.edit(existing.id, changes, fields.get("first_name")):
            self._forget(key)
            return Written(self._create(key, fields))
        self._remember(key, Known(existing.id, edited(existing.digest, changes)))
        return Written(Outcome.UPDATED, not_cleared)

    def _form_unknown(self) -> bool:
        return (
            self._answers_with_fields is None
            and self._config.adopt_by_match_field == ADOPT_UNMARKED
            and not self._dry_run
        )

    def create(self, contact: Contact) -> Outcome:
        created = self._create(contact.key, self.desired(contact))
        self._prove_listing()
        return created

    def delete(self, key: str) -> Outcome:
        known = self._listed_as(key)
        if known is not None or self._index_whole:
            found = [known.id] if known else []
        else:
            found = [contact.id for contact in self._looked_up(key)]
        if not found:
            if not self._dry_run:
                # "No such contact" from a path that has only ever answered 404 proves nothing.
                self._client.prove_path(self._config.contacts_path, "crm.base_url and crm.contacts_path")
            return Outcome.ALREADY_GONE
        if self._dry_run:
            return Outcome.DELETED
        deleted = [self._client.delete(contact_id) for contact_id in found]
        self._forget(key)
        return Outcome.DELETED if any(deleted) else Outcome.ALREADY_GONE

    def _create(self, key: str, fields: Mapping[str, str]) -> Outcome:
        return self._create_once(
            key,
            lambda: self._client.create(fields),
            lambda contact_id: kept(CrmContact(contact_id, fields)),
            lambda: next((kept(contact) for contact in self._search_marker(key)), None),
            "no contact with its marker",
        )

    def _find(self, key: str) -> Known | None:
        listed = self._listed_as(key)
        if listed is not None or self._index_whole:
            return listed
        found = self._looked_up(key)
        if not found:
            return None
        entry = kept(found[0])
        self._note_marked(key, entry)
        return entry

    def _listed_as(self, key: str) -> Known | None:
        """The contact the listing shows for this key. A key the listing lacks is searched for all
        the same, unless the index is whole: a CRM may cap its answers silently, and a capped
        listing looks whole."""
        if self._index is None:
            return None
        with self._lock:
            return self._index.get(key)

    def _looked_up(self, key: str) -> list[CrmContact]:
        """The contacts carrying this key's marker: the sync's first search when it was for this
        key, else a search now."""
        first = self._spend_first_lookup(key)
        return self._search_marker(key) if first is None else self._holding(key, first)

    def _spend_first_lookup(self, key: str) -> SearchAnswer | None:
        # Also when the key is written without a lookup (append): the answer is then out of date.
        with self._lock:
            first = self._first_lookup
            if first is None or first[0] != key:
                return None
            self._first_lookup = None
            return first[1]

    def _search_marker(self, key: str) -> list[CrmContact]:
        answer = self._client.search(self._config.identity_field, marker(key))
        self._learn(answer)
        return self._holding(key, answer)

    def _holding(self, key: str, answer: SearchAnswer) -> list[CrmContact]:
        return [
            contact
            for contact in answer.contacts
            if contact.fields is None or key in markers_in(contact.fields.get(self._config.identity_field))
        ]

    def _adopt(self, key: str, fields: Mapping[str, str]) -> Known | None:
        """An existing contact this record may take as its own: one the match field finds that
        carries no marker and no other source key took in this sync. On a CRM whose answers carry
        only ids, nothing shows whether the contact is another source contact's, so it is taken
        only when `crm.adopt_by_match_field` is `even_if_unverified`."""
        match_field = self._config.match_field
        value = fields.get(match_field)
        if not value or self._config.adopt_by_match_field == ADOPT_NEVER:
            return None
        verified_only = self._config.adopt_by_match_field != ADOPT_UNVERIFIED
        if verified_only and self._answers_with_fields is False:
            return None  # a search would show no fields: it could adopt nothing
        answer = self._client.search(match_field, value)
        self._learn(answer)
        for candidate in answer.contacts:
            if candidate.fields is None:
                if verified_only:
                    continue
            elif str(candidate.fields.get(match_field) or "").strip().casefold() != value.casefold():
                continue  # the search matches substrings
            elif markers_in(candidate.fields.get(self._config.identity_field)):
                continue  # another source contact's
            with self._lock:
                if self._adopted.setdefault(candidate.id, key) != key:
                    continue  # taken by another source key in this sync
            self._logger.info(
                f"crm: adopting contact {candidate.id} for source key {key} by {match_field}; it keeps "
                f"no marker (the CRM cannot edit {self._config.identity_field})"
            )
            return kept(candidate)
        return None

    def _not_cleared(self, existing: Known, fields: Mapping[str, str]) -> tuple[str, ...]:
        """Fields the contact holds that the source emptied: the CRM's edit cannot clear them
        (its phone is typed, so neither null nor an empty text is a phone)."""
        if "phone" not in self._mapping.managed or fields.get("phone") or existing.digest is None:
            return ()
        return () if holds_nothing(existing.digest, "phone") else ("phone",)

    def _learn(self, answer: SearchAnswer) -> None:
        if answer.with_fields is not None:
            self._answers_with_fields = answer.with_fields

    def _note_marked(self, key: str, entry: Known) -> None:
        # A dry run's creates are not in the CRM: a later listing cannot show them.
        if not self._dry_run:
            with self._lock:
                if self._listing_unproven:
                    self._marked[key] = entry

    def _remember(self, key: str, entry: Known) -> None:
        self._spend_first_lookup(key)
        self._note_marked(key, entry)
        super()._remember(key, entry)

    def _forget(self, key: str) -> None:
        self._spend_first_lookup(key)
        with self._lock:
            self._marked.pop(key, None)
        super()._forget(key)
