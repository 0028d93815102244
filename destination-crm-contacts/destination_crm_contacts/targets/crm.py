"""Contacts in the CRM, found by the identity marker `[source-id:<key>]` the connector writes.

The CRM has no field for a foreign id, so a created contact carries the marker as the whole value
of its identity field (`notes` by default): a CRM that matches a search exactly finds it by the
marker, and one that matches substrings cannot confuse key 12 with key 123 (the closing bracket).
A contact without a marker is adopted by the match field (email by default) only when the answer
shows it carries no marker. The CRM edits only name, email and phone, so the marker cannot be
added to an adopted contact, and the other fields (company, job title) are written when a contact
is created and never after.

Whether one search can list every managed contact depends on the CRM: one that answers a search
for the marker prefix with a list of full contacts, each carrying a marker and no sign of more
pages, gives a per-sync index. Any other answer (empty, an id only, one page) is never taken as
the set of them: each contact is then searched by its marker, and `overwrite` is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from airbyte_cdk.models import FailureType

from destination_crm_contacts.clients.crm import CrmClient, CrmContact, SearchAnswer, Shape
from destination_crm_contacts.config import ADOPT_NEVER, ADOPT_UNVERIFIED, CrmConfig
from destination_crm_contacts.mapping import DEFAULT_CRM_MAPPING, FieldMapping
from destination_crm_contacts.targets.base import (
    Contact,
    CreateRetry,
    Outcome,
    RecordRejectedError,
    Target,
    TargetError,
    Written,
)
from destination_crm_contacts.targets.crm_check import check_crm
from destination_crm_contacts.targets.crm_index import (
    Known,
    differs,
    editable_fields,
    edited,
    holds_nothing,
    kept,
)
from destination_crm_contacts.targets.crm_marker import MARKER_PREFIX, marker, markers_in
from destination_crm_contacts.targets.key_index import KeyIndex


class CrmTarget(Target[Known]):
    name = "crm"

    def __init__(
        self,
        client: CrmClient,
        config: CrmConfig,
        create_retry: CreateRetry,
        logger: logging.Logger,
        dry_run: bool = False,
    ) -> None:
        # `_index`: read once per sync when the CRM proves its search lists every managed
        # contact; None otherwise, and each contact is then searched by its marker.
        super().__init__(create_retry, logger, dry_run)
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
        # What this sync wrote or found by marker, by key, to prove a later listing complete and
        # to carry into the index it gives (kept only while `_listing_unproven`).
        self._marked: KeyIndex[Known] = KeyIndex()
        # CRM contact id -> the source key that adopted it in this sync: one contact, one key.
        self._adopted: dict[str, str] = {}
        # Whether search answers carry the contacts' fields; None until an answer shows it.
        self._answers_with_fields: bool | None = None

    def check(self) -> None:
        check_crm(self._client, self._config, self._search_marker, self._logger, self._dry_run)

    def prepare(self, mirror: bool = False) -> None:
        with self._lock:
            if not self._prepared:
                self._prepared = True
                self._read_index()
        if mirror and self._unlisted is not None and not self._listing_unproven:
            raise TargetError(self._cannot_mirror(self._unlisted), FailureType.config_error)

    def _read_index(self) -> None:
        answer = self._client.search(self._config.identity_field, MARKER_PREFIX)
        self._learn(answer)
        reason = self._not_a_listing(answer)
        if reason is not None:
            self._unlisted = reason
            self._listing_unproven = answer.shape == Shape.LIST and not answer.contacts
            until = " until the first create shows whether it lists" if self._listing_unproven else ""
            self._logger.info(
                f"crm: a search for the marker prefix answered {reason}, which does not prove it lists "
                f"every managed contact; each contact is looked up by its marker{until}"
            )
            return
        self._index = self._listed(answer)
        self._logger.info(f"crm: {len(self._index)} contacts carry a source-id marker")

    def _listed(self, answer: SearchAnswer) -> KeyIndex[Known]:
        """The managed contacts a listing answer holds, by source key."""
        index: KeyIndex[Known] = KeyIndex()
        for contact in answer.contacts:
            for key in markers_in((contact.fields or {}).get(self._config.identity_field)):
                if key in index:
                    self._logger.warning(
                        f"crm: contacts {index[key].id} and {contact.id} both carry {marker(key)}; "
                        f"writing to {index[key].id}"
                    )
                    continue
                index[key] = kept(contact)
        return index

    def _prove_listing(self) -> None:
        """After the first create on a CRM whose first answer was an empty list: asks once more.
        A CRM that lists now shows the contacts this sync wrote, with their marker, and from then
        on the index stands in for one marker search per contact; one that does not keeps them."""
        with self._lock:
            if not self._listing_unproven or self._listing_asked_again or self._dry_run:
                return
            self._listing_asked_again = True
            written = set(self._marked)
        answer = self._client.search(self._config.identity_field, MARKER_PREFIX)
        if self._not_a_listing(answer) is not None:
            return
        listed = self._listed(answer)
        if not written <= listed.keys():
            return
        with self._lock:
            # What was written since the answer is newer than the answer.
            listed.update(self._marked)
            self._index = listed
            self._marked.close()
            self._listing_unproven = False
            self._unlisted = None
        self._logger.info(
            f"crm: a search for the marker prefix lists the contacts this sync created; "
            f"{len(listed)} contacts carry a source-id marker, and the rest are looked up in that index"
        )

    def _not_a_listing(self, answer: SearchAnswer) -> str | None:
        """Why this answer to a marker-prefix search is not every managed contact; None when it is:
        a list of contacts with their fields, each carrying a marker, and no sign of more pages."""
        if answer.shape != Shape.LIST:
            return answer.shape.value
        if not answer.contacts:
            return "an empty list"
        if not answer.with_fields:
            return "ids without the contacts' fields"
        identity = self._config.identity_field
        if not all(markers_in((contact.fields or {}).get(identity)) for contact in answer.contacts):
            return "contacts that carry no marker"
        return None

    def _cannot_mirror(self, reason: str, written: bool = False) -> str:
        done = "Its records were written; nothing was deleted." if written else "Nothing was written."
        return (
            f"crm: overwrite needs the contacts this connection manages, as does a truncate refresh "
            f"(Refresh and remove records), and this CRM cannot list them: a search for "
            f"{MARKER_PREFIX!r} in {self._config.identity_field} answered {reason}, so the sync could "
            f"not tell which contacts to delete. {done} Use the append_dedup sync mode for this "
            "connection and refresh it with Refresh and retain records (the source's deletions still "
            "delete), or leave the CRM out of it (crm.enabled: false). If the CRM does list its "
            "contacts but holds none of this connection's yet, run the first sync in append_dedup."
        )

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
        if existing is None:
            existing = self._adopt(contact.key, fields)
        if existing is None:
            created = Written(self._create(contact.key, fields))
            self._prove_listing()
            return created
        changes = editable_fields(fields)
        not_cleared = self._not_cleared(existing, fields)
        if existing.digest is not None and not differs(existing.digest, changes):
            return Written(Outcome.UNCHANGED, not_cleared)
        if self._dry_run:
            return Written(Outcome.UPDATED, not_cleared)
        if not self._client.edit(existing.id, changes):
            self._forget(contact.key)
            return Written(self._create(contact.key, fields))
        self._remember(contact.key, Known(existing.id, edited(existing.digest, changes)))
        return Written(Outcome.UPDATED, not_cleared)

    def create(self, contact: Contact) -> Outcome:
        created = self._create(contact.key, self.desired(contact))
        self._prove_listing()
        return created

    def delete(self, key: str) -> Outcome:
        if self._index is not None:
            with self._lock:
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
        if self._index is not None:
            with self._lock:
                return set(self._index)
        if not self._listing_unproven:
            raise TargetError(self._cannot_mirror(self._unlisted or "nothing"), FailureType.config_error)
        # The first answer was an empty list: the CRM may list and have held nothing, or not list.
        # Asked again now, a CRM that lists shows the contacts this sync wrote with their marker.
        if self._dry_run:
            self._logger.warning(
                "crm: the CRM answered an empty list, so a dry run cannot tell whether it lists its "
                "contacts: a real sync writes, then asks again, and fails with a config error if it does not"
            )
            return set()
        answer = self._client.search(self._config.identity_field, MARKER_PREFIX)
        reason = self._not_a_listing(answer)
        listed = {
            key
            for contact in answer.contacts
            for key in markers_in((contact.fields or {}).get(self._config.identity_field))
        }
        with self._lock:
            written = set(self._marked)
        if reason is None and written <= listed:
            return listed
        raise TargetError(
            self._cannot_mirror(reason or "a list without contacts this sync wrote", written=True),
            FailureType.config_error,
        )

    def _create(self, key: str, fields: Mapping[str, str]) -> Outcome:
        return self._create_once(
            key,
            lambda: self._client.create(fields),
            lambda contact_id: kept(CrmContact(contact_id, fields)),
            lambda: next((kept(contact) for contact in self._search_marker(key)), None),
            "no contact with its marker",
        )

    def _find(self, key: str) -> Known | None:
        if self._index is not None:
            with self._lock:
                return self._index.get(key)
        found = self._search_marker(key)
        if not found:
            return None
        entry = kept(found[0])
        self._note_marked(key, entry)
        return entry

    def _search_marker(self, key: str) -> list[CrmContact]:
        answer = self._client.search(self._config.identity_field, marker(key))
        self._learn(answer)
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
        self._note_marked(key, entry)
        super()._remember(key, entry)

    def _forget(self, key: str) -> None:
        with self._lock:
            self._marked.pop(key, None)
        super()._forget(key)
