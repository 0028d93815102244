"""Combinations of the sandbox's readings that, between them, serve every reading of the catalogue.

Combination i takes, for every point, its values[i % len(values)]: as many combinations as the
point with the most readings has values put each reading of every point in some combination
(but for the readings the source keeps what it learnt of, below). A
combination the destination documents as unlearnable without writing is never served: there the
later point of the pair keeps its first (lenient) reading, and the failure it documents has its
own test.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from contacts_sandbox.readings import Point

# Readings that together make a server the destination cannot learn without writing (its README,
# "What cannot be learnt without writing"): a CRM typing the phone Integer that answers a text
# phone with a bare 500 says nothing of the type, so the sync cannot tell it from an outage.
UNLEARNABLE: tuple[dict[str, str], ...] = ({"crm.phone": "integer", "crm.refusal": "500"},)


def widest(catalogue: Iterable[Point]) -> int:
    """The most readings any one point has: the fewest combinations that serve every reading."""
    return max(len(point.values) for point in catalogue)


# Readings the source learns once and keeps in its state (its README: once a delta has shown a
# new contact, creations are read from the delta alone): a server switching between them is served
# them in the one order that learning can follow, the reading it cannot prove first, in blocks.
ONE_WAY: dict[str, tuple[str, ...]] = {"custom.updated_new": ("excluded", "included")}


def combination(catalogue: Sequence[Point], index: int, count: int) -> dict[str, str]:
    """The readings of combination `index` of `count`."""
    readings = {point.key: point.values[index % len(point.values)] for point in catalogue}
    for key, order in ONE_WAY.items():
        readings[key] = order[index * len(order) // count]
    first = {point.key: point.values[0] for point in catalogue}
    for together in UNLEARNABLE:
        if all(readings[key] == value for key, value in together.items()):
            later = list(together)[-1]
            readings[later] = first[later]
    return readings


def covering(catalogue: Sequence[Point], count: int) -> list[dict[str, str]]:
    """`count` combinations (at least `widest`, or some reading would be left out)."""
    return [combination(catalogue, index, count) for index in range(count)]


def served(combinations: Iterable[dict[str, str]]) -> set[tuple[str, str]]:
    """Every (point, reading) pair some combination serves."""
    return {pair for readings in combinations for pair in readings.items()}
