"""The sandbox's data: SQLite for durability, in-memory caches for speed.

Every write goes to SQLite first, then to the caches. Reads never touch SQLite: each store keeps
its documents and their serialised JSON in memory, plus ordered lists built on the first read and
kept in order on every write after it, so a page is a slice of ready-made bytes whichever order
a reading serves. One module per API's data (`custom_contacts`, `company_contacts`, and
`documents` for both target APIs), over `database` (SQLite and JSON) and `ordering`.

Every method runs on the server's event loop thread, one at a time: no locking is needed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager

from contacts_sandbox.store.company_contacts import CompanyContactStore
from contacts_sandbox.store.custom_contacts import CustomContactStore, DeltaPage
from contacts_sandbox.store.database import TABLES, connect, dumps
from contacts_sandbox.store.documents import DocumentStore, ObjectIds
from contacts_sandbox.store.snapshot import SeedSnapshot

__all__ = [
    "CRM_SEARCHABLE",
    "CompanyContactStore",
    "CustomContactStore",
    "DeltaPage",
    "DocumentStore",
    "Store",
    "connect",
    "dumps",
]

# The fields a CRM search may name: its document store keeps an index of each.
CRM_SEARCHABLE = ("id", "first_name", "last_name", "email", "phone", "company", "job_title", "notes")


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
