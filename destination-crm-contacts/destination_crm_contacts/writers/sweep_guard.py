"""The guard of a sweep: one that would delete more than a set share of the contacts a target
manages deletes none there and fails the sync, saying how many would go and what allows it.

A source that suddenly sends a fraction of its contacts (an expired filter, a wrong account) looks
to a sweep exactly like a source whose contacts were deleted. Tombstones are the source's own word
about each contact and are not guarded.
"""

from __future__ import annotations

import math

from destination_crm_contacts.writers.sweep import Stale


class SweepGuard:
    def __init__(self, max_share: float, min_contacts: int, label: str) -> None:
        self._max_share = max_share
        self._min_contacts = min_contacts
        self._label = label

    def refusal(self, stale: Stale) -> str | None:
        """Why this sweep must not run; None when it may."""
        if stale.managed < self._min_contacts or not stale.keys:
            return None
        share = len(stale.keys) / stale.managed
        if share <= self._max_share:
            return None
        # The smallest share, in hundredths, that lets this very sweep run.
        allowing = min(1.0, math.ceil(share * 100) / 100)
        return (
            f"{stale.target.name}: the {self._label} would delete {len(stale.keys)} of the "
            f"{stale.managed} contacts this connection manages there ({share:.0%}), more than "
            f"max_sweep_share {self._max_share:g} allows, so it deleted none. If the source really "
            f"no longer has them, set max_sweep_share to {allowing:g} for one sync; otherwise check "
            "what the source sent."
        )
