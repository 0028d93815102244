"""The sandbox's data: SQLite for durability, in-memory caches for speed.

SQLite is the record (a file by default, so what a destination wrote can be inspected after a run
and survives a restart); every write goes to it first, then to the caches. Reads never touch
SQLite: each store keeps its documents and their serialised JSON in memory, plus ordered lists
built on the first read and kept in order on every write after it, so a page is a slice of
ready-made bytes whichever order the profile serves.

Every method runs on the server's event loop thread, one at a time: no locking is needed.
"""

from __future__ import annotations

import bisect
import os
import random
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson

from contacts_sandbox import seed as seeding

SCHEMA = """
CREATE TABLE IF NOT EXISTS custom_contacts (id INTEGER PRIMARY KEY, doc TEXT NOT NULL,
    changed_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS custom_deleted (id INTEGER PRIMARY KEY, deleted_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS company_contacts (company TEXT NOT NULL, id INTEGER NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (company, id));
CREATE TABLE IF NOT EXISTS company_tags (company TEXT NOT NULL, id INTEGER NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (company, id));
CREATE TABLE IF NOT EXISTS crm_contacts (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS client_contacts (seq INTEGER PRIMARY KEY AUTOINCREMENT, _id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL);
"""
CRM_SEARCHABLE = ("id", "first_name", "last_name", "email", "phone", "company", "job_title", "notes")
TABLES = (
    "custom_contacts",
    "custom_deleted",
    "company_contacts",
    "company_tags",
    "crm_contacts",
    "client_contacts",
)


def connect(path: str) -> sqlite3.Connection:
    if path != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    if path != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    return db


def dumps(document: Any) -> bytes:
    """A document's JSON, to keep: copied out of orjson's buffer, which holds 4 KiB however short
    the JSON (a quarter of a million cached contacts would take a gigabyte)."""
    return bytes(memoryview(orjson.dumps(document)))


def text(raw: bytes) -> str:
    """Documents are stored as JSON text, so `json_extract(doc, '$.email')` works on them."""
    return raw.decode()


class _Ordered:
    """Values kept sorted by a key, in step with every write.

    A write moves one value (a bisect, then a list insert and delete, which are memmoves in C)
    rather than leaving the next read to sort the whole store again: an update during a full read,
    the case a last-change order exists to test, would otherwise cost a sort per page.
    """

    __slots__ = ("keys", "values")

    def __init__(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        ordered = sorted(pairs, key=lambda pair: pair[0])
        self.keys: list[Any] = [key for key, _ in ordered]
        self.values: list[Any] = [value for _, value in ordered]

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: Any, value: Any) -> None:
        at = bisect.bisect_left(self.keys, key)
        self.keys.insert(at, key)
        self.values.insert(at, value)

    def remove(self, key: Any) -> None:
        at = bisect.bisect_left(self.keys, key)
        if at < len(self.keys) and self.keys[at] == key:
            del self.keys[at]
            del self.values[at]

    def move(self, old: Any, new: Any, value: Any) -> None:
        """Takes the value at `old` (None: a new one) to `new`."""
        if old is not None:
            self.remove(old)
        self.add(new, value)

    def start_of(self, key: Any) -> int:
        """The position of the first key not below `key`."""
        return bisect.bisect_left(self.keys, key)


# --- Custom Contact Source API -------------------------------------------------------------------


# Entries keep a document's JSON, not the parsed document: a benchmark's hundreds of thousands of
# contacts fit in a fraction of the memory, and the rare reader of a whole document (a dump, a
# churn) parses it again. Entries are replaced on write, never changed in place.
@dataclass(slots=True)
class _CustomEntry:
    raw: bytes
    changed_at: float

    @property
    def contact(self) -> dict[str, Any]:
        contact: dict[str, Any] = orjson.loads(self.raw)
        return contact


@dataclass(frozen=True)
class DeltaPage:
    updated: list[bytes]
    deleted: list[bytes]
    has_more: bool


class CustomContactStore:
    """Contacts keyed by a numeric id (served as a string of digits), plus the ids deleted."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._contacts: dict[int, _CustomEntry] = {}
        self._deleted: dict[int, float] = {}
        self._next_id = seeding.FIRST_CUSTOM_ID
        # Keyed by id; by (change time, id); deleted ids by (deletion time, id).
        self._by_id: _Ordered | None = None
        self._by_change: _Ordered | None = None
        self._deleted_by_time: _Ordered | None = None
        for contact_id, doc, changed_at in db.execute("SELECT id, doc, changed_at FROM custom_contacts"):
            self._contacts[contact_id] = _CustomEntry(doc.encode(), changed_at)
        for contact_id, deleted_at in db.execute("SELECT id, deleted_at FROM custom_deleted"):
            self._deleted[contact_id] = deleted_at
        self._next_id = max([seeding.FIRST_CUSTOM_ID, *self._contacts, *self._deleted]) + 1

    def __len__(self) -> int:
        return len(self._contacts)

    def _invalidate(self) -> None:
        self._by_id = self._by_change = self._deleted_by_time = None

    def _ordered_by_id(self) -> _Ordered:
        if self._by_id is None:
            self._by_id = _Ordered((key, entry.raw) for key, entry in self._contacts.items())
        return self._by_id

    def _ordered_by_change(self) -> _Ordered:
        if self._by_change is None:
            self._by_change = _Ordered(
                ((entry.changed_at, key), entry.raw) for key, entry in self._contacts.items()
            )
        return self._by_change

    def _deleted_ordered(self) -> _Ordered:
        if self._deleted_by_time is None:
            self._deleted_by_time = _Ordered(
                ((at, key), dumps(str(key))) for key, at in self._deleted.items()
            )
        return self._deleted_by_time

    def load(self, seeded: Iterable[seeding.SeededCustomContact]) -> None:
        def rows() -> Iterator[tuple[int, str, float]]:
            # One contact at a time, from generator to cache and table: memory holds only the JSON.
            for item in seeded:
                raw = dumps(item.contact)
                contact_id = int(item.contact["id"])
                self._contacts[contact_id] = _CustomEntry(raw, item.changed_at)
                yield contact_id, text(raw), item.changed_at

        self._db.executemany("INSERT INTO custom_contacts (id, doc, changed_at) VALUES (?, ?, ?)", rows())
        self._next_id = max([self._next_id, *self._contacts]) + 1
        self._invalidate()

    def restore(self, snapshot: CustomContactStore) -> None:
        """Takes the snapshot's contacts (entries are replaced on write, never changed in place)."""
        self._contacts = dict(snapshot._contacts)
        self._deleted = dict(snapshot._deleted)
        self._next_id = snapshot._next_id
        self._invalidate()

    def page(self, offset: int, limit: int, *, by_change: bool = False) -> tuple[list[bytes], bool]:
        """A page of every contact, ordered by id, or with `by_change` by (change time, id)."""
        ordered = self._ordered_by_change() if by_change else self._ordered_by_id()
        return ordered.values[offset : offset + limit], offset + limit < len(ordered)

    def delta(self, since: float, offset: int, limit: int) -> DeltaPage:
        """Changes at or after `since`, ordered by (change time, id); `limit` applies to each list."""
        changed, gone = self._ordered_by_change(), self._deleted_ordered()
        # (since,) sorts before every (since, id): the first change at or after `since`.
        start = changed.start_of((since,)) + offset
        deleted_start = gone.start_of((since,)) + offset
        return DeltaPage(
            updated=changed.values[start : start + limit],
            deleted=gone.values[deleted_start : deleted_start + limit],
            has_more=start + limit < len(changed) or deleted_start + limit < len(gone),
        )

    def ids(self) -> list[str]:
        return [str(key) for key in sorted(self._contacts)]

    def get(self, contact_id: str) -> dict[str, Any]:
        return self._contacts[int(contact_id)].contact

    def put(self, contact: dict[str, Any], now: float) -> None:
        """Creates or replaces a contact, changed at `now`."""
        contact_id = int(contact["id"])
        raw = dumps(contact)
        self._db.execute(
            "INSERT OR REPLACE INTO custom_contacts (id, doc, changed_at) VALUES (?, ?, ?)",
            (contact_id, text(raw), now),
        )
        previous = self._contacts.get(contact_id)
        self._contacts[contact_id] = _CustomEntry(raw, now)
        self._next_id = max(self._next_id, contact_id + 1)
        if self._by_id is not None:
            self._by_id.move(contact_id, contact_id, raw)
        if self._by_change is not None:
            old = None if previous is None else (previous.changed_at, contact_id)
            self._by_change.move(old, (now, contact_id), raw)

    def new_id(self) -> str:
        contact_id = self._next_id
        self._next_id += 1
        return str(contact_id)

    def delete(self, contact_id: str, now: float) -> None:
        key = int(contact_id)
        self._db.execute("DELETE FROM custom_contacts WHERE id = ?", (key,))
        self._db.execute("INSERT OR REPLACE INTO custom_deleted (id, deleted_at) VALUES (?, ?)", (key, now))
        entry = self._contacts.pop(key)
        previous = self._deleted.get(key)
        self._deleted[key] = now
        if self._by_id is not None:
            self._by_id.remove(key)
        if self._by_change is not None:
            self._by_change.remove((entry.changed_at, key))
        if self._deleted_by_time is not None:
            old = None if previous is None else (previous, key)
            self._deleted_by_time.move(old, (now, key), dumps(str(key)))

    def dump(self) -> dict[str, Any]:
        return {
            "contacts": [self._contacts[key].contact for key in sorted(self._contacts)],
            "deleted": [
                str(key) for key, _ in sorted(self._deleted.items(), key=lambda item: (item[1], item[0]))
            ],
        }


# --- Company Contacts API ------------------------------------------------------------------------


@dataclass(slots=True)
class _CompanyEntry:
    raw: bytes
    haystack: str
    tag_ids: tuple[str, ...]
    # (updated_at, id): ISO 8601 texts of one shape, so they sort as the times they name.
    change_key: tuple[str, int]

    @classmethod
    def of(cls, contact: dict[str, Any], raw: bytes) -> _CompanyEntry:
        change_key = (contact.get("updated_at") or "", int(contact["id"]))
        return cls(raw, _haystack(contact), tuple(tag["id"] for tag in contact["tags"]), change_key)

    @property
    def contact(self) -> dict[str, Any]:
        contact: dict[str, Any] = orjson.loads(self.raw)
        return contact


def _haystack(contact: dict[str, Any]) -> str:
    """The searchable text of a contact; fields joined by a separator no search term can span."""
    fields = [contact.get(name) or "" for name in ("first_name", "last_name", "email", "phone_number")]
    fields.append(contact.get("phone_number_lid") or "")
    fields.extend(tag["name"] for tag in contact["tags"])
    return "\x00".join(fields).casefold()


@dataclass
class _Company:
    contacts: dict[int, _CompanyEntry] = field(default_factory=dict)
    tags: dict[int, dict[str, Any]] = field(default_factory=dict)
    by_id: _Ordered | None = None
    by_change: _Ordered | None = None

    def forget_order(self) -> None:
        self.by_id = self.by_change = None


class CompanyContactStore:
    """Contacts and tags of each company, kept apart by the company's API key."""

    def __init__(self, db: sqlite3.Connection, keys: tuple[str, ...]) -> None:
        self._db = db
        self._companies = {key: _Company() for key in keys}
        self._next_id = 1
        for company, contact_id, doc in db.execute("SELECT company, id, doc FROM company_contacts"):
            if company in self._companies:
                self._companies[company].contacts[contact_id] = _CompanyEntry.of(
                    orjson.loads(doc), doc.encode()
                )
        for company, tag_id, doc in db.execute("SELECT company, id, doc FROM company_tags"):
            if company in self._companies:
                self._companies[company].tags[tag_id] = orjson.loads(doc)
        self._next_id = max([1, *(key for data in self._companies.values() for key in data.contacts)]) + 1

    def keys(self) -> tuple[str, ...]:
        return tuple(self._companies)

    def load(self, seeded: Iterable[seeding.SeededCompany]) -> None:
        for company in seeded:
            data = self._companies[company.key]
            for tag in company.tags:
                data.tags[int(tag["id"])] = tag
            self._db.executemany(
                "INSERT INTO company_tags (company, id, doc) VALUES (?, ?, ?)",
                [(company.key, int(tag["id"]), text(dumps(tag))) for tag in company.tags],
            )

            def rows(company: seeding.SeededCompany, data: _Company) -> Iterator[tuple[str, int, str]]:
                for contact in company.contacts:
                    raw = dumps(contact)
                    data.contacts[int(contact["id"])] = _CompanyEntry.of(contact, raw)
                    yield company.key, int(contact["id"]), text(raw)

            self._db.executemany(
                "INSERT INTO company_contacts (company, id, doc) VALUES (?, ?, ?)", rows(company, data)
            )
            data.forget_order()
            self._next_id = max([self._next_id, *(key + 1 for key in data.contacts)])

    def restore(self, snapshot: CompanyContactStore) -> None:
        """Takes the snapshot's contacts and tags (replaced on write, never changed in place)."""
        self._companies = {
            key: _Company(contacts=dict(data.contacts), tags=dict(data.tags))
            for key, data in snapshot._companies.items()
        }
        self._next_id = snapshot._next_id

    def _ordered(self, company: str, by_change: bool = False) -> list[_CompanyEntry]:
        """The company's contacts by id, or with `by_change` by (updated_at, id)."""
        data = self._companies[company]
        if by_change:
            if data.by_change is None:
                data.by_change = _Ordered((entry.change_key, entry) for entry in data.contacts.values())
            return data.by_change.values
        if data.by_id is None:
            data.by_id = _Ordered(data.contacts.items())
        return data.by_id.values

    def contacts(self, company: str, search: str | None, *, by_change: bool = False) -> list[bytes]:
        entries = self._ordered(company, by_change)
        if search:
            needle = search.casefold()
            return [entry.raw for entry in entries if needle in entry.haystack]
        return [entry.raw for entry in entries]

    def contacts_page(
        self, company: str, search: str | None, offset: int, limit: int, *, by_change: bool = False
    ) -> tuple[list[bytes], int]:
        if search:
            matching = self.contacts(company, search, by_change=by_change)
            return matching[offset : offset + limit], len(matching)
        entries = self._ordered(company, by_change)
        return [entry.raw for entry in entries[offset : offset + limit]], len(entries)

    def tags(self, company: str, search: str | None) -> list[dict[str, Any]]:
        data = self._companies[company]
        counts: dict[str, int] = {}
        for entry in data.contacts.values():
            for tag_id in entry.tag_ids:
                counts[tag_id] = counts.get(tag_id, 0) + 1
        needle = search.casefold() if search else ""
        return [
            {**tag, "_count": {"contact_tag": counts.get(tag["id"], 0)}}
            for key, tag in sorted(data.tags.items())
            if needle in tag["name"].casefold()
        ]

    def ids(self, company: str) -> list[str]:
        return [str(key) for key in sorted(self._companies[company].contacts)]

    def tag_list(self, company: str) -> list[dict[str, Any]]:
        return list(self._companies[company].tags.values())

    def get(self, company: str, contact_id: str) -> dict[str, Any]:
        return self._companies[company].contacts[int(contact_id)].contact

    def new_id(self) -> str:
        contact_id = self._next_id
        self._next_id += 1
        return str(contact_id)

    def put(self, company: str, contact: dict[str, Any]) -> None:
        key = int(contact["id"])
        raw = dumps(contact)
        self._db.execute(
            "INSERT OR REPLACE INTO company_contacts (company, id, doc) VALUES (?, ?, ?)",
            (company, key, text(raw)),
        )
        data = self._companies[company]
        previous = data.contacts.get(key)
        entry = data.contacts[key] = _CompanyEntry.of(contact, raw)
        if data.by_id is not None:
            data.by_id.move(key, key, entry)
        if data.by_change is not None:
            data.by_change.move(None if previous is None else previous.change_key, entry.change_key, entry)
        self._next_id = max(self._next_id, key + 1)

    def delete(self, company: str, contact_id: str) -> None:
        key = int(contact_id)
        self._db.execute("DELETE FROM company_contacts WHERE company = ? AND id = ?", (company, key))
        data = self._companies[company]
        entry = data.contacts.pop(key)
        if data.by_id is not None:
            data.by_id.remove(key)
        if data.by_change is not None:
            data.by_change.remove(entry.change_key)

    def dump(self) -> dict[str, Any]:
        return {
            key: {"contacts": [entry.contact for entry in self._ordered(key)], "tags": self.tags(key, None)}
            for key in self._companies
        }


# --- Target APIs: CRM and Client Contacts --------------------------------------------------------


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

    def oldest_equal(self, name: str, term: str) -> dict[str, Any] | None:
        """The first created of the documents whose field `name` is exactly `term` (case and all)."""
        holders = self._exact[name].get(term)
        if not holders:
            return None
        return self._documents[min(holders, key=self._created.__getitem__)]

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


# --- All of it -----------------------------------------------------------------------------------


class SeedSnapshot:
    """One seeded data set, ready to copy: a template database and the caches built from it.

    Test suites reset before every test, nearly always to the same seed: a reset then copies the
    template's pages into the live database (SQLite's backup, in C) and shares its cached entries,
    instead of generating, serialising and inserting thousands of contacts again.
    """

    def __init__(self, seed: int, contacts: int, company_keys: tuple[str, ...]) -> None:
        self.key = (seed, contacts)
        self.database = connect(":memory:")
        self.custom = CustomContactStore(self.database)
        self.company = CompanyContactStore(self.database, company_keys)
        self.database.execute("BEGIN")
        self.custom.load(seeding.custom_contacts(seed, contacts))
        self.company.load(seeding.companies(seed, contacts, company_keys))
        self.database.execute("COMMIT")


class Store:
    """The four APIs' data in one SQLite database."""

    def __init__(self, path: str, company_keys: tuple[str, ...], seed: int) -> None:
        self._path = path
        self.db = connect(path)
        self.custom = CustomContactStore(self.db)
        self.company = CompanyContactStore(self.db, company_keys)
        self.crm = DocumentStore(self.db, "crm_contacts", "id", searchable=CRM_SEARCHABLE)
        self.client_contacts = DocumentStore(self.db, "client_contacts", "_id", changed_at="updatedAt")
        self.object_ids = ObjectIds(random.Random(f"object-ids:{seed}:{time.time_ns()}"))
        self._snapshot: SeedSnapshot | None = None

    def is_empty(self) -> bool:
        return not any(self.db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() for table in TABLES)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Many writes, one commit: a reset or a churn is all or nothing, and fast on a file."""
        self.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def reset(self, seed: int, contacts: int) -> None:
        """Empties every store and seeds both source APIs."""
        if self._snapshot is None or self._snapshot.key != (seed, contacts):
            if self._snapshot is not None:
                self._snapshot.database.close()
            self._snapshot = SeedSnapshot(seed, contacts, self.company.keys())
        # The backup replaces the whole database at once, so a reader never sees half a reset.
        self._snapshot.database.backup(self.db)
        if self._path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
        self.custom.restore(self._snapshot.custom)
        self.company.restore(self._snapshot.company)
        self.crm.clear()
        self.client_contacts.clear()

    def close(self) -> None:
        self.db.close()
