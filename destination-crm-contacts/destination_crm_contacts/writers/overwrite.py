"""`overwrite`: once the source has read every overwritten stream to its end, delete the managed
contacts this sync did not send.

A source that failed, or a stream it did not finish, deletes nothing: the next complete sync will.
A source that sends no stream status leaves only the end of its input to go by, and the log says
what that costs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from airbyte_cdk.models import AirbyteStreamStatus, AirbyteTraceMessage, DestinationSyncMode, TraceType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.targets.base import Target, TargetError
from destination_crm_contacts.writers.buffer import Change
from destination_crm_contacts.writers.streams import StreamPlan, stream_name


class Overwrite:
    def __init__(self, plans: Mapping[str, StreamPlan], key_prefix: str, logger: logging.Logger) -> None:
        self._streams = [
            plan.name
            for plan in plans.values()
            if plan.mode == DestinationSyncMode.overwrite and not plan.ignored
        ]
        self._key_prefix = key_prefix
        self._logger = logger
        self._seen: set[str] = set()
        self._stream_status: dict[str, AirbyteStreamStatus] = {}
        self._source_failed = False

    @property
    def mirrors(self) -> bool:
        """Whether this sync deletes what it did not send (a stream in `overwrite`)."""
        return bool(self._streams)

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
        """Whether the source finished every overwritten stream (and there is one)."""
        if not self._streams:
            return False
        unfinished = [
            name
            for name in self._streams
            if self._stream_status.get(name, AirbyteStreamStatus.COMPLETE) != AirbyteStreamStatus.COMPLETE
        ]
        if unfinished or self._source_failed:
            self._logger.warning(
                f"overwrite: not deleting contacts missing from this sync, since the source did not finish "
                f"{', '.join(unfinished) or 'its read'}; the next complete sync will"
            )
            return False
        return True

    def stale(self, target: Target) -> list[Change]:
        """The deletions of the contacts `target` manages under this connection's key prefix that
        this sync did not send."""
        try:
            managed = target.managed_keys()
        except TargetError as error:
            raise AirbyteTracedException(
                message=str(error), internal_message=str(error), failure_type=error.failure_type
            ) from error
        # Other connections may write into the same target under their own key prefix.
        ours = {key for key in managed if key.startswith(self._key_prefix)}
        stale = sorted(ours - self._seen)
        unconfirmed = [name for name in self._streams if name not in self._stream_status]
        if stale and unconfirmed:
            # Nothing but the end of the input says the read was whole: say what that costs.
            self._logger.warning(
                f"{target.name}: overwrite deletes {len(stale)} contacts missing from this sync; the "
                f"source sent no stream status for {', '.join(unconfirmed)}, so the end of its input is "
                "taken as a complete read. A source that stops early without an error would delete "
                "contacts it never sent: use one that reports stream statuses, or append_dedup."
            )
        else:
            self._logger.info(
                f"{target.name}: overwrite deletes {len(stale)} contacts missing from this sync"
            )
        return [Change(self._streams[0], key, {}, True, DestinationSyncMode.overwrite) for key in stale]
