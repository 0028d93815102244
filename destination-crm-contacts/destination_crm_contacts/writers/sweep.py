"""Sweeps: once the source has read every sweeping stream to its end, delete the managed contacts
this sync did not send. A stream sweeps in `overwrite` and in a truncate refresh (see `streams`).

A source that failed, or a stream it did not finish, deletes nothing: the next complete sync will.
A truncate refresh needs the stream's COMPLETE status. In `overwrite`, a source that sends no
stream status at all leaves only the end of its input to go by, and the log says what that costs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from airbyte_cdk.models import AirbyteStreamStatus, AirbyteTraceMessage, DestinationSyncMode, TraceType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.errors import TargetError
from destination_crm_contacts.targets.base import WriteTarget
from destination_crm_contacts.writers.buffer import Change
from destination_crm_contacts.writers.streams import OVERWRITE, StreamPlan, stream_name


@dataclass(frozen=True)
class Stale:
    """What one target's sweep would delete: the source keys, out of how many it manages."""

    target: WriteTarget
    keys: list[str]
    managed: int


class Sweep:
    def __init__(self, plans: Mapping[str, StreamPlan], key_prefix: str, logger: logging.Logger) -> None:
        self._streams = {plan.name: plan.sweep for plan in plans.values() if plan.sweep and not plan.ignored}
        self._key_prefix = key_prefix
        self._logger = logger
        self._seen: set[str] = set()
        self._stream_status: dict[str, AirbyteStreamStatus] = {}
        self._source_failed = False

    @property
    def mirrors(self) -> bool:
        """Whether this sync deletes what it did not send (a stream sweeps)."""
        return bool(self._streams)

    @property
    def label(self) -> str:
        """What the sweep is called in the log: the reason of its streams."""
        return " and ".join(sorted({str(reason) for reason in self._streams.values()}))

    def sent(self, key: str) -> None:
        self._seen.add(key)

    def note_trace(self, trace: AirbyteTraceMessage) -> None:
        if trace.type == TraceType.STREAM_STATUS and trace.stream_status is not None:
            descriptor = trace.stream_status.stream_descriptor
            self._stream_status[stream_name(descriptor.namespace, descriptor.name)] = (
                trace.stream_status.status
            )
        elif trace.type == TraceType.ERROR:
            self._source_failed = True

    def read_whole(self) -> bool:
        """Whether the source finished every sweeping stream (and there is one)."""
        if not self._streams:
            return False
        unfinished = [name for name, reason in self._streams.items() if not self._finished(name, reason)]
        if unfinished or self._source_failed:
            self._logger.warning(
                f"{self.label}: not deleting contacts missing from this sync, since the source did not "
                f"finish {', '.join(unfinished) or 'its read'}; the next complete sync will"
            )
            return False
        return True

    def _finished(self, name: str, reason: str | None) -> bool:
        # `overwrite` has always taken a source without stream statuses at the end of its input;
        # a refresh is Airbyte's, whose sources report each stream's end.
        missing = AirbyteStreamStatus.COMPLETE if reason == OVERWRITE else None
        return self._stream_status.get(name, missing) == AirbyteStreamStatus.COMPLETE

    def stale(self, target: WriteTarget) -> Stale:
        """The contacts `target` manages under this connection's key prefix that this sync did not
        send, out of how many it manages."""
        try:
            managed = target.managed_keys()
        except TargetError as error:
            raise AirbyteTracedException(
                message=str(error), internal_message=str(error), failure_type=error.failure_type
            ) from error
        # Other connections may write into the same target under their own key prefix.
        ours = {key for key in managed if key.startswith(self._key_prefix)}
        return Stale(target, sorted(ours - self._seen), len(ours))

    def deletions(self, stale: Stale) -> list[Change]:
        """The deletes of a sweep the guard allowed, announced in the log with their count."""
        target = stale.target.name
        unconfirmed = [stream for stream in self._streams if stream not in self._stream_status]
        if stale.keys and unconfirmed:
            # Nothing but the end of the input says the read was whole: say what that costs.
            self._logger.warning(
                f"{target}: {self.label} deletes {len(stale.keys)} contacts missing from this sync; the "
                f"source sent no stream status for {', '.join(unconfirmed)}, so the end of its input is "
                "taken as a complete read. A source that stops early without an error would delete "
                "contacts it never sent: use one that reports stream statuses, or append_dedup."
            )
        else:
            self._logger.info(
                f"{target}: {self.label} deletes {len(stale.keys)} contacts missing from this sync"
            )
        stream = next(iter(self._streams))
        return [Change(stream, key, {}, True, DestinationSyncMode.overwrite) for key in stale.keys]
