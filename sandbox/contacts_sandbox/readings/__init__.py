"""The readings: each point an API document leaves open, the ways a real server may read it, and
the presets (`lenient`, `strict`, `examples`) that pick one reading of every point.

Routers ask for one reading at a time: `sandbox.readings.crm.search_in == "body"`. The catalogue
is data (`CATALOGUE`, one `Point` per open point), so test suites can parametrise over it.
"""

from contacts_sandbox.readings.catalogue import (
    CATALOGUE,
    EVERY_READING,
    LENIENT,
    POINTS,
    PRESETS,
    Preset,
    UnknownReadingError,
    checked,
    parse_assignment,
    preset,
)
from contacts_sandbox.readings.in_force import MIXED, ApiReadings, Readings
from contacts_sandbox.readings.point import Point

__all__ = [
    "CATALOGUE",
    "EVERY_READING",
    "LENIENT",
    "MIXED",
    "POINTS",
    "PRESETS",
    "ApiReadings",
    "Point",
    "Preset",
    "Readings",
    "UnknownReadingError",
    "checked",
    "parse_assignment",
    "preset",
]
