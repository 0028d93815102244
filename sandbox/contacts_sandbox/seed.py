"""Reproducible contact data for the two source APIs.

Every draw comes from a `random.Random` seeded by the caller, so one seed always gives the same
contacts. Some contacts are deliberately awkward, at fixed positions so that any data set of twenty
contacts or more holds each kind: labels outside the documented sets, a missing or unknown `type`,
no email, no phone, and non-ASCII names. They are served raw; normalising is the connectors' job.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

T = TypeVar("T")

FIRST_NAMES = (
    "Victor", "Jane", "John", "Maria", "Ahmed", "Olivia", "Liam", "Emma", "Noah", "Ava",
    "Lucas", "Mia", "Ethan", "Sofia", "Mason", "Isabella", "Logan", "Amelia", "James", "Harper",
)  # fmt: skip
LAST_NAMES = (
    "Donnelly", "Doe", "Smith", "Garcia", "Khan", "Johnson", "Brown", "Davis", "Miller", "Wilson",
    "Moore", "Taylor", "Anderson", "Thomas", "Jackson", "White", "Harris", "Martin", "Clark", "Lewis",
)  # fmt: skip
NON_ASCII_NAMES = (
    ("Zoë", "Müller"), ("José", "Núñez"), ("Łukasz", "Wiśniewski"), ("Ngũgĩ", "wa Thiong'o"),
    ("Søren", "Kierkegård"), ("Renée", "Lefèvre"), ("Dmitrij", "Šostakovič"), ("美咲", "佐藤"),
    ("Ólafur", "Arnalds"), ("Çağrı", "Yılmaz"), ("Αλέξανδρος", "Παπαδόπουλος"), ("Иван", "Петров"),  # noqa: RUF001
)  # fmt: skip
COMPANIES = ("eos", "Acme Inc.", "Globex", "Initech", "Umbrella", "Stark Industries", "Wayne Enterprises")
DOMAINS = ("example.com", "example.org", "mail.test", "corp.example", "EXAMPLE.net")

PHONE_LABELS = ("mobile", "work", "home", "fax", "other")
EMAIL_LABELS = ("private", "business", "other")
TYPES = ("customer", "lead")
# Labels and types a real system sends that the documents do not allow.
ODD_PHONE_LABELS = ("cell", "Work", "pager", "", "MAIN")
ODD_EMAIL_LABELS = ("personal", "work", "Business", "", "primary")
ODD_TYPES = ("partner", "Lead", "vendor", "")

TAGS = (
    ("VIP", "#1156d6"), ("Lead", "#e63946"), ("Partner", "#2a9d8f"), ("Newsletter", "#f4a261"),
    ("Churned", "#6c757d"), ("Événement", "#8338ec"), ("Trial", "#ffbe0b"), ("Enterprise", "#3a86ff"),
    ("Support", "#fb5607"), ("Onboarding", "#06d6a0"),
)  # fmt: skip

# Seeded records changed during 2025: far enough in the past that a delta asked for "since the
# start of this sync" never carries them, and independent of when the server started.
SEED_EPOCH = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
SEED_SPAN_SECONDS = 300 * 24 * 3600
FIRST_CUSTOM_ID = 1


def iso_ms(timestamp: float) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as the Company Contacts API writes times."""
    # Rounded to the microsecond first, as datetime does, so 0.123 is not read as 0.122999.
    seconds, micros = divmod(round(timestamp * 1_000_000), 1_000_000)
    year, month, day, hour, minute, second = time.gmtime(seconds)[:6]
    millis = micros // 1000
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{millis:03d}Z"


# The draws below use `random()` (C) rather than `randrange`, `choice` and `sample` (Python):
# seeding hundreds of thousands of contacts for a benchmark spends most of its time drawing.


def _below(rng: random.Random, bound: int) -> int:
    return int(rng.random() * bound)


def _pick(rng: random.Random, options: Sequence[T]) -> T:
    return options[int(rng.random() * len(options))]


def _pick_distinct(rng: random.Random, options: Sequence[T], count: int) -> list[T]:
    pool = list(options)
    return [pool.pop(int(rng.random() * len(pool))) for _ in range(min(count, len(pool)))]


def _name(rng: random.Random, non_ascii: bool) -> tuple[str, str]:
    if non_ascii:
        return _pick(rng, NON_ASCII_NAMES)
    return _pick(rng, FIRST_NAMES), _pick(rng, LAST_NAMES)


def _digits(rng: random.Random, length: int) -> str:
    """A number of exactly `length` digits (no leading zero)."""
    low = 10 ** (length - 1)
    return str(low + _below(rng, 9 * low))


def _phone(rng: random.Random) -> str:
    return "+" + _digits(rng, 11 + _below(rng, 2))


def _email(rng: random.Random, first: str, last: str, serial: int) -> str:
    local = f"{first}.{last}.{serial}".lower().replace(" ", "").replace("'", "")
    return f"{local}@{_pick(rng, DOMAINS)}"


def custom_contact(rng: random.Random, contact_id: int, position: int) -> dict[str, Any]:
    """One contact of the Custom Contact Source API; `position` picks the awkward kinds."""
    first, last = _name(rng, non_ascii=position % 10 == 7)
    contact: dict[str, Any] = {
        "id": str(contact_id),
        "first_name": first,
        "last_name": last,
        "company": _pick(rng, COMPANIES),
    }
    if position % 20 == 5:
        pass  # no type at all: the connector must fall back to customer
    elif position % 20 == 11:
        contact["type"] = _pick(rng, ODD_TYPES)
    else:
        contact["type"] = _pick(rng, TYPES)

    odd_labels = position % 20 == 13
    phone_count = 0 if position % 20 == 3 else 1 + _below(rng, 2)
    email_count = 0 if position % 20 == 17 else 1 + _below(rng, 2)
    contact["phones"] = [
        {"number": _phone(rng), "label": _pick(rng, ODD_PHONE_LABELS if odd_labels else PHONE_LABELS)}
        for _ in range(phone_count)
    ]
    contact["emails"] = [
        {
            "email": _email(rng, first, last, contact_id * 10 + n),
            "label": _pick(rng, ODD_EMAIL_LABELS if odd_labels else EMAIL_LABELS),
        }
        for n in range(email_count)
    ]
    return contact


@dataclass(frozen=True)
class SeededCustomContact:
    contact: dict[str, Any]
    changed_at: float


def custom_contacts(seed: int, count: int) -> Iterator[SeededCustomContact]:
    """`count` contacts with ids that grow by uneven steps, from one digit to several; drawn lazily."""
    rng = random.Random(f"custom:{seed}")
    contact_id = FIRST_CUSTOM_ID
    for position in range(count):
        contact_id += 1 + _below(rng, 3)
        changed_at = SEED_EPOCH + _below(rng, SEED_SPAN_SECONDS)
        yield SeededCustomContact(custom_contact(rng, contact_id, position), changed_at)


def company_tags(rng: random.Random, first_id: int, company_index: int) -> list[dict[str, Any]]:
    """A company's tags; the two companies share some names but never ids."""
    chosen = _pick_distinct(rng, TAGS, 6 + company_index * 2)
    return [
        {
            "id": str(first_id + n),
            "name": name,
            "color": color,
            "created_at": iso_ms(SEED_EPOCH - _below(rng, 180 * 24 * 3600)),
        }
        for n, (name, color) in enumerate(chosen)
    ]


def company_contact(
    rng: random.Random, contact_id: int, position: int, tags: list[dict[str, Any]], now: float | None = None
) -> dict[str, Any]:
    """One contact of the Company Contacts API; `now` stamps a contact created by churn."""
    first, last = _name(rng, non_ascii=position % 10 == 7)
    if now is None:
        created: float = SEED_EPOCH + _below(rng, SEED_SPAN_SECONDS)
        updated = created + _below(rng, 30 * 24 * 3600)
    else:
        created = updated = now
    picked = _pick_distinct(rng, tags, _pick(rng, (0, 1, 1, 2, 3)))
    return {
        "id": str(contact_id),
        "first_name": first,
        "last_name": last,
        "email": None if position % 20 == 17 else _email(rng, first, last, contact_id),
        "phone_number": None if position % 20 == 3 else _phone(rng)[1:],
        "phone_number_lid": _digits(rng, 15) if position % 4 == 0 else None,
        "profile_picture": f"https://cdn.example.com/avatars/{contact_id}.jpg" if position % 3 else None,
        "created_at": iso_ms(created),
        "updated_at": iso_ms(updated),
        "tags": [{"id": tag["id"], "name": tag["name"], "color": tag["color"]} for tag in picked],
    }


@dataclass(frozen=True)
class SeededCompany:
    key: str
    tags: list[dict[str, Any]]
    # Drawn as they are read, once: hundreds of thousands of contacts are never all in memory as dicts.
    contacts: Iterator[dict[str, Any]]


def _company_contacts(
    rng: random.Random, count: int, first_id: int, tags: list[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    for position in range(count):
        yield company_contact(rng, first_id + position * 7 + _below(rng, 7), position, tags)


def companies(seed: int, count: int, keys: tuple[str, ...]) -> Iterator[SeededCompany]:
    """`count` contacts and a few tags per company key; ids are unique across companies."""
    for index, key in enumerate(keys):
        rng = random.Random(f"company:{seed}:{key}")
        tags = company_tags(rng, first_id=(index + 1) * 100, company_index=index)
        # Each company's ids in their own range: room for ten million contacts each.
        yield SeededCompany(key, tags, _company_contacts(rng, count, (index + 1) * 100_000_000, tags))
