"""The two target APIs' data (CRM and Client Contacts): documents keyed by a string id."""

from __future__ import annotations

import random
import sqlite3
import time
from typing import Any

import orjson

from contacts_sandbox.store.database import dumps, text


class DocumentStore:
    """Documents keyed by a string id, in creation order: the two target APIs' storage.

    For the `searchable` fields it keeps each document's value case-folded, so a substring search
    is one `in` per document, and an index from each exact value to its documents, so an exact
    search is one lookup: destinations search once per record they write, and a sync of many
    thousand records must not make the sandbox the slow side. It also keeps the documents in the
    order they were last written, for a list by last change.
    """

    def __init__(
        self,
        db: sqlite3.Connection,
        table: str,
        key: str,
        searchable: tuple[str, ...] = (),
        changed_at: str | None = None,
    ) -> None:
        self._db = db
        self._table = table
        self._key = key
        self._documents: dict[str, dict[str, Any]] = {}
        self._folded: dict[str, dict[str, str]] = {name: {} for name in searchable}
        # Field -> value -> ids holding it (a dict as an ordered set).
        self._exact: dict[str, dict[str, dict[str, None]]] = {name: {} for name in searchable}
        self._created: dict[str, int] = {}
        self._sequence = 0
        # Ids by last write, oldest first: a write moves its document to the end.
        self._by_change: dict[str, None] = {}
        for (doc,) in db.execute(f"SELECT doc FROM {table} ORDER BY seq"):
            document = orjson.loads(doc)
            self._documents[document[key]] = document
            self._created[document[key]] = self._next_sequence()
            self._index(None, document)
        # After a restart, the last-write order comes back from the documents' own change times.
        ordered = list(self._documents.values())
        if changed_at is not None:
            ordered.sort(key=lambda document: (str(document.get(changed_at) or ""), document[key]))
        self._by_change = {document[key]: None for document in ordered}

    def _next_sequence(self) -> int:
        self._sequence += 1
        return self._sequence

    def _index(self, previous: dict[str, Any] | None, document: dict[str, Any] | None) -> None:
        """Moves a document's entries in the search indexes from `previous` to `document`."""
        document_id = (document or previous or {})[self._key]
        for name, values in self._folded.items():
            value = None if document is None else document.get(name)
            exact = self._exact[name]
            old = None if previous is None else previous.get(name)
            if old is not None:
                holders = exact.get(str(old))
                if holders is not None:
                    holders.pop(document_id, None)
                    if not holders:
                        del exact[str(old)]
            if value is None:
                values.pop(document_id, None)
            else:
                values[document_id] = str(value).casefold()
                exact.setdefault(str(value), {})[document_id] = None

    def search(self, name: str, term: str) -> list[dict[str, Any]]:
        """Documents whose field `name` (one of the searchable) contains `term`, ignoring case."""
        needle = term.casefold()
        return [self._documents[key] for key, value in self._folded[name].items() if needle in value]

    def equal(self, name: str, term: str) -> list[dict[str, Any]]:
        """The documents whose field `name` is exactly `term` (case and all), first created first."""
        holders = self._exact[name].get(term) or {}
        return [self._documents[key] for key in sorted(holders, key=self._created.__getitem__)]

    def oldest(self, documents: list[dict[str, Any]]) -> dict[str, Any]:
        """The first created of `documents` (some of this store's)."""
        return min(documents, key=lambda document: self._created[document[self._key]])

    def by_change(self) -> list[dict[str, Any]]:
        """Every document, the one written longest ago first."""
        return [self._documents[key] for key in self._by_change]

    def __contains__(self, document_id: object) -> bool:
        return document_id in self._documents

    def __len__(self) -> int:
        return len(self._documents)

    def get(self, document_id: str) -> dict[str, Any] | None:
        return self._documents.get(document_id)

    def all(self) -> list[dict[str, Any]]:
        return list(self._documents.values())

    def insert(self, document: dict[str, Any]) -> None:
        document_id = document[self._key]
        self._db.execute(
            f"INSERT INTO {self._table} ({self._key}, doc) VALUES (?, ?)",
            (document_id, text(dumps(document))),
        )
        self._documents[document_id] = document
        self._created[document_id] = self._next_sequence()
        self._by_change[document_id] = None
        self._index(None, document)

    def replace(self, document: dict[str, Any]) -> None:
        document_id = document[self._key]
        self._db.execute(
            f"UPDATE {self._table} SET doc = ? WHERE {self._key} = ?", (text(dumps(document)), document_id)
        )
        previous = self._documents[document_id]
        self._documents[document_id] = document
        del self._by_change[document_id]
        self._by_change[document_id] = None
        self._index(previous, document)

    def delete(self, document_id: str) -> dict[str, Any]:
        self._db.execute(f"DELETE FROM {self._table} WHERE {self._key} = ?", (document_id,))
        document = self._documents.pop(document_id)
        del self._created[document_id]
        del self._by_change[document_id]
        self._index(document, None)
        return document

    def clear(self) -> None:
        self._documents.clear()
        self._created.clear()
        self._by_change.clear()
        for values in self._folded.values():
            values.clear()
        for exact in self._exact.values():
            exact.clear()


class ObjectIds:
    """24-hex ids shaped like MongoDB's: creation second, a per-process random part, a counter.

    They sort in creation order, which is what `from__id` / `to__id` ranges rely on.
    """

    def __init__(self, rng: random.Random) -> None:
        self._middle = rng.randbytes(5).hex()
        self._counter = rng.randrange(1 << 20)

    def next(self) -> str:
        self._counter = (self._counter + 1) % (1 << 24)
        return f"{int(time.time()):08x}{self._middle}{self._counter:06x}"
