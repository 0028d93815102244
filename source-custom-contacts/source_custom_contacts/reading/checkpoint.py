"""Checkpoints of a long read, and when a read must not resume from one.

A read that fails part-way is tried again by the platform with the last STATE the read emitted.
So a full read checkpoints its place at the end of a page, at least every `CHECKPOINT_RECORDS`
records or `CHECKPOINT_SECONDS` seconds: the next page, the page size, when the whole read began
(the incremental cursor is that of the whole read, not of its last attempt) and when the move
repair last looked (so the next attempt asks what moved since, across the gap). No id is kept:
the state stays a few hundred bytes whatever the read's size.

A read that feeds a sweep never resumes: a destination that deletes what the sync did not write
(`overwrite`, a truncate refresh) would, after a resumed read, delete every contact an earlier
attempt wrote. Such a read starts over from its first page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from airbyte_cdk.models import ConfiguredAirbyteStream, DestinationSyncMode
from airbyte_cdk.sources.streams.checkpoint.checkpoint_reader import FULL_REFRESH_COMPLETE_STATE

from source_custom_contacts.auth import Clock
from source_custom_contacts.reading.progress import ReadProgress

CHECKPOINT_RECORDS = 10_000
CHECKPOINT_SECONDS = 60.0
RESUME_KEY = "resume"
COMPLETE: Mapping[str, Any] = FULL_REFRESH_COMPLETE_STATE


@dataclass(frozen=True)
class Checkpoint:
    """Handed up by a read between its messages: the stream's state from here on."""

    state: Mapping[str, Any]
    final: bool = False


@dataclass
class Cadence:
    """Says at the end of each page whether a checkpoint is due."""

    clock: Clock
    # Read when a read begins, so that a test can checkpoint a small read often.
    records: int = field(default_factory=lambda: CHECKPOINT_RECORDS)
    seconds: float = field(default_factory=lambda: CHECKPOINT_SECONDS)
    _since_last: int = field(default=0, init=False)
    _last_at: float | None = field(default=None, init=False)

    def due(self, records: int) -> bool:
        now = self.clock()
        if self._last_at is None:
            self._last_at = now
        self._since_last += records
        if self._since_last < self.records and now - self._last_at < self.seconds:
            return False
        self._since_last, self._last_at = 0, now
        return True


@dataclass(frozen=True)
class Position:
    """Where a full read stands: pages before `page` are read, save those `repair_from` names."""

    started: float  # when the whole read began, on this machine's clock
    window: float  # server time from which a move counts against the pages read
    page: int
    page_size: int
    repair_from: int | None = None  # first page to read again after this pass
    listed: int | None = None  # how many contacts the list held at `window`, where it says
    checked: float | None = None  # server time of the checkpoint, where moves are told by pages
    contacts: int | None = None  # live contacts emitted (for the incremental state)
    last_id: str | None = None
    last_ids: tuple[str, ...] = ()

    def as_state(self, **around: Any) -> dict[str, Any]:
        kept = {key: value for key, value in asdict(self).items() if value not in (None, ())}
        if self.last_ids:
            kept["last_ids"] = list(self.last_ids)
        return {**around, RESUME_KEY: kept}

    @classmethod
    def of(cls, state: Mapping[str, Any]) -> Position | None:
        """The position a state holds; None for a state without one, or one this cannot read
        (the read then starts over, which loses nothing)."""
        saved = state.get(RESUME_KEY)
        if not isinstance(saved, Mapping):
            return None
        try:
            return cls(
                started=float(saved["started"]),
                window=float(saved["window"]),
                page=max(1, int(saved["page"])),
                page_size=max(1, int(saved["page_size"])),
                repair_from=_whole(saved.get("repair_from")),
                listed=_whole(saved.get("listed")),
                checked=float(saved["checked"]) if saved.get("checked") is not None else None,
                contacts=_whole(saved.get("contacts")),
                last_id=str(saved["last_id"]) if saved.get("last_id") is not None else None,
                last_ids=tuple(str(i) for i in saved.get("last_ids") or ()),
            )
        except (KeyError, TypeError, ValueError):
            return None


def _whole(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def feeds_sweep(configured: ConfiguredAirbyteStream) -> bool:
    """Whether the destination deletes what this stream's read does not bring, as the
    destination itself decides: generation ids where the catalog has them (a minimum equal to
    the generation, above 0, is a truncate refresh), else `overwrite`. PyAirbyte fills in
    generation 1, minimum 1 and sync id 1 on every catalog: those three together mean none."""
    generation, minimum = configured.generation_id, configured.minimum_generation_id
    if generation is None or minimum is None or (generation, minimum, configured.sync_id) == (1, 1, 1):
        return configured.destination_sync_mode == DestinationSyncMode.overwrite
    return minimum == generation and generation > 0


@dataclass(frozen=True)
class ReadRun:
    """What every page of one read shares: when it began, the time its records carry, where it
    tells its progress and when it checkpoints, and what its checkpoints keep besides the place."""

    started: float
    seen_at: str
    progress: ReadProgress
    cadence: Cadence
    around: Mapping[str, Any] = field(default_factory=dict)
