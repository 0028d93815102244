"""The sorted lists the source APIs' stores keep in step with every write, one per order they serve."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any


class Ordered:
    """Values kept sorted by a key, in step with every write.

    A write moves one value (a bisect, then a list insert and delete, which are memmoves in C)
    rather than leaving the next read to sort the whole store again: an update during a full read,
    the case a last-change order exists to test, would otherwise cost a sort per page.
    """

    __slots__ = ("keys", "values")

    def __init__(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        ordered = sorted(pairs, key=lambda pair: pair[0])
        self.keys: list[Any] = [key for key, _ in ordered]
        self.values: list[Any] = [value for _, value in ordered]

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: Any, value: Any) -> None:
        at = bisect.bisect_left(self.keys, key)
        self.keys.insert(at, key)
        self.values.insert(at, value)

    def remove(self, key: Any) -> None:
        at = bisect.bisect_left(self.keys, key)
        if at < len(self.keys) and self.keys[at] == key:
            del self.keys[at]
            del self.values[at]

    def move(self, old: Any, new: Any, value: Any) -> None:
        """Takes the value at `old` (None: a new one) to `new`."""
        if old is not None:
            self.remove(old)
        self.add(new, value)

    def start_of(self, key: Any) -> int:
        """The position of the first key not below `key`."""
        return bisect.bisect_left(self.keys, key)
