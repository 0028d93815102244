"""The write loop: read changes into a batch, write each batch to every target concurrently, and
pass a STATE on only once everything before it is written or rejected.

A batch is written while the next one is read: up to `BATCHES_IN_FLIGHT` batches are being written
at once, so the workers are not idle while stdin is parsed or while a batch's last requests finish.
A batch that touches a contact of a batch still being written waits for every earlier batch, so
changes to one contact never overtake each other.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import orjson
from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteStateMessage,
    AirbyteStateStats,
    AirbyteStateType,
    AirbyteStreamStatus,
    AirbyteTraceMessage,
    ConfiguredAirbyteCatalog,
    DestinationSyncMode,
    FailureType,
    TraceType,
    Type,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.config import WriteOptions
from destination_crm_contacts.mapping import InvalidRecordError, is_tombstone, primary_key_of
from destination_crm_contacts.settings import SettingsError
from destination_crm_contacts.targets.base import (
    Contact,
    Outcome,
    RecordRejectedError,
    Target,
    TargetError,
    Written,
)
from destination_crm_contacts.writers.buffer import Batch, Change
from destination_crm_contacts.writers.progress import Progress, Traffic
from destination_crm_contacts.writers.rejections import RejectedRecords, redacted
from destination_crm_contacts.writers.stats import Totals

BATCHES_IN_FLIGHT = 2


@dataclass
class _Writing:
    """A batch whose writes are submitted: their futures, and the source keys it touches."""

    futures: dict[Future[Any], tuple[Target, Change | None]]
    keys: frozenset[str]


def stream_name(namespace: str | None, name: str) -> str:
    return f"{namespace}.{name}" if namespace else name


@dataclass(frozen=True)
class StreamPlan:
    name: str
    mode: DestinationSyncMode
    primary_key: Sequence[Sequence[str]]
    ignored: bool


# The spec's supported_destination_sync_modes; any other mode would be guessed at, and a guess
# such as a hard delete for `soft_delete` loses data.
SUPPORTED_MODES = (
    DestinationSyncMode.append,
    DestinationSyncMode.append_dedup,
    DestinationSyncMode.overwrite,
)


def plan_streams(catalog: ConfiguredAirbyteCatalog, ignored: Iterable[str]) -> dict[str, StreamPlan]:
    """How each configured stream is written; refuses, before anything is written, a sync mode
    the destination does not support."""
    ignored = set(ignored)
    plans = {}
    for configured in catalog.streams:
        stream = configured.stream
        name = stream_name(stream.namespace, stream.name)
        mode = configured.destination_sync_mode or DestinationSyncMode.append_dedup
        if mode not in SUPPORTED_MODES:
            raise SettingsError(
                f"Stream {name!r} asks for destination sync mode {mode.value!r}, which this "
                f"destination does not support. Choose one of "
                f"{', '.join(m.value for m in SUPPORTED_MODES)} in the connection's settings."
            )
        primary_key = configured.primary_key or stream.source_defined_primary_key or [["id"]]
        plans[name] = StreamPlan(
            name=name,
            mode=mode,
            primary_key=primary_key,
            ignored=stream.name in ignored or name in ignored,
        )
    return plans


class ContactWriter:
    def __init__(
        self,
        targets: Sequence[Target],
        concurrency: Mapping[str, int],
        catalog: ConfiguredAirbyteCatalog,
        options: WriteOptions,
        rejected: RejectedRecords,
        logger: logging.Logger,
        clock: Callable[[], float] = time.monotonic,
        traffic: Mapping[str, Callable[[], Traffic]] | None = None,
    ) -> None:
        self._targets = targets
        self._concurrency = concurrency
        self._plans = plan_streams(catalog, options.ignored_streams)
        self._options = options
        self._rejected = rejected
        self._logger = logger
        self._batch = Batch(
            options.batch_max_records, options.batch_max_bytes, options.batch_max_seconds, clock
        )
        self._totals = Totals(target.name for target in targets)
        self._progress = Progress(self._totals, traffic or {}, logger, clock, options.dry_run)
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._since_state: Counter[str] = Counter()
        self._ignored_streams: Counter[str] = Counter()
        self._seen_in_overwrite: set[str] = set()
        self._stream_status: dict[str, AirbyteStreamStatus] = {}
        self._source_failed = False
        self._writing: list[_Writing] = []

    @property
    def totals(self) -> Totals:
        return self._totals

    def write(self, messages: Iterable[AirbyteMessage]) -> Iterator[AirbyteMessage]:
        for plan in self._plans.values():
            if plan.ignored:
                self._logger.info(
                    f"stream {plan.name!r} holds no contacts: its records are counted, not written"
                )
        with ExitStack() as stack:
            for target in self._targets:
                pool = ThreadPoolExecutor(
                    self._concurrency[target.name], thread_name_prefix=f"{target.name}-writer"
                )
                self._pools[target.name] = stack.enter_context(pool)
            try:
                for message in messages:
                    if message.type == Type.RECORD and message.record is not None:
                        self._take(message.record)
                    elif message.type == Type.STATE and message.state is not None:
                        self._flush()
                        self._settle(0)
                        yield self._confirmed(message.state)
                    elif message.type == Type.TRACE and message.trace is not None:
                        self._note_trace(message.trace)
                    if self._batch.is_full:
                        self._flush()
                self._flush()
                self._settle(0)
                self._mirror_overwrite()
            finally:
                self._rejected.flush()
                self._rejected.summarize()
                self._log_totals()

    def _take(self, record: AirbyteRecordMessage) -> None:
        stream = stream_name(record.namespace, record.stream)
        self._since_state[stream] += 1
        plan = self._plans.get(stream)
        data = record.data if isinstance(record.data, Mapping) else {}
        if plan is None:
            self._reject_everywhere(stream, None, f"stream {stream!r} is not in the configured catalog", data)
            return
        if plan.ignored:
            self._ignored_streams[stream] += 1
            return
        try:
            key = self._options.key_prefix + primary_key_of(data, plan.primary_key)
        except InvalidRecordError as error:
            self._reject_everywhere(stream, None, str(error), data)
            return
        try:
            deleted = is_tombstone(data)
        except InvalidRecordError as error:
            self._reject_everywhere(stream, self._source_key(key), str(error), data)
            return
        if deleted and plan.mode == DestinationSyncMode.append:
            # `append` only creates: a tombstone has nothing to create.
            for target in self._targets:
                self._totals.ignored(target.name)
            return
        if plan.mode == DestinationSyncMode.overwrite:
            self._seen_in_overwrite.add(key)
        self._batch.add(
            Change(stream, key, data, deleted, plan.mode), size=len(orjson.dumps(data, default=str))
        )

    def _flush(self) -> None:
        """Start writing the batch, once the batches it must not overtake are written."""
        changes = self._batch.drain()
        if not changes:
            return
        keys = frozenset(change.key for change in changes)
        if any(writing.keys & keys for writing in self._writing):
            self._settle(0)
        else:
            self._settle(BATCHES_IN_FLIGHT - 1)
        mirror = self._mirrors()
        self._run(
            {
                self._pools[target.name].submit(target.prepare, mirror): (target, None)
                for target in self._targets
            }
        )
        futures: dict[Future[Any], tuple[Target, Change | None]] = {
            self._pools[target.name].submit(self._apply, target, change): (target, change)
            for change in changes
            for target in self._targets
        }
        self._writing.append(_Writing(futures, keys))

    def _settle(self, keep: int) -> None:
        """Wait for the oldest batches being written until at most `keep` remain."""
        while len(self._writing) > keep:
            try:
                self._run(self._writing.pop(0).futures)
                self._rejected.flush()
                self._check_rejected_share()
                self._progress.batch_written()
            except BaseException:
                # The sync fails: later batches are not started (their STATE will never be sent).
                for writing in self._writing:
                    for future in writing.futures:
                        future.cancel()
                self._writing.clear()
                raise

    def _mirrors(self) -> bool:
        """Whether this sync deletes what it did not send (a stream in `overwrite`)."""
        return any(
            plan.mode == DestinationSyncMode.overwrite and not plan.ignored for plan in self._plans.values()
        )

    @staticmethod
    def _apply(target: Target, change: Change) -> Outcome | Written:
        if change.deleted:
            return target.delete(change.key)
        contact = Contact(change.key, change.record, change.stream)
        if change.mode == DestinationSyncMode.append:
            return target.create(contact)
        return target.upsert(contact)

    def _run(self, futures: Mapping[Future[Any], tuple[Target, Change | None]]) -> None:
        """Wait for every write; count outcomes and rejections; fail on the first target error."""
        failure: TargetError | None = None
        for future in as_completed(futures):
            target, change = futures[future]
            try:
                outcome = future.result()
            except CancelledError:
                continue
            except (RecordRejectedError, InvalidRecordError) as error:
                if change is None:
                    raise
                self._totals.rejected(target.name)
                # The API's own words may quote the values it refused: they never reach the log.
                reason = (
                    redacted(str(error), change.record)
                    if isinstance(error, RecordRejectedError)
                    else str(error)
                )
                self._rejected.add(
                    target.name, change.stream, self._source_key(change.key), reason, change.record
                )
                continue
            except TargetError as error:
                if failure is None:
                    failure = error
                    for pending in futures:
                        pending.cancel()
                continue
            if isinstance(outcome, Written):
                self._totals.outcome(target.name, outcome.outcome, len(outcome.not_cleared))
            elif isinstance(outcome, Outcome):
                self._totals.outcome(target.name, outcome)
        if failure is not None:
            raise AirbyteTracedException(
                message=str(failure),
                internal_message=str(failure),
                failure_type=failure.failure_type,
                exception=failure,
            )

    def _confirmed(self, state: AirbyteStateMessage) -> AirbyteMessage:
        """The state, with the count of records it confirms (Airbyte and PyAirbyte read it)."""
        if state.type == AirbyteStateType.STREAM and state.stream is not None:
            descriptor = state.stream.stream_descriptor
            count = self._since_state.pop(stream_name(descriptor.namespace, descriptor.name), 0)
        else:
            count = sum(self._since_state.values())
            self._since_state.clear()
        state.destinationStats = AirbyteStateStats(recordCount=float(count))
        return AirbyteMessage(type=Type.STATE, state=state)

    def _note_trace(self, trace: AirbyteTraceMessage) -> None:
        if trace.type == TraceType.STREAM_STATUS and trace.stream_status is not None:
            descriptor = trace.stream_status.stream_descriptor
            self._stream_status[stream_name(descriptor.namespace, descriptor.name)] = (
                trace.stream_status.status
            )
        elif trace.type == TraceType.ERROR:
            self._source_failed = True

    def _mirror_overwrite(self) -> None:
        """In `overwrite`, delete the managed contacts this sync did not send, once it is complete."""
        streams = [
            plan.name
            for plan in self._plans.values()
            if plan.mode == DestinationSyncMode.overwrite and not plan.ignored
        ]
        if not streams:
            return
        unfinished = [
            name
            for name in streams
            if self._stream_status.get(name, AirbyteStreamStatus.COMPLETE) != AirbyteStreamStatus.COMPLETE
        ]
        if unfinished or self._source_failed:
            self._logger.warning(
                f"overwrite: not deleting contacts missing from this sync, since the source did not finish "
                f"{', '.join(unfinished) or 'its read'}; the next complete sync will"
            )
            return
        prefix = self._options.key_prefix
        for target in self._targets:
            try:
                managed = target.managed_keys()
            except TargetError as error:
                raise AirbyteTracedException(
                    message=str(error), internal_message=str(error), failure_type=error.failure_type
                ) from error
            # Other connections may write into the same target under their own key prefix.
            ours = {key for key in managed if key.startswith(prefix)}
            stale = sorted(ours - self._seen_in_overwrite)
            unconfirmed = [name for name in streams if name not in self._stream_status]
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
            self._run(
                {
                    self._pools[target.name].submit(target.delete, key): (
                        target,
                        Change(streams[0], key, {}, True, DestinationSyncMode.overwrite),
                    )
                    for key in stale
                }
            )

    def _source_key(self, key: str) -> str:
        """The record's own primary key, without the prefix the targets store it with."""
        return key.removeprefix(self._options.key_prefix)

    def _reject_everywhere(
        self, stream: str, key: str | None, reason: str, record: Mapping[str, Any]
    ) -> None:
        for target in self._targets:
            self._totals.rejected(target.name)
        self._rejected.add("all targets", stream, key, reason, record)

    def _check_rejected_share(self) -> None:
        limit = self._options.max_rejected_share
        for target in self._targets:
            rejected, handled = self._totals.rejected_share(target.name)
            if handled >= self._options.rejected_share_min_records and rejected > limit * handled:
                raise AirbyteTracedException(
                    message=(
                        f"{target.name} rejected {rejected} of {handled} records ({rejected / handled:.0%}), "
                        f"more than max_rejected_share ({limit:.0%}). The log names each record and its "
                        "reason; fix the field mapping or the source data, or raise max_rejected_share."
                    ),
                    failure_type=FailureType.config_error,
                )

    def _log_totals(self) -> None:
        summary = {
            "event": "crm_contacts_totals",
            "dry_run": self._options.dry_run,
            "targets": self._totals.as_dict(),
            "ignored_streams": dict(self._ignored_streams),
        }
        for target, counts in summary["targets"].items():  # type: ignore[attr-defined]
            verb = "would be" if self._options.dry_run else "were"
            self._logger.info(
                f"{target}: {counts['created']} {verb} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged, {counts['deleted']} deleted "
                f"({counts['already_gone']} already gone), {counts['rejected']} rejected, "
                f"{counts['ignored']} ignored, {counts['not_cleared']} kept values the source emptied"
            )
        self._logger.info(orjson.dumps(summary).decode())
