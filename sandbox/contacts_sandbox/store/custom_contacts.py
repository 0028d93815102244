"""The Custom Contact Source API's data: contacts keyed by a numeric id, and the ids deleted."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from contacts_sandbox import seed as seeding
from contacts_sandbox.store.database import dumps, text
from contacts_sandbox.store.ordering import Ordered


# Entries keep a document's JSON, not the parsed document: a benchmark's hundreds of thousands of
# contacts fit in a fraction of the memory, and the rare reader of a whole document (a dump, a
# churn) parses it again. Entries are replaced on write, never changed in place.
@dataclass(slots=True)
class _CustomEntry:
    raw: bytes
    changed_at: float
    # When the contact was first written (a seeded one: its change time, the only time it has).
    created_at: float

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
        self._by_id: Ordered | None = None
        self._by_change: Ordered | None = None
        self._deleted_by_time: Ordered | None = None
        # The last version of each contact deleted since the start (in memory only), for a delta
        # that still lists deleted contacts among the updated ones.
        self._last_versions: dict[int, _CustomEntry] = {}
        # Every write reshuffles the unstable order, rebuilt on the next read.
        self._writes = 0
        self._unstable: Ordered | None = None
        for contact_id, doc, changed_at in db.execute("SELECT id, doc, changed_at FROM custom_contacts"):
            self._contacts[contact_id] = _CustomEntry(doc.encode(), changed_at, changed_at)
        for contact_id, deleted_at in db.execute("SELECT id, deleted_at FROM custom_deleted"):
            self._deleted[contact_id] = deleted_at
        self._next_id = max([seeding.FIRST_CUSTOM_ID, *self._contacts, *self._deleted]) + 1

    def __len__(self) -> int:
        return len(self._contacts)

    def _invalidate(self) -> None:
        self._by_id = self._by_change = self._deleted_by_time = self._unstable = None

    def _ordered_by_id(self) -> Ordered:
        if self._by_id is None:
            self._by_id = Ordered((key, entry.raw) for key, entry in self._contacts.items())
        return self._by_id

    def _ordered_by_change(self) -> Ordered:
        if self._by_change is None:
            self._by_change = Ordered(
                ((entry.changed_at, key), entry.raw) for key, entry in self._contacts.items()
            )
        return self._by_change

    def _ordered_unstably(self) -> Ordered:
        """An order no client can rely on: a hash of each id and of the count of writes so far, so
        it holds between two reads and changes with any write, reproducibly."""
        if self._unstable is None:
            salt = self._writes * 0x9E3779B9
            self._unstable = Ordered(
                (((key * 0x85EBCA6B + salt) % 0xFFFFFFFB, key), entry.raw)
                for key, entry in self._contacts.items()
            )
        return self._unstable

    def _deleted_ordered(self) -> Ordered:
        if self._deleted_by_time is None:
            self._deleted_by_time = Ordered(((at, key), dumps(str(key))) for key, at in self._deleted.items())
        return self._deleted_by_time

    def load(self, seeded: Iterable[seeding.SeededCustomContact]) -> None:
        def rows() -> Iterator[tuple[int, str, float]]:
            # One contact at a time, from generator to cache and table: memory holds only the JSON.
            for item in seeded:
                raw = dumps(item.contact)
                contact_id = int(item.contact["id"])
                self._contacts[contact_id] = _CustomEntry(raw, item.changed_at, item.changed_at)
                yield contact_id, text(raw), item.changed_at

        self._db.executemany("INSERT INTO custom_contacts (id, doc, changed_at) VALUES (?, ?, ?)", rows())
        self._next_id = max([self._next_id, *self._contacts]) + 1
        self._invalidate()

    def restore(self, snapshot: CustomContactStore) -> None:
        """Takes the snapshot's contacts (entries are replaced on write, never changed in place)."""
        self._contacts = dict(snapshot._contacts)
        self._deleted = dict(snapshot._deleted)
        self._next_id = snapshot._next_id
        self._last_versions = dict(snapshot._last_versions)
        self._writes = 0
        self._invalidate()

    def page(
        self, offset: int, limit: int, *, by_change: bool = False, unstable: bool = False
    ) -> tuple[list[bytes], bool]:
        """A page of every contact, ordered by id, with `by_change` by (change time, id), or
        `unstable`ly (see `_ordered_unstably`)."""
        if unstable:
            ordered = self._ordered_unstably()
        else:
            ordered = self._ordered_by_change() if by_change else self._ordered_by_id()
        return ordered.values[offset : offset + limit], offset + limit < len(ordered)

    def delta(
        self, since: float, offset: int, limit: int, *, new: bool = True, deleted_versions: bool = False
    ) -> DeltaPage:
        """Changes at or after `since`, ordered by (change time, id); `limit` applies to each list.

        Without `new`, `updated` leaves out contacts created since; with `deleted_versions`, it
        also holds the last version of contacts changed since and deleted after.
        """
        changed, gone = self._ordered_by_change(), self._deleted_ordered()
        # (since,) sorts before every (since, id): the first change at or after `since`.
        deleted_start = gone.start_of((since,)) + offset
        deleted = gone.values[deleted_start : deleted_start + limit]
        deleted_more = deleted_start + limit < len(gone)
        if new and not deleted_versions:
            start = changed.start_of((since,)) + offset
            return DeltaPage(
                changed.values[start : start + limit], deleted, start + limit < len(changed) or deleted_more
            )
        updated = self._updated_since(since, new, deleted_versions)
        return DeltaPage(
            updated[offset : offset + limit], deleted, offset + limit < len(updated) or deleted_more
        )

    def _updated_since(self, since: float, new: bool, deleted_versions: bool) -> list[bytes]:
        """The slow path of the delta's rarer readings: a filtered copy, sorted again."""
        changed = self._ordered_by_change()
        start = changed.start_of((since,))
        pairs = [
            (key, raw)
            for key, raw in zip(changed.keys[start:], changed.values[start:], strict=True)
            if new or self._contacts[key[1]].created_at < since
        ]
        if deleted_versions:
            pairs += [
                ((entry.changed_at, key), entry.raw)
                for key, entry in self._last_versions.items()
                if entry.changed_at >= since and (new or entry.created_at < since)
            ]
            pairs.sort(key=lambda pair: pair[0])
        return [raw for _, raw in pairs]

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
        created_at = now if previous is None else previous.created_at
        self._contacts[contact_id] = _CustomEntry(raw, now, created_at)
        self._writes += 1
        self._unstable = None
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
        self._last_versions[key] = entry
        self._writes += 1
        self._unstable = None
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
