"""A seeded data set kept ready, so that a reset to the same seed is a copy rather than a new seeding."""

from __future__ import annotations

from contacts_sandbox import seed as seeding
from contacts_sandbox.store.company_contacts import CompanyContactStore
from contacts_sandbox.store.custom_contacts import CustomContactStore
from contacts_sandbox.store.database import connect


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
