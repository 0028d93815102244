"""A target and a store of rejected records in memory, and the writer over them: the writer's own
logic (batches, STATE after settling, rejections, sweeps and their guard, the report) driven
without HTTP, as the CDK's writer tests drive theirs with a fake client.

`MemoryTarget` is a `WriteTarget`: it holds contacts by source key, records each write in order,
and refuses or fails the writes a test arranges.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

from airbyte_cdk.models import AirbyteMessage, ConfiguredAirbyteCatalog, Type

from destination_crm_contacts.config import WriteOptions
from destination_crm_contacts.errors import RecordRejectedError, StillFailingError, Suspect, TargetError
from destination_crm_contacts.targets.base import Contact, Outcome, Written
from destination_crm_contacts.writers.rejections import RejectedRecords
from destination_crm_contacts.writers.writer import ContactWriter
from unit_tests.builders import catalog, record

LOGGER = logging.getLogger("airbyte")


class MemoryTarget:
    """`latency` slows every write down, so that a writer that does not wait for its writes is seen
    not to."""

    def __init__(self, name: str = "crm", held: Iterable[str] = (), latency: float = 0.0) -> None:
        self.name = name
        self.contacts: dict[str, Mapping[str, Any]] = {key: {} for key in held}
        # (method, source key) of each write, in the order the target took them.
        self.calls: list[tuple[str, str]] = []
        # `mirror` of each prepare.
        self.prepared: list[bool] = []
        self.up = True
        self._latency = latency
        self._faults: dict[str, Exception] = {}
        self._delays: dict[str, float] = {}
        self._lock = threading.Lock()

    def delay(self, key: str, seconds: float) -> None:
        """The next write of `key` takes `seconds` longer."""
        self._delays[key] = seconds

    def refuse(self, key: str, reason: str = "the target refused it") -> None:
        """Every write of `key` is refused: that record's own rejection."""
        self._faults[key] = RecordRejectedError(reason)

    def keep_failing(self, key: str, suspect: Suspect | None = None) -> None:
        """Every write of `key` still fails after its retries (as a persistent 500 does), maybe
        under a `suspect` reading."""
        self._faults[key] = StillFailingError(f"{self.name}: the write of {key} still failed", suspect)

    def fail(self, key: str, error: TargetError | None = None) -> None:
        """A write of `key` finds the target out of reach."""
        self._faults[key] = error or TargetError(f"{self.name} is out of reach")

    def held(self) -> list[str]:
        return sorted(self.contacts)

    def healthy(self) -> bool:
        return self.up

    def prepare(self, mirror: bool = False, first_key: str | None = None) -> None:
        self.prepared.append(mirror)

    def upsert(self, contact: Contact) -> Written:
        self._enter("upsert", contact.key)
        with self._lock:
            before = self.contacts.get(contact.key)
            self.contacts[contact.key] = contact.record
        if before is None:
            return Written(Outcome.CREATED)
        return Written(Outcome.UNCHANGED if before == contact.record else Outcome.UPDATED)

    def create(self, contact: Contact) -> Outcome:
        self._enter("create", contact.key)
        with self._lock:
            self.contacts[contact.key] = contact.record
        return Outcome.CREATED

    def delete(self, key: str) -> Outcome:
        self._enter("delete", key)
        with self._lock:
            gone = self.contacts.pop(key, None) is None
        return Outcome.ALREADY_GONE if gone else Outcome.DELETED

    def managed_keys(self) -> set[str]:
        with self._lock:
            return set(self.contacts)

    def _enter(self, method: str, key: str) -> None:
        with self._lock:
            delay = self._latency + self._delays.pop(key, 0.0)
        if delay:
            time.sleep(delay)
        fault = self._faults.get(key)
        if fault is not None:
            raise fault
        with self._lock:
            self.calls.append((method, key))


class MemoryStore:
    """A store of rejected records: each piece it is handed, and the sync's report."""

    def __init__(self) -> None:
        self.objects: list[tuple[str, list[dict[str, Any]]]] = []
        self.report: dict[str, Any] | None = None

    def put(self, stream: str, lines: bytes) -> str:
        self.objects.append((stream, [json.loads(line) for line in lines.splitlines()]))
        return f"memory:{len(self.objects)}"

    def put_report(self, report: bytes) -> str | None:
        self.report = json.loads(report)
        return "memory:report"

    def close(self) -> None:
        pass

    def keys(self) -> list[str | None]:
        """The primary key of every rejected record stored, in order."""
        return [line["primary_key"] for _, lines in self.objects for line in lines]


def writer_of(
    *targets: MemoryTarget,
    streams: ConfiguredAirbyteCatalog | None = None,
    store: MemoryStore | None = None,
    **options: Any,
) -> ContactWriter:
    """The writer over `targets`, with the catalog `streams` (one `contacts` stream in
    append_dedup by default) and the write options `options`."""
    return ContactWriter(
        targets,
        {target.name: 4 for target in targets},
        streams or catalog(),
        WriteOptions(**options),
        RejectedRecords(store, LOGGER),
        LOGGER,
    )


def contact(key: str, stream: str = "contacts", **fields: Any) -> AirbyteMessage:
    return record({"id": key, "first_name": "Ada", **fields}, stream)


def stats(output: list[AirbyteMessage]) -> list[tuple[float, float]]:
    """(recordCount, rejectedRecordCount) of each STATE."""
    return [
        (m.state.destinationStats.recordCount, m.state.destinationStats.rejectedRecordCount)
        for m in output
        if m.type == Type.STATE
    ]
