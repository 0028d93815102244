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


# Readings served one combination later than the others: a token without `exp` lands on the cycles
# whose scheduled faults do not expire tokens in flight (`fidelity.scheduled_faults`, odd cycles
# 1, 5, ...: one-second tokens checked 0.6 s after they are sent). The source documents that a
# token without `exp` living under 30 seconds is renewed once per refusal, and a renewed token
# refused again fails the sync, so those cycles would test the machine's load, not the source.
SHIFTED: dict[str, int] = {"custom.token_exp": 1}


def combination(catalogue: Sequence[Point], index: int, count: int) -> dict[str, str]:
    """The readings of combination `index` of `count`."""
    readings = {
        point.key: point.values[(index + SHIFTED.get(point.key, 0)) % len(point.values)]
        for point in catalogue
    }
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
