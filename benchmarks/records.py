"""Destination input: contacts as our source emits them, as a file of Airbyte messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

_FIRST = ("Ada", "Bruno", "Chloé", "Dmitri", "Eun-ji", "Farah", "Goran", "Hana", "Iñigo", "Jonas")
_LAST = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Novak", "Silva", "Haddad", "Kowalski", "Weber")
_COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Stark Industries", "Wayne Enterprises")


def contact(number: int) -> dict[str, Any]:
    """A valid contact with a unique id and email, in the normalised shape the source emits."""
    first, last = _FIRST[number % len(_FIRST)], _LAST[number // len(_FIRST) % len(_LAST)]
    return {
        "id": str(100_000 + number),
        "first_name": first,
        "last_name": last,
        "company": _COMPANIES[number % len(_COMPANIES)],
        "type": "lead" if number % 3 == 0 else "customer",
        "phones": [{"number": f"+1555{number:07d}", "label": "mobile"}],
        "emails": [{"email": f"contact{number}@bench.example", "label": "business"}],
        "_ab_cdc_deleted_at": None,
    }


def contacts(count: int) -> Iterator[dict[str, Any]]:
    return (contact(number) for number in range(count))


def write_messages(path: Path, count: int) -> Path:
    """`count` RECORD messages of the `contacts` stream, then the STATE a source ends with."""
    with open(path, "wb") as output:
        for data in contacts(count):
            message = {
                "type": "RECORD",
                "record": {"stream": "contacts", "data": data, "emitted_at": 1_764_000_000_000},
            }
            output.write(orjson.dumps(message) + b"\n")
        state = {
            "type": "STATE",
            "state": {
                "type": "STREAM",
                "stream": {"stream_descriptor": {"name": "contacts"}, "stream_state": {"cursor": count}},
            },
        }
        output.write(orjson.dumps(state) + b"\n")
    return path
