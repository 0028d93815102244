"""Contacts in the Client Contacts API, matched on the document field that holds the source id
(`integration_meta.external_id` by default).

The API cannot filter on that field, so the connector reads every document once per sync, at its
first write, into an index of the contacts it manages, and keeps the index current as it writes.
The index holds per source key only the `_id` and a digest of the fields the connector writes
(plus what the document holds that the connector does not write, when it holds anything), so it
does not grow with the number of fields mapped; past a bound it is kept on disk (`KeyIndex`).

An update sends the whole document as it should be: every written field (one the source emptied
as "", the API takes no null; but an email, which must be an address, is left out and counted as
not cleared), the match key's container, and every other writable field the document holds a
value for. So it leaves the same document whether the server's PUT merges the
fields it is sent or replaces the document's writable fields with them, and whether it is sent as
PUT or PATCH.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import orjson

from destination_crm_contacts.clients.client_contacts import ClientContactsClient, Document
from destination_crm_contacts.config import CLIENT_CONTACT_FIELDS, ClientContactsConfig
from destination_crm_contacts.errors import RecordRejectedError, TargetError
from destination_crm_contacts.mapping import DEFAULT_CLIENT_CONTACT_MAPPING, FieldMapping
from destination_crm_contacts.targets.base import Contact, Outcome, Target, WriteContext, Written
from destination_crm_contacts.targets.key_index import KeyIndex

# The fields the API documents as writable on create and update (its own `_id`, `createdAt`,
# `updatedAt` and `__v` are the server's): those a field mapping may write, and the others.
WRITABLE = (
    *CLIENT_CONTACT_FIELDS,
    "creator",
    "editor",
    "disabled",
    "media",
    "integration_meta",
    "company_namespace",
)
# Fields typed with a format ("string <email>"), where "" is no value the API must take: an
# update leaves them out when the source has none, and counts them as not cleared.
FORMATTED = ("email",)


@dataclass(frozen=True, slots=True)
class Managed:
    """A document the connector manages, as the index keeps it."""

    id: str
    # Digest of the written fields as stored (see `digest`): equal digests mean "unchanged".
    digest: bytes
    # What an update must send back so that a replacing PUT keeps it: the writable fields the
    # connector does not write, when they hold a value, and the match key's container when it
    # holds more than the key (e.g. `integration_meta.sync_status`). None in the usual case, to
    # keep the index small.
    kept: Mapping[str, Any] | None
    # The `FORMATTED` fields the document holds a value for.
    formatted: tuple[str, ...] = ()


class ClientContactsTarget(Target[Managed]):
    name = "client_contacts"

    def __init__(
        self, client: ClientContactsClient, config: ClientContactsConfig, context: WriteContext
    ) -> None:
        super().__init__(context)
        self._client = client
        self._config = config
        self._mapping = FieldMapping(DEFAULT_CLIENT_CONTACT_MAPPING, config.field_mapping)
        self._key_path = config.match_key.split(".")

    def check(self) -> str | None:
        """Proves the settings lead to the Client Contacts API, without writing: its list answers
        in the documented envelope, `{"success", "data": [...], "pagination"}`."""
        self._client.check()
        return None

    def healthy(self) -> bool:
        try:
            self._client.check()
        except TargetError:
            return False
        return True

    def prepare(self, mirror: bool = False, first_key: str | None = None) -> None:
        # The API lists every document (page by page), so `overwrite` can always run.
        with self._lock:
            if self._index is not None:
                return
            index: KeyIndex[Managed] = KeyIndex()
            for document in self._all_documents():
                key = self.key_of(document)
                document_id = document.get("_id")
                if key is None or not document_id:
                    continue
                if key in index:
                    self._logger.warning(
                        f"client_contacts: documents {index[key].id} and {document_id} both hold source "
                        f"key {key}; writing to {index[key].id}"
                    )
                    continue
                index[key] = self._managed(str(document_id), document, key)
            self._index = index
            self._logger.info(f"client_contacts: {len(index)} documents carry a source key")

    def desired(self, contact: Contact) -> dict[str, str]:
        """Every mapped field; "" for one the record leaves empty, so an update clears it."""
        values = self._mapping.resolve(contact.record)
        if not values.get("name"):
            raise RecordRejectedError("the Client Contacts API requires a name and the record has none")
        return {field: values.get(field) or "" for field in self._mapping.managed}

    def upsert(self, contact: Contact) -> Written:
        document = self.desired(contact)
        existing = self._known(contact.key)
        if existing is None:
            return Written(self._create(contact.key, document))
        if existing.digest == desired_digest(document):
            return Written(Outcome.UNCHANGED)
        not_cleared = tuple(field for field in existing.formatted if not document.get(field))
        if self._dry_run:
            return Written(Outcome.UPDATED, not_cleared)
        update = self._whole(document, contact.key, existing.kept)
        answered = self._client.update(existing.id, update)
        if answered is None:
            self._forget(contact.key)
            return Written(self._create(contact.key, document))
        self._remember(contact.key, self._managed(existing.id, update, contact.key))
        # A field left out to clear it, that a merging PUT kept: the answer shows it still there.
        kept = tuple(f for f, v in update.items() if v == "" and _holds_value(answered.get(f)))
        return Written(Outcome.UPDATED, not_cleared + kept)

    def create(self, contact: Contact) -> Outcome:
        return self._create(contact.key, self.desired(contact))

    def delete(self, key: str) -> Outcome:
        existing = self._known(key)
        if existing is None:
            return Outcome.ALREADY_GONE
        if self._dry_run:
            return Outcome.DELETED
        deleted = self._client.delete(existing.id)
        self._forget(key)
        return Outcome.DELETED if deleted else Outcome.ALREADY_GONE

    def managed_keys(self) -> set[str]:
        self.prepare()
        with self._lock:
            return set(self._index) if self._index is not None else set()

    def _managed(self, document_id: str, document: Mapping[str, Any], key: str) -> Managed:
        """What the index keeps of a stored document: its id, the digest of the fields the
        connector writes, and what an update must send back (see `Managed.kept`)."""
        root = self._key_path[0]
        kept = {
            field: document[field]
            for field in WRITABLE
            if field != root and field not in self._mapping.managed and _holds_value(document.get(field))
        }
        container = document.get(root)
        if isinstance(container, Mapping) and container != self._with_key({}, key)[root]:
            kept[root] = container
        managed = self._mapping.managed
        formatted = tuple(f for f in FORMATTED if f in managed and _holds_value(document.get(f)))
        return Managed(document_id, stored_digest(document, self._mapping.managed), kept or None, formatted)

    def key_of(self, document: Mapping[str, Any]) -> str | None:
        value: Any = document
        for step in self._key_path:
            value = value.get(step) if isinstance(value, Mapping) else None
        return None if value in (None, "") else str(value)

    def _create(self, key: str, document: Mapping[str, str]) -> Outcome:
        body = self._with_key({field: value for field, value in document.items() if value}, key)
        return self._create_once(
            key,
            lambda: self._client.create(body),
            lambda document_id: self._managed(document_id, body, key),
            lambda: self._lookup(key, str(body["name"])),
            "no document with its key",
        )

    def _lookup(self, key: str, name: str) -> Managed | None:
        """The document holding this key, among those of the name it was created with."""
        for documents in self._client.pages({"name": name}):
            for document in documents:
                if self.key_of(document) == key and document.get("_id"):
                    return self._managed(str(document["_id"]), document, key)
        return None

    def _whole(self, document: Mapping[str, str], key: str, kept: Mapping[str, Any] | None) -> dict[str, Any]:
        """The update of a stored document: the written fields, what it keeps, and the key."""
        root = self._key_path[0]
        others = {field: value for field, value in (kept or {}).items() if field != root}
        written = {field: value for field, value in document.items() if value or field not in FORMATTED}
        return self._with_key({**others, **written}, key, (kept or {}).get(root))

    def _with_key(
        self, document: Mapping[str, Any], key: str, beside: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The document with the source key at its match path, keeping what else lives beside it
        in its stored container `beside` (e.g. `integration_meta.sync_status`)."""
        body = dict(document)
        root, *rest = self._key_path
        if not rest:
            body[root] = key
            return body
        container = dict(beside) if isinstance(beside, Mapping) else {}
        node = container
        for step in rest[:-1]:
            child = node.get(step)
            node[step] = dict(child) if isinstance(child, Mapping) else {}
            node = node[step]
        node[rest[-1]] = key
        body[root] = container
        return body

    def _all_documents(self) -> list[Document]:
        first = self._client.page(1)
        if not first.has_next:
            return list(first.documents)
        if first.total_pages is None:
            return _unique([document for page in self._client.pages() for document in page])
        # The page count is known: read the other pages side by side.
        documents = list(first.documents)
        workers = min(8, first.total_pages - 1)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="client-contacts-index") as pool:
            for page in pool.map(self._client.page, range(2, first.total_pages + 1)):
                documents.extend(page.documents)
        return _unique(documents)

    def _known(self, key: str) -> Managed | None:
        self.prepare()
        with self._lock:
            return self._index.get(key) if self._index is not None else None


def _holds_value(value: Any) -> bool:
    """Whether a field holds something a replacing update would lose: null, "", an empty list or
    object, and false read the same as a cleared field."""
    return value not in (None, "", False) and value != [] and value != {}


def stored_digest(stored: Mapping[str, Any], fields: Sequence[str]) -> bytes:
    """Digest of a stored document's written fields, compared as text with blanks trimmed."""
    return _digest([str(stored.get(field) or "").strip() for field in fields])


def desired_digest(document: Mapping[str, str]) -> bytes:
    """Digest of the fields to write, in the mapping's order; equal to `stored_digest` exactly
    when every field is already stored as wanted."""
    return _digest(list(document.values()))


def _digest(values: list[Any]) -> bytes:
    # 16 bytes: a false "unchanged" would need a collision among the contacts of one sync.
    return hashlib.blake2b(orjson.dumps(values), digest_size=16).digest()


def _unique(documents: list[Document]) -> list[Document]:
    seen: set[str] = set()
    unique = []
    for document in documents:
        document_id = str(document.get("_id"))
        if document_id not in seen:
            seen.add(document_id)
            unique.append(document)
    return unique
