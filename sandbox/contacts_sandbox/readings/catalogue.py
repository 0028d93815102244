"""Every open point of the four APIs, and the presets: one reading of each point.

The points are data, one table each in `points.toml`, so that every point is declared in one form.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any, Literal, get_args

from contacts_sandbox.readings.point import Point

Preset = Literal["lenient", "strict", "examples"]
PRESETS: tuple[str, ...] = get_args(Preset)
LENIENT: Preset = "lenient"


def _points(tables: dict[str, dict[str, dict[str, Any]]]) -> tuple[Point, ...]:
    return tuple(
        Point(api, name, tuple(fields.pop("readings")), **fields)
        for api, points in tables.items()
        for name, fields in points.items()
    )


CATALOGUE: tuple[Point, ...] = _points(
    tomllib.loads(files(__package__).joinpath("points.toml").read_text(encoding="utf-8"))
)
POINTS: dict[str, Point] = {point.key: point for point in CATALOGUE}
# Every (point, reading) pair, for suites that run a test once per reading.
EVERY_READING: tuple[tuple[str, str], ...] = tuple(
    (point.key, value) for point in CATALOGUE for value in point.values
)


class UnknownReadingError(ValueError):
    """A point or a value the catalogue does not hold; the message says what it does hold."""


def preset(name: str) -> dict[str, str]:
    """Every point's reading under the preset `name`."""
    if name not in PRESETS:
        raise UnknownReadingError(f"unknown preset {name!r}; one of: {', '.join(PRESETS)}")
    return {point.key: point.reading_of(name) for point in CATALOGUE}


def checked(readings: dict[str, str]) -> dict[str, str]:
    """The readings, once every point and value is known to the catalogue."""
    for key, value in readings.items():
        point = POINTS.get(key)
        if point is None:
            raise UnknownReadingError(f"unknown point {key!r}; points are api.point, e.g. crm.search_in")
        if value not in point.values:
            raise UnknownReadingError(f"{key} is one of: {', '.join(point.values)}; not {value!r}")
    return dict(readings)


def parse_assignment(text: str) -> tuple[str, str]:
    """`crm.search_in=body` -> ("crm.search_in", "body"), checked against the catalogue."""
    key, sign, value = text.partition("=")
    if not sign:
        raise UnknownReadingError(f"a reading is api.point=value, not {text!r}")
    checked({key.strip(): value.strip()})
    return key.strip(), value.strip()
