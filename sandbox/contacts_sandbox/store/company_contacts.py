"""The Company Contacts API's data: each company's contacts and tags, kept apart by its API key."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from contacts_sandbox import seed as seeding
from contacts_sandbox.store.database import dumps, text
from contacts_sandbox.store.ordering import Ordered


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
    by_id: Ordered | None = None
    by_change: Ordered | None = None

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
                data.by_change = Ordered((entry.change_key, entry) for entry in data.contacts.values())
            return data.by_change.values
        if data.by_id is None:
            data.by_id = Ordered(data.contacts.items())
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
