"""The write loop: read changes into a batch, write each batch to every target concurrently, and
pass a STATE on only once everything before it is written or rejected.

A batch is written when it is full and on every STATE, and the STATE goes out only after that
flush; the last batch is written at the end. A batch is written while the next one is read: up
to `BATCHES_IN_FLIGHT` batches are being written at once, so the workers are not idle while
stdin is parsed or while a batch's last requests finish. A batch that touches a contact of a
batch still being written waits for every earlier batch, so changes to one contact never
overtake each other.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import orjson
from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteRecordMessage,
    ConfiguredAirbyteCatalog,
    DestinationSyncMode,
    FailureType,
    Type,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.config import WriteOptions
from destination_crm_contacts.mapping import InvalidRecordError, is_tombstone, primary_key_of
from destination_crm_contacts.targets.base import Contact, Outcome, WriteTarget, Written
from destination_crm_contacts.writers.buffer import Batch, Change
from destination_crm_contacts.writers.progress import Progress, Traffic
from destination_crm_contacts.writers.rejection_policy import RejectionPolicy
from destination_crm_contacts.writers.rejections import RejectedRecords
from destination_crm_contacts.writers.report import log_report, sync_report
from destination_crm_contacts.writers.settling import settle
from destination_crm_contacts.writers.state_counts import StateCounts
from destination_crm_contacts.writers.stats import Totals
from destination_crm_contacts.writers.streams import plan_streams, stream_name
from destination_crm_contacts.writers.sweep import Sweep
from destination_crm_contacts.writers.sweep_guard import SweepGuard

BATCHES_IN_FLIGHT = 2


@dataclass
class _Writing:
    """A batch whose writes are submitted: their futures, and the source keys it touches."""

    futures: dict[Future[Any], tuple[WriteTarget, Change | None]]
    keys: frozenset[str]


class ContactWriter:
    def __init__(
        self,
        targets: Sequence[WriteTarget],
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
        self._policy = RejectionPolicy([target.name for target in targets], self._totals, rejected, options)
        self._sweep = Sweep(self._plans, options.key_prefix, logger)
        self._guard = SweepGuard(options.max_sweep_share, options.sweep_share_min_contacts, self._sweep.label)
        self._progress = Progress(self._totals, traffic or {}, logger, clock, options.dry_run)
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._counts = StateCounts()
        self._ignored_streams: Counter[str] = Counter()
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
            completed = False
            try:
                for message in messages:
                    if message.type == Type.RECORD and message.record is not None:
                        self._take(message.record)
                    elif message.type == Type.STATE and message.state is not None:
                        self._flush()
                        self._settle(0)
                        # Rejections outside any batch (an unknown stream) are stored before it too.
                        self._rejected.flush()
                        yield self._counts.confirm(message.state)
                    elif message.type == Type.TRACE and message.trace is not None:
                        self._sweep.note_trace(message.trace)
                    if self._batch.is_full:
                        self._flush()
                self._flush()
                self._settle(0)
                self._run_sweep()
                self._rejected.flush()
                completed = True
            finally:
                if not completed:
                    self._rejected.flush_after_failure()
                self._report()

    def _report(self) -> None:
        """The sync's report, in the log and beside the rejected records."""
        self._rejected.summarize()
        report = sync_report(
            self._totals, self._ignored_streams, self._rejected.reasons(), self._options.dry_run
        )
        kept_in = self._rejected.put_report(orjson.dumps(report, option=orjson.OPT_INDENT_2))
        log_report(self._logger, report, self._rejected.stored, kept_in)

    def _take(self, record: AirbyteRecordMessage) -> None:
        stream = stream_name(record.namespace, record.stream)
        self._counts.record(stream)
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
            self._reject_everywhere(stream, key, str(error), data)
            return
        if deleted and plan.mode == DestinationSyncMode.append:
            # `append` only creates: a tombstone has nothing to create.
            for target in self._targets:
                self._totals.ignored(target.name)
            return
        if plan.sweep:
            self._sweep.sent(key)
        self._batch.add(
            Change(stream, key, data, deleted, plan.mode), size=len(orjson.dumps(data, default=str))
        )

    def _reject_everywhere(self, stream: str, key: str | None, reason: str, data: Mapping[str, Any]) -> None:
        self._counts.rejected(stream)
        self._policy.reject_everywhere(stream, key, reason, data)

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
        # The first batch's first key: a target may look it up while it learns (a CRM's first search).
        mirrors, first_key = self._sweep.mirrors, changes[0].key
        self._wait_for(
            {
                self._pools[target.name].submit(target.prepare, mirrors, first_key): (target, None)
                for target in self._targets
            }
        )
        futures: dict[Future[Any], tuple[WriteTarget, Change | None]] = {
            self._pools[target.name].submit(self._apply, target, change): (target, change)
            for change in changes
            for target in self._targets
        }
        self._writing.append(_Writing(futures, keys))

    def _settle(self, keep: int) -> None:
        """Wait for the oldest batches being written until at most `keep` remain."""
        while len(self._writing) > keep:
            try:
                self._wait_for(self._writing.pop(0).futures)
                self._rejected.flush()
                self._policy.check_share()
                self._progress.batch_written()
            except BaseException:
                # The sync fails: later batches are not started (their STATE will never be sent).
                for writing in self._writing:
                    for future in writing.futures:
                        future.cancel()
                self._writing.clear()
                raise

    def _wait_for(self, futures: Mapping[Future[Any], tuple[WriteTarget, Change | None]]) -> None:
        settle(futures, self._policy, self._totals, self._counts)

    @staticmethod
    def _apply(target: WriteTarget, change: Change) -> Outcome | Written:
        if change.deleted:
            return target.delete(change.key)
        contact = Contact(change.key, change.record, change.stream)
        if change.mode == DestinationSyncMode.append:
            return target.create(contact)
        return target.upsert(contact)

    def _run_sweep(self) -> None:
        """Once a sweeping stream was read whole, delete what this sync did not send; a sweep the
        guard refuses on any target deletes nothing anywhere and fails the sync."""
        if not self._sweep.read_whole():
            return
        stale = [self._sweep.stale(target) for target in self._targets]
        refusals = [refusal for refusal in map(self._guard.refusal, stale) if refusal]
        if refusals:
            message = " ".join(refusals)
            raise AirbyteTracedException(
                message=message, internal_message=message, failure_type=FailureType.config_error
            )
        for each in stale:
            target = each.target
            self._wait_for(
                {
                    self._pools[target.name].submit(target.delete, change.key): (target, change)
                    for change in self._sweep.deletions(each)
                }
            )
