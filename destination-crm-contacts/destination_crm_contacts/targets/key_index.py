"""What a target knows of the contacts it manages, by source key, in a memory that stays flat.

A target's index holds an entry for every contact it manages, read from the target at the start
of a sync and extended with each create. As Python objects that is a few hundred bytes a contact,
which for a target of millions of contacts would be the largest thing the destination holds. So
the index keeps its first entries in a dict, as fast as a dict, and past `IN_MEMORY_ENTRIES` puts
the rest in a temporary SQLite file, a lookup of some microseconds beside a request of a
millisecond or more. The file is private to the connection, on local disk, and gone when the
index is closed or the process ends.

Not thread-safe: each target reads and writes its index under its own lock.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator, MutableMapping
from typing import Generic, TypeVar

# About 6 MB of Python objects: enough for most targets, small beside the CDK itself.
IN_MEMORY_ENTRIES = 20_000
# SQLite's own page cache, in KiB (a negative cache_size): the rest stays on disk.
_CACHE_KIB = 2048

Entry = TypeVar("Entry")


class KeyIndex(MutableMapping[str, Entry], Generic[Entry]):
    """A mapping of source keys to entries: in memory up to `in_memory` keys, then on disk."""

    def __init__(self, in_memory: int | None = None) -> None:
        self._in_memory = IN_MEMORY_ENTRIES if in_memory is None else in_memory
        self._memory: dict[str, Entry] = {}
        self._disk: sqlite3.Connection | None = None

    def __getitem__(self, key: str) -> Entry:
        try:
            return self._memory[key]
        except KeyError:
            if self._disk is None:
                raise
        row = self._disk.execute("SELECT entry FROM entries WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        entry: Entry = pickle.loads(row[0])
        return entry

    def __setitem__(self, key: str, entry: Entry) -> None:
        # Once entries have spilled, a new key goes to disk even where a deletion freed room in
        # memory: the key may be on disk already, and one key must never be on both sides.
        if key in self._memory or (self._disk is None and len(self._memory) < self._in_memory):
            self._memory[key] = entry
            return
        self._open().execute(
            "INSERT OR REPLACE INTO entries (key, entry) VALUES (?, ?)",
            (key, pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)),
        )

    def __delitem__(self, key: str) -> None:
        if key in self._memory:
            del self._memory[key]
            return
        if self._disk is None or not self._disk.execute("DELETE FROM entries WHERE key = ?", (key,)).rowcount:
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if key in self._memory:
            return True
        if self._disk is None or not isinstance(key, str):
            return False
        return self._disk.execute("SELECT 1 FROM entries WHERE key = ?", (key,)).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        yield from list(self._memory)
        if self._disk is not None:
            for (key,) in self._disk.execute("SELECT key FROM entries").fetchall():
                yield key

    def __len__(self) -> int:
        on_disk = 0
        if self._disk is not None:
            on_disk = self._disk.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        return len(self._memory) + on_disk

    @property
    def on_disk(self) -> bool:
        """Whether some entries have gone to disk."""
        return self._disk is not None

    def close(self) -> None:
        """Drops the file on disk, if any; the index is empty after."""
        self._memory.clear()
        if self._disk is not None:
            self._disk.close()
            self._disk = None

    def _open(self) -> sqlite3.Connection:
        if self._disk is None:
            # "" names a private temporary database that SQLite deletes when it is closed. The
            # targets' worker threads take turns on it under the target's lock.
            disk = sqlite3.connect("", check_same_thread=False, isolation_level=None)
            disk.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
            # A scratch file: nothing in it must survive a crash, which fails the sync anyway.
            disk.execute("PRAGMA journal_mode = OFF")
            disk.execute("PRAGMA synchronous = OFF")
            disk.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, entry BLOB NOT NULL) WITHOUT ROWID")
            self._disk = disk
        return self._disk
