"""One point an API document leaves open, and the readings a real server may take of it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    """A point of one API (`api.name`), its readings (`values`, the first one `lenient`'s unless
    `lenient` says otherwise), the reading of each other preset, and the question it answers."""

    api: str
    name: str
    values: tuple[str, ...]
    strict: str
    examples: str
    question: str
    lenient: str = ""

    def __post_init__(self) -> None:
        if not self.lenient:
            object.__setattr__(self, "lenient", self.values[0])
        for preset in (self.lenient, self.strict, self.examples):
            if preset not in self.values:
                raise ValueError(f"{self.key}: {preset!r} is not one of {self.values}")

    @property
    def key(self) -> str:
        return f"{self.api}.{self.name}"

    def reading_of(self, preset: str) -> str:
        reading: str = getattr(self, preset)
        return reading
