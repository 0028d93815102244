"""From a source record to the fields each target stores.

Records come in two shapes (the Custom Contact Source API's, with `phones`/`emails` lists, and
the Company Contacts API's, with flat `email`/`phone_number`), so each target field has an ordered
list of record paths and takes the first that holds a value. A configured override replaces the
list with one path, or with nothing to leave the field unwritten.

Types are checked, never guessed: a text field takes text only (`first_name: 42` is refused with
the field named, since a number there is a broken record, not a name), while a phone field also
takes an integer (the CRM's document types its phone as one), written as its digits. A path that
meets a value of the wrong shape (an object where a list is indexed, text where an object is
read) refuses the record the same way, so no field is ever dropped in silence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pendulum.parsing import parse_iso8601

Record = Mapping[str, Any]

# Target field -> record paths, first value wins. `FULL_NAME` is the one computed field.
FULL_NAME = "<first_name last_name>"
# Target fields that take an integer as well as text: the CRM types its phone as an Integer.
NUMERIC_FIELDS = frozenset({"phone", "phone1", "phone2"})
DELETED_AT = "_ab_cdc_deleted_at"

DEFAULT_CRM_MAPPING: Mapping[str, Sequence[str]] = {
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "email": ("email", "emails.0.email"),
    "phone": ("phone_number", "phones.0.number", "phone_number_lid"),
    "company": ("company",),
    "job_title": (),
    "notes": (),
}

DEFAULT_CLIENT_CONTACT_MAPPING: Mapping[str, Sequence[str]] = {
    "name": (FULL_NAME,),
    "local_name": (),
    "email": ("email", "emails.0.email"),
    "phone1": ("phone_number", "phones.0.number"),
    "phone2": ("phone_number_lid", "phones.1.number"),
    "title": (),
    "extra_info": (),
    "cover_photo": ("profile_picture",),
}


class InvalidRecordError(ValueError):
    """The record cannot be mapped: a field has the wrong type. The message names the field."""


class FieldMapping:
    """Resolves each target field of one target from a record."""

    def __init__(self, defaults: Mapping[str, Sequence[str]], overrides: Mapping[str, str | None]) -> None:
        self._paths: dict[str, tuple[str, ...]] = {name: tuple(paths) for name, paths in defaults.items()}
        for name, path in overrides.items():
            self._paths[name] = (path,) if path else ()
        # Read for every write: computed once.
        self._managed = tuple(name for name, paths in self._paths.items() if paths)

    @property
    def managed(self) -> tuple[str, ...]:
        """Fields the mapping writes; the others are left as the target holds them."""
        return self._managed

    def resolve(self, record: Record) -> dict[str, str]:
        """Every mapped field that has a value, as text."""
        values: dict[str, str] = {}
        for name, paths in self._paths.items():
            numbers = name in NUMERIC_FIELDS
            for path in paths:
                value = full_name(record) if path == FULL_NAME else text_at(record, path, numbers=numbers)
                if value:
                    values[name] = value
                    break
        return values


def full_name(record: Record) -> str | None:
    parts = [text_at(record, "first_name"), text_at(record, "last_name")]
    return " ".join(part for part in parts if part) or None


def text_at(record: Record, path: str, numbers: bool = False) -> str | None:
    """The value at a dotted path (list items by index) as stripped text, None when absent.
    `numbers`: an integer is taken too, as its digits (phone fields)."""
    steps = path.split(".")
    value: Any = record
    for depth, step in enumerate(steps):
        if value is None:
            return None
        # `dict` first: every record is one, and an ABC check per step costs more than the step.
        if isinstance(value, (dict, Mapping)):
            if depth and step.isdigit() and step not in value:
                # `phones.0.number` on `phones: {...}`: the list the path indexes is an object.
                raise InvalidRecordError(f"field {_walked(steps, depth)} is an object, expected a list")
            value = value.get(step)
        elif isinstance(value, list):
            if not step.isdigit():
                raise InvalidRecordError(f"field {_walked(steps, depth)} is a list, expected an object")
            index = int(step)
            value = value[index] if index < len(value) else None
        else:
            raise InvalidRecordError(
                f"field {_walked(steps, depth)} is {type_name(value)}, expected an object or a list"
            )
    return _as_text(value, path, numbers)


def _walked(steps: list[str], depth: int) -> str:
    """The path up to the value a step could not be read from, for the error message."""
    return ".".join(steps[:depth])


def _as_text(value: Any, path: str, numbers: bool) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if numbers and isinstance(value, float) and value.is_integer():
        return str(int(value))
    expected = "text or a whole number" if numbers else "text"
    raise InvalidRecordError(f"field {path} is {type_name(value)}, expected {expected}")


def type_name(value: Any) -> str:
    """How a message names a value's type, never the value itself (it may be personal data)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return f"a {type(value).__name__}"


def is_tombstone(record: Record) -> bool:
    """Whether the record says its contact was deleted: `_ab_cdc_deleted_at` holds a date-time.
    Null (or no field) is a live record; anything else ("false", true, a number) is refused with
    the field named, since either reading of it could delete a live contact or keep a dead one."""
    value = record.get(DELETED_AT)
    if value is None:
        return False
    if isinstance(value, str):
        try:
            parsed = parse_iso8601(value.strip())
        except ValueError:
            parsed = None
        if isinstance(parsed, date):  # a datetime is a date too; a duration ("P1D") is neither
            return True
        shown = f"{value!r}" if len(value) <= 40 else "text"
        raise InvalidRecordError(
            f"field {DELETED_AT} is {shown}, expected null (a live contact) or an RFC 3339 date-time "
            "such as 2026-11-25T10:00:00Z (a deleted one)"
        )
    raise InvalidRecordError(
        f"field {DELETED_AT} is {type_name(value)}, expected null (a live contact) or an RFC 3339 "
        "date-time such as 2026-11-25T10:00:00Z (a deleted one)"
    )


def primary_key_of(record: Record, key_paths: Sequence[Sequence[str]]) -> str:
    """The record's primary key as one string (parts of a composite key joined by '|')."""
    parts: list[str] = []
    for key_path in key_paths:
        value: Any = record
        for step in key_path:
            value = value.get(step) if isinstance(value, Mapping) else None
        name = ".".join(key_path)
        if value is None:
            raise InvalidRecordError(f"primary key {name} is missing, expected a string or a number")
        if isinstance(value, (bool, Mapping, list)):
            raise InvalidRecordError(
                f"primary key {name} is {type_name(value)}, expected a string or a number"
            )
        if str(value).strip() == "":
            raise InvalidRecordError(f"primary key {name} is empty text, expected a non-empty id")
        parts.append(str(value).strip())
    key = "|".join(parts)
    if "[" in key or "]" in key:
        raise InvalidRecordError(
            f"primary key {key!r} contains a square bracket, which the CRM marker cannot hold"
        )
    return key
