"""Counts of what happened, per target, for the sync's report and the rejection threshold."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from destination_crm_contacts.targets.base import Outcome

COUNTED = ("created", "updated", "unchanged", "deleted", "already_gone", "rejected", "ignored")
# Not an outcome of its own: values a target kept although the source emptied them (see README).
NOTED = ("not_cleared",)


class Totals:
    def __init__(self, targets: Iterable[str]) -> None:
        self._counts: dict[str, Counter[str]] = {target: Counter() for target in targets}
        self.input: Counter[str] = Counter()

    def outcome(self, target: str, outcome: Outcome, not_cleared: int = 0) -> None:
        self._counts[target][outcome.value] += 1
        self._counts[target]["not_cleared"] += not_cleared

    def rejected(self, target: str) -> None:
        self._counts[target]["rejected"] += 1

    def ignored(self, target: str) -> None:
        self._counts[target]["ignored"] += 1

    def of(self, target: str) -> dict[str, int]:
        counts = self._counts[target]
        return {name: counts[name] for name in COUNTED + NOTED}

    def rejected_share(self, target: str) -> tuple[int, int]:
        """(rejected, records handed to the target)."""
        counts = self._counts[target]
        return counts["rejected"], sum(counts[name] for name in COUNTED if name != "ignored")

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {target: self.of(target) for target in self._counts}
