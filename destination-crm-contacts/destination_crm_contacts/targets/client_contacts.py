"""Contacts in the Client Contacts API, matched on the document field that holds the source id
(`integration_meta.external_id` by default).

The API cannot filter on that field, so the connector reads every document once per sync, at its
first write, into an index of the contacts it manages, and keeps the index current as it writes.
The index holds per source key only the `_id` and a digest of the fields the connector writes
(plus what lives beside the key in its container, when anything does), so it stays a few dozen
bytes a contact however many fields are mapped.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import orjson

from destination_crm_contacts.clients.base import RecordRejectedError, TargetError
from destination_crm_contacts.clients.client_contacts import ClientContactsClient, Document
from destination_crm_contacts.config import ClientContactsConfig
from destination_crm_contacts.mapping import DEFAULT_CLIENT_CONTACT_MAPPING, FieldMapping
from destination_crm_contacts.targets.base import Contact, CreateRetry, Outcome, Target


@dataclass(frozen=True, slots=True)
class Managed:
    """A document the connector manages, as the index keeps it."""

    id: str
    # Digest of the written fields as stored (see `digest`): equal digests mean "unchanged".
    digest: bytes
    # The container of the match key (e.g. `integration_meta`) when it holds more than the key,
    # so an update keeps its other values; None in the usual case, to keep the index small.
    beside: Mapping[str, Any] | None


class ClientContactsTarget(Target):
    name = "client_contacts"

    def __init__(
        self,
        client: ClientContactsClient,
        config: ClientContactsConfig,
        create_retry: CreateRetry,
        logger: logging.Logger,
        dry_run: bool = False,
    ) -> None:
        self._client = client
        self._config = config
        self._mapping = FieldMapping(DEFAULT_CLIENT_CONTACT_MAPPING, config.field_mapping)
        self._key_path = config.match_key.split(".")
        self._create_retry = create_retry
        self._logger = logger
        self._dry_run = dry_run
        self._lock = threading.Lock()
        self._index: dict[str, Managed] | None = None

    def check(self) -> None:
        self._client.page(1, {"per_page": 1})

    def prepare(self) -> None:
        with self._lock:
            if self._index is not None:
                return
            index: dict[str, Managed] = {}
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

    def desired(self, contact: Contact) -> dict[str, Any]:
        """Every mapped field; None for one the record leaves empty, so an update clears it."""
        values = self._mapping.resolve(contact.record)
        if not values.get("name"):
            raise RecordRejectedError("the Client Contacts API requires a name and the record has none")
        return {field: values.get(field) for field in self._mapping.managed}

    def upsert(self, contact: Contact) -> Outcome:
        document = self.desired(contact)
        existing = self._known(contact.key)
        if existing is None:
            return self._create(contact.key, document)
        if existing.digest == desired_digest(document):
            return Outcome.UNCHANGED
        if self._dry_run:
            return Outcome.UPDATED
        update = self._with_key(document, contact.key, existing.beside)
        if not self._client.update(existing.id, update):
            self._forget(contact.key)
            return self._create(contact.key, document)
        self._remember(contact.key, self._managed(existing.id, update, contact.key))
        return Outcome.UPDATED

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
            return set(self._index or {})

    def _managed(self, document_id: str, document: Mapping[str, Any], key: str) -> Managed:
        """What the index keeps of a stored document: its id, the digest of the fields the
        connector writes, and the key's container only when it holds anything else."""
        root = self._key_path[0]
        container = document.get(root)
        beside = None
        if isinstance(container, Mapping) and container != self._with_key({}, key)[root]:
            beside = container
        return Managed(document_id, stored_digest(document, self._mapping.managed), beside)

    def key_of(self, document: Mapping[str, Any]) -> str | None:
        value: Any = document
        for step in self._key_path:
            value = value.get(step) if isinstance(value, Mapping) else None
        return None if value in (None, "") else str(value)

    def _create(self, key: str, document: Mapping[str, Any]) -> Outcome:
        body = self._with_key({field: value for field, value in document.items() if value is not None}, key)
        if self._dry_run:
            self._remember(key, self._managed("", body, key))
            return Outcome.CREATED
        for attempt in range(self._create_retry.attempts):
            document_id = self._client.create(body)
            if document_id:
                self._remember(key, self._managed(document_id, body, key))
                return Outcome.CREATED
            if document_id is None:
                self._logger.warning(
                    f"client_contacts: the answer to creating source key {key} was lost; looking it up"
                )
                self._create_retry.pause(attempt)
            found = self._lookup(key, str(body["name"]))
            if found is not None:
                self._remember(key, found)
                return Outcome.CREATED
        raise TargetError(
            f"client_contacts: creating the contact of source key {key} failed "
            f"{self._create_retry.attempts} times (no answer, and no document with its key)"
        )

    def _lookup(self, key: str, name: str) -> Managed | None:
        """The document holding this key, among those of the name it was created with."""
        for documents in self._client.pages({"name": name}):
            for document in documents:
                if self.key_of(document) == key and document.get("_id"):
                    return self._managed(str(document["_id"]), document, key)
        return None

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
            return (self._index or {}).get(key)

    def _remember(self, key: str, managed: Managed) -> None:
        with self._lock:
            if self._index is not None:
                self._index[key] = managed

    def _forget(self, key: str) -> None:
        with self._lock:
            if self._index is not None:
                self._index.pop(key, None)


def stored_digest(stored: Mapping[str, Any], fields: Sequence[str]) -> bytes:
    """Digest of a stored document's written fields, compared as text with blanks trimmed."""
    return _digest([str(stored.get(field) or "").strip() for field in fields])


def desired_digest(document: Mapping[str, Any]) -> bytes:
    """Digest of the fields to write, in the mapping's order; equal to `stored_digest` exactly
    when every field is already stored as wanted."""
    values = [value or "" for value in document.values()]
    if not all(isinstance(value, str) for value in values):
        return b""  # a non-text value never equals its stored text: always rewrite
    return _digest(values)


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
