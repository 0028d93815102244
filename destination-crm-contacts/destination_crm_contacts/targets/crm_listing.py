"""Whether the CRM lists the contacts this connection manages, and the index one listing gives.

A CRM that answers a search for the marker prefix with a list of full contacts, each carrying a
marker and no sign of more pages, gives a per-sync index: one request for the whole sync. Any
other answer (empty, an id only, one page) is never taken as the set of them: each contact is
then searched by its marker, and `overwrite` is refused. An empty list may still come from a CRM
that lists and holds none yet: the first create asks again.
"""

from __future__ import annotations

import logging
import threading
import uuid

from airbyte_cdk.models import FailureType

from destination_crm_contacts.clients.crm import CrmClient
from destination_crm_contacts.clients.crm_answers import SearchAnswer, Shape
from destination_crm_contacts.config import CrmConfig
from destination_crm_contacts.errors import TargetError
from destination_crm_contacts.targets.crm_index import Known, kept
from destination_crm_contacts.targets.crm_marker import MARKER_PREFIX, marker, markers_in
from destination_crm_contacts.targets.key_index import KeyIndex


def probe_key() -> str:
    """A source key no contact holds: its marker is what a search must find nothing for."""
    return f"no-contact-holds-this-{uuid.uuid4().hex}"


class CrmListing:
    """The listing half of `CrmTarget`, which holds the state it reads and sets."""

    _client: CrmClient
    _config: CrmConfig
    _logger: logging.Logger
    _lock: threading.Lock
    _dry_run: bool
    _index: KeyIndex[Known] | None
    _marked: KeyIndex[Known]
    _unlisted: str | None
    _listing_unproven: bool
    _listing_asked_again: bool
    _index_whole: bool
    _first_lookup: tuple[str, SearchAnswer] | None

    def _learn(self, answer: SearchAnswer) -> None:
        raise NotImplementedError

    def prepare(self, mirror: bool = False, first_key: str | None = None) -> None:
        raise NotImplementedError

    def _read_index(self, mirror: bool, first_key: str | None) -> None:
        # First, where the CRM reads a search's filters. The sync's first search is for its first
        # record's marker, kept for that record: found, it must show that marker, or a search for
        # one no contact holds must find nothing. A sync that will delete what it did not send,
        # or has no record, searches for such a marker alone. Either answer also shows how the
        # CRM says "nothing", or answers a find.
        field = self._config.identity_field
        if mirror or first_key is None:
            probe = self._client.learn_search(field, marker(probe_key()))
        else:
            probe = self._client.learn_search(field, marker(first_key), unheld=marker(probe_key()))
            self._learn(probe)
            self._first_lookup = (first_key, probe)
        if probe.shape != Shape.LIST and not mirror:
            # A CRM that answers otherwise than with a list does not list: the search for every
            # marker is left out (asked only when overwrite needs it).
            self._unlisted = probe.shape.value
            self._logger.info(
                f"crm: a search answers {probe.shape.value}, so the CRM is not asked to list its "
                "contacts: each contact is looked up by its marker"
            )
            return
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
        self._learn(answer)
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
            # The sync began with no managed contact: the index holds each one written since.
            self._index_whole = True
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
