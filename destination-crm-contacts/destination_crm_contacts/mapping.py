"""From a source record to the fields each target stores.

Records come in two shapes (the Custom Contact Source API's, with `phones`/`emails` lists, and
the Company Contacts API's, with flat `email`/`phone_number`), so each target field has an ordered
list of record paths and takes the first that holds a value. A configured override replaces the
list with one path, or with nothing to leave the field unwritten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Record = Mapping[str, Any]

# Target field -> record paths, first value wins. `FULL_NAME` is the one computed field.
FULL_NAME = "<first_name last_name>"

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
            for path in paths:
                value = full_name(record) if path == FULL_NAME else text_at(record, path)
                if value:
                    values[name] = value
                    break
        return values


def full_name(record: Record) -> str | None:
    parts = [text_at(record, "first_name"), text_at(record, "last_name")]
    return " ".join(part for part in parts if part) or None


def text_at(record: Record, path: str) -> str | None:
    """The value at a dotted path (list items by index) as stripped text, None when absent."""
    value: Any = record
    walked: list[str] = []
    for step in path.split("."):
        if value is None:
            return None
        walked.append(step)
        if isinstance(value, Mapping):
            value = value.get(step)
        elif isinstance(value, list):
            if not step.isdigit():
                raise InvalidRecordError(f"field {'.'.join(walked[:-1])} is a list; index it by number")
            index = int(step)
            value = value[index] if index < len(value) else None
        else:
            raise InvalidRecordError(
                f"field {'.'.join(walked[:-1])} is {_type_name(value)}, expected an object or a list"
            )
    return _as_text(value, path)


def _as_text(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (bool, Mapping, list)):
        raise InvalidRecordError(f"field {path} is {_type_name(value)}, expected text")
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    raise InvalidRecordError(f"field {path} is {_type_name(value)}, expected text")


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def primary_key_of(record: Record, key_paths: Sequence[Sequence[str]]) -> str:
    """The record's primary key as one string (parts of a composite key joined by '|')."""
    parts: list[str] = []
    for key_path in key_paths:
        value: Any = record
        for step in key_path:
            value = value.get(step) if isinstance(value, Mapping) else None
        if value is None or isinstance(value, (bool, Mapping, list)) or str(value).strip() == "":
            raise InvalidRecordError(
                f"primary key {'.'.join(key_path)} is {'missing' if value is None else _type_name(value)}"
                ", expected a string or a number"
            )
        parts.append(str(value).strip())
    key = "|".join(parts)
    if "[" in key or "]" in key:
        raise InvalidRecordError(
            f"primary key {key!r} contains a square bracket, which the CRM marker cannot hold"
        )
    return key
