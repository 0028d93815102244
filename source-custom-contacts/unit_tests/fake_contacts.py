"""Both contact APIs as one in-memory fake, every list ordered by last change then id.

That order is the least convenient one the documents allow: an update moves a contact to the end
of the list, shifting every later one back a place as a delete does. Moves are injected on a
schedule, before the n-th answer of a list, so a test puts them exactly between two pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from typing import Any

import requests_mock

from unit_tests.integration.config import COMPANY_BASE_URL, CUSTOM_BASE_URL
from unit_tests.integration.helpers import NOW
from unit_tests.integration.response_builder import jwt

SEEDED_AT = NOW - 86_400  # seeded contacts changed a day before the read; moves happen at NOW


def iso(unix_seconds: float) -> str:
    return datetime.fromtimestamp(unix_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class _Entry:
    sequence: int  # order of the last change; ties of time are broken by it, then by id
    created_at: float
    changed_at: float
    version: int = 0


Move = Callable[["ChangeOrderedContacts"], None]


def update(*ids: str) -> Move:
    def move(fake: ChangeOrderedContacts) -> None:
        for contact_id in ids:
            fake.update(contact_id)

    return move


def touch(*ids: str) -> Move:
    """An update that leaves every field as it was: the contact still moves to the end."""

    def move(fake: ChangeOrderedContacts) -> None:
        for contact_id in ids:
            fake.update(contact_id, same_content=True)

    return move


def delete(*ids: str) -> Move:
    def move(fake: ChangeOrderedContacts) -> None:
        for contact_id in ids:
            fake.delete(contact_id)

    return move


def create(count: int = 1) -> Move:
    def move(fake: ChangeOrderedContacts) -> None:
        for _ in range(count):
            fake.create()

    return move


@dataclass
class ChangeOrderedContacts:
    count: int
    now: float = NOW
    # List answer number (1-based, counting every answer of /contacts or /api/v1/contacts) ->
    # moves made just before it is served.
    schedule: dict[int, list[Move]] = field(default_factory=dict)
    # The same for answers of /contacts/delta.
    delta_schedule: dict[int, list[Move]] = field(default_factory=dict)
    seeded_at: float = SEEDED_AT
    # Whether pages say how many contacts the list holds (`totalRecords`).
    counts: bool = True
    # A page size the server serves at most, whatever `limit` asks; with `offset_by_asked` it
    # finds a page's offset from the size asked (skipping the rest), else from the size served.
    limit_cap: int | None = None
    offset_by_asked: bool = False
    # Readings of the Custom Contact Source API: the order of /contacts (`last_change`, `id`, or
    # `unstable`: reshuffled by every write); every n-th page of either list served empty, saying
    # more follow, without skipping any data; whether the delta's `updated` carries new contacts.
    order: str = "last_change"
    empty_every: int | None = None
    new_in_delta: bool = True
    # The delta's timestamp read as "at or after" its second, rather than after it.
    at_or_after: bool = False
    # Company Contacts API: times written without their zone.
    naive_times: bool = False
    # From this list answer on (counting as `schedule` does), every list answer is a 500: an
    # outage that stops a read part-way, until a test sets it back to None.
    fail_from: int | None = None
    changed: set[str] = field(default_factory=set)
    list_answers: int = 0
    delta_answers: int = 0

    def __post_init__(self) -> None:
        self._sequence = 0
        self._entries: dict[str, _Entry] = {}
        self._deleted: dict[str, tuple[int, float]] = {}
        for n in range(1, self.count + 1):
            self._entries[str(n)] = _Entry(self._next(), self.seeded_at + n, self.seeded_at + n)
        self.seeded = frozenset(self._entries)

    def _next(self) -> int:
        self._sequence += 1
        return self._sequence

    # Moves

    def update(self, contact_id: str, same_content: bool = False) -> None:
        entry = self._entries[contact_id]
        entry.sequence, entry.changed_at = self._next(), self.now
        entry.version += 0 if same_content else 1
        self.changed.add(contact_id)

    def delete(self, contact_id: str) -> None:
        del self._entries[contact_id]
        self._deleted[contact_id] = (self._next(), self.now)
        self.changed.add(contact_id)

    def create(self) -> str:
        contact_id = str(self.count + len(self._deleted) + len(self._entries) + 1)
        while contact_id in self._entries or contact_id in self._deleted:
            contact_id = str(int(contact_id) + 1)
        self._entries[contact_id] = _Entry(self._next(), self.now, self.now)
        self.changed.add(contact_id)
        return contact_id

    @property
    def live(self) -> set[str]:
        return set(self._entries)

    @property
    def unchanged(self) -> set[str]:
        return set(self.seeded - self.changed)

    def _ordered(self) -> list[str]:
        return sorted(self._entries, key=lambda key: (self._entries[key].sequence, int(key)))

    def _list_order(self) -> list[str]:
        if self.order == "id":
            return sorted(self._entries, key=int)
        if self.order == "unstable":
            salt = self._sequence * 0x9E3779B9
            return sorted(self._entries, key=lambda key: ((int(key) * 0x85EBCA6B + salt) % 0xFFFFFFFB, key))
        return self._ordered()

    def _empty(self, request: Any) -> bool:
        return self.empty_every is not None and int(request.qs["page"][0]) % self.empty_every == 0

    def _window(self, request: Any) -> tuple[int, int]:
        """Where the page asked starts, and how many items it holds at most."""
        page, asked = int(request.qs["page"][0]), int(request.qs["limit"][0])
        if self.empty_every is not None:
            page -= page // self.empty_every  # empty pages take no place in the data
        served = asked if self.limit_cap is None else min(asked, self.limit_cap)
        return (page - 1) * (asked if self.offset_by_asked else served), served

    def _listed(self, request: Any, context: Any) -> tuple[list[str], int, int]:
        """One more answer of a list: the moves scheduled for it are made, then the list's ids in
        order, and the page's offset and size."""
        self.list_answers += 1
        for move in self.schedule.get(self.list_answers, ()):
            move(self)
        self._dated(context)
        return (self._list_order(), *self._window(request))

    # Custom Contact Source API

    def _custom_contact(self, contact_id: str) -> dict[str, Any]:
        version = self._entries[contact_id].version
        return {
            "id": contact_id,
            "first_name": f"First{contact_id}",
            "last_name": f"Last{contact_id}v{version}",
            "company": "eos",
            "type": "lead",
            "phones": [],
            "emails": [],
        }

    def _dated(self, context: Any) -> None:
        context.headers["Date"] = formatdate(self.now, usegmt=True)

    def _failing(self, context: Any) -> bool:
        if self.fail_from is None or self.list_answers < self.fail_from:
            return False
        context.status_code = 500
        return True

    def custom_contacts(self, request: Any, context: Any) -> dict[str, Any]:
        ordered, start, limit = self._listed(request, context)
        if self._failing(context):
            return {}
        if self._empty(request):
            return {"contacts": [], "has_more": True}
        return {
            "contacts": [self._custom_contact(key) for key in ordered[start : start + limit]],
            "has_more": start + limit < len(ordered),
        }

    def custom_delta(self, request: Any, context: Any) -> dict[str, Any]:
        self.delta_answers += 1
        self._dated(context)
        for move in self.delta_schedule.get(self.delta_answers, ()):
            move(self)
        start, limit = self._window(request)
        # Whole seconds compared with > (the strictest reading of "since"), or with >=.
        since = int(request.qs["timestamp"][0]) - (1 if self.at_or_after else 0)
        updated = [
            key
            for key in self._ordered()
            if int(self._entries[key].changed_at) > since
            and (self.new_in_delta or int(self._entries[key].created_at) <= since)
        ]
        gone = sorted(
            (key for key, (_, at) in self._deleted.items() if int(at) > since),
            key=lambda key: self._deleted[key][0],
        )
        if self._empty(request):
            return {"updated": [], "deleted": [], "has_more": True}
        return {
            "updated": [self._custom_contact(key) for key in updated[start : start + limit]],
            "deleted": gone[start : start + limit],
            "has_more": start + limit < len(updated) or start + limit < len(gone),
        }

    # Company Contacts API

    def _company_contact(self, contact_id: str) -> dict[str, Any]:
        entry = self._entries[contact_id]
        return {
            "id": contact_id,
            "first_name": f"First{contact_id}",
            "last_name": f"Last{contact_id}v{entry.version}",
            "email": None,
            "phone_number": None,
            "phone_number_lid": None,
            "profile_picture": None,
            "created_at": self._time(entry.created_at),
            "updated_at": self._time(entry.changed_at),
            "tags": [],
        }

    def _time(self, unix_seconds: float) -> str:
        written = iso(unix_seconds)
        return written.removesuffix("Z") if self.naive_times else written

    def company_contacts(self, request: Any, context: Any) -> dict[str, Any]:
        ordered, start, limit = self._listed(request, context)
        if self._failing(context):
            return {}
        envelope = {
            "data": [self._company_contact(key) for key in ordered[start : start + limit]],
            "currentPage": int(request.qs["page"][0]),
            "totalPages": -(-len(ordered) // limit),
        }
        if self.counts:
            envelope["totalRecords"] = len(ordered)
        return envelope


@contextmanager
def serving(fake: ChangeOrderedContacts) -> Iterator[requests_mock.Mocker]:
    """Answers every request of both APIs from `fake`."""
    with requests_mock.Mocker() as mocker:
        token = json.dumps({"token": jwt("fake", NOW + 3600)})
        mocker.get(f"{CUSTOM_BASE_URL}/token", text=token)
        mocker.get(re.compile(re.escape(f"{CUSTOM_BASE_URL}/contacts/delta")), json=fake.custom_delta)
        mocker.get(re.compile(re.escape(f"{CUSTOM_BASE_URL}/contacts") + r"\?"), json=fake.custom_contacts)
        mocker.get(
            re.compile(re.escape(f"{COMPANY_BASE_URL}/api/v1/contacts") + r"\?"), json=fake.company_contacts
        )
        yield mocker
