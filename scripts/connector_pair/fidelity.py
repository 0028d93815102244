"""Sync cycles under randomised churn and faults, each checked against the source.

A cycle churns the source (creates, updates, deletes), draws faults for all four APIs, runs one
sync (retried as Airbyte retries a failed attempt, from the last confirmed state), clears the
faults and compares each target's dump with the source's contacts. Some cycles also churn while
the sync runs: contacts changed then may or may not be in this sync, so they are checked one
cycle later. Everything is drawn from one seed, so a run can be repeated.
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connector_pair.examples import example_config
from connector_pair.mirror import Difference, compare, custom_source_records
from connector_pair.sync import SyncResult, configured_catalog, discover, run_sync, write_json
from contacts_sandbox.testing import AdminClient

TARGETS = ("crm", "client_contacts")
# The destination gives up on an unanswered request after this long; late creates answer later.
REQUEST_TIMEOUT_SECONDS = 1.5
LATE_CREATE_DELAY_SECONDS = 2.5
ATTEMPTS = 3


@dataclass
class Cycle:
    number: int
    churn: dict[str, int] = field(default_factory=dict)
    churn_during_sync: dict[str, int] = field(default_factory=dict)
    changed_during_sync: list[str] = field(default_factory=list)
    faults: dict[str, dict[str, float]] = field(default_factory=dict)
    attempts: list[str] = field(default_factory=list)  # "ok" or the error of each attempt
    records_read: int = 0
    totals: dict[str, dict[str, int]] = field(default_factory=dict)
    answers: dict[str, dict[str, int]] = field(default_factory=dict)  # per API: status -> requests
    differences: dict[str, Difference] = field(default_factory=dict)
    readings: dict[str, str] = field(default_factory=dict)  # the sandbox's, when the cycle set them

    @property
    def ok(self) -> bool:
        return (
            bool(self.attempts) and self.attempts[-1] == "ok" and all(d.ok for d in self.differences.values())
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "cycle": self.number,
            "churn": self.churn,
            "churn_during_sync": self.churn_during_sync,
            "changed_during_sync": self.changed_during_sync,
            "faults": self.faults,
            "attempts": self.attempts,
            "records_read": self.records_read,
            "totals": self.totals,
            "answers": self.answers,
            "readings": self.readings,
            "checks": {target: difference.summary() for target, difference in self.differences.items()},
        }


def draw_churn(rng: random.Random, scale: int) -> dict[str, int]:
    return {
        "create": rng.randint(0, max(1, scale // 10)),
        "update": rng.randint(0, max(1, scale // 8)),
        "delete": rng.randint(0, max(1, scale // 15)),
        "seed": rng.randrange(1 << 30),
    }


def draw_faults(rng: random.Random) -> dict[str, dict[str, float]]:
    """A fault profile per API: each fault is on in some cycles and off in others."""

    def common() -> dict[str, float]:
        return {
            "latency_ms": rng.choice((0, 0, 5, 25)),
            "error_rate": rng.choice((0, 0.03, 0.08)),
            "rate_limit_per_second": rng.choice((0, 0, 60)),
            "retry_after_seconds": 1,
            "drop_rate": rng.choice((0, 0.02, 0.05)),
        }

    faults = {"custom": {**common(), "token_ttl_seconds": rng.choice((0, 1, 2))}}
    for target in TARGETS:
        faults[target] = {
            **common(),
            "late_create_rate": rng.choice((0, 0.05, 0.15)),
            "late_create_delay_s": LATE_CREATE_DELAY_SECONDS,
        }
    return faults


@dataclass(frozen=True)
class RateLimits:
    """The limits of the rate-limited cycles, in requests a second: the source API's, each target's."""

    source: int = 2
    targets: int = 4


def scheduled_faults(number: int, limits: RateLimits = RateLimits()) -> dict[str, dict[str, float]]:
    """Faults certain to bite, on a schedule, so that even a short run meets each of them."""
    if number % 4 == 0:
        # The second request with a token revokes every token issued so far: that request and
        # those in flight beside it get 401 whatever the timing, and the source must fetch a new
        # token and try again. (The full read of the first cycle makes several requests.)
        return {"custom": {"revoke_tokens_at_request": 2}}
    if number % 4 == 1:
        # Tokens live one to two seconds and every request waits 0.6 s before the API checks its
        # token: a request sent just before the source renews finds it expired (401). This one
        # depends on timing; the revocation above does not.
        return {"custom": {"token_ttl_seconds": 1, "latency_ms": 600}}
    if number % 4 == 2:
        # A rate limit every API reaches: 429 with Retry-After, for the whole sync.
        return {
            "custom": {"rate_limit_per_second": limits.source, "retry_after_seconds": 1},
            **{
                target: {"rate_limit_per_second": limits.targets, "retry_after_seconds": 1}
                for target in TARGETS
            },
        }
    return {}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class FidelityRun:
    """Cycles of one source (the Custom Contact Source API) into both targets of one sandbox."""

    def __init__(
        self,
        url: str,
        admin: AdminClient,
        work_dir: Path,
        seed: int,
        scale: int,
        rate_limits: RateLimits = RateLimits(),
        readings_of_cycle: Callable[[int], dict[str, str]] | None = None,
    ) -> None:
        self.admin = admin
        # The readings each cycle switches the sandbox to before it churns (None: the sandbox's own).
        # The connectors learn readings at every sync, so a switch between syncs is theirs to meet.
        self.readings_of_cycle = readings_of_cycle
        # Every set of readings the targets were written under, for the comparison.
        self.written_under: list[dict[str, str]] = []
        self.rate_limits = rate_limits
        self.work_dir = work_dir
        self.rng = random.Random(seed)
        self.scale = scale
        self.state_file = work_dir / "state.json"
        self.rejected_path = work_dir / "rejected.jsonl"
        source = example_config("source-custom-contacts.custom-api.json", url)
        # Small pages: faults and the churn during a sync land between pages of one read.
        source["api"]["page_size"] = 20
        destination = {
            **example_config("destination-crm-contacts.json", url),
            "rejected_records_path": str(self.rejected_path),
            "request_timeout_seconds": REQUEST_TIMEOUT_SECONDS,
            "max_retries": 8,
            "batch_max_records": 40,
        }
        self.source_config = work_dir / "source.json"
        self.destination_config = work_dir / "destination.json"
        write_json(self.source_config, source)
        write_json(self.destination_config, destination)
        self.catalog = configured_catalog(discover(self.source_config))
        self.cycles: list[Cycle] = []

    def run(self, cycles: int, on_cycle: Callable[[Cycle], None] | None = None) -> list[Cycle]:
        """The first cycle is the full sync; then `cycles` incremental ones. Stops at a failure."""
        for number in range(cycles + 1):
            cycle = self.cycle(number)
            self.cycles.append(cycle)
            if on_cycle is not None:
                on_cycle(cycle)
            if not cycle.ok:
                break
        return self.cycles

    def cycle(self, number: int) -> Cycle:
        rng = self.rng
        cycle = Cycle(number)
        if self.readings_of_cycle is not None:
            cycle.readings = self.admin.set_readings(self.readings_of_cycle(number))
        if number > 0:
            cycle.churn = draw_churn(rng, self.scale)
            self.admin.churn("custom", **cycle.churn)
        cycle.faults = draw_faults(rng)
        for api, faults in scheduled_faults(number, self.rate_limits).items():
            cycle.faults[api].update(faults)
        if cycle.readings.get("custom.token_exp") == "without":
            # A token stating no expiry that lives a second or two is past what the source
            # documents it outlives (a renewed token refused again after a backoff fails the read):
            # such a cycle would measure the machine's load. The source's tests cover the reading.
            cycle.faults["custom"]["token_ttl_seconds"] = 0
        during = draw_churn(rng, self.scale) if number == 0 or rng.random() < 0.5 else None
        if during is not None:
            # Slow pages, so that the churn lands between two pages of the read.
            custom = cycle.faults["custom"]
            custom["latency_ms"] = max(custom["latency_ms"], 150)
        unsettled: set[str] = set()
        self.admin.reset_stats()
        for api, faults in cycle.faults.items():
            # Only the faults that are on: the sandbox takes a rate limit of 0 as "no request allowed".
            self.admin.set_faults(api, **{name: value for name, value in faults.items() if value})
        try:
            for attempt in range(ATTEMPTS):
                churn_now = None
                if during is not None and attempt == 0:
                    cycle.churn_during_sync = during
                    churn_now = functools.partial(self._churn_during, during, unsettled)
                result = self._sync(number, attempt, churn_now)
                cycle.records_read += result.records_read
                cycle.totals = result.totals
                cycle.attempts.append("ok" if result.ok else "; ".join(result.errors) or "failed")
                if result.ok:
                    break
        finally:
            self.admin.clear_faults()
            cycle.answers = self.admin.stats().get("status", {})
        cycle.changed_during_sync = sorted(unsettled, key=lambda key: (len(key), key))
        if cycle.attempts[-1] == "ok":
            self._check(cycle, unsettled)
        return cycle

    def _churn_during(self, churn: dict[str, int], unsettled: set[str]) -> None:
        changed = self.admin.churn("custom", **churn)
        unsettled.update(key for ids in changed.values() for key in ids)

    def _sync(self, number: int, attempt: int, on_first_record: Callable[[], None] | None) -> SyncResult:
        return run_sync(
            self.source_config,
            self.destination_config,
            self.catalog,
            self.state_file,
            self.work_dir / f"cycle-{number:03d}-attempt-{attempt}",
            timeout=300,
            on_first_record=on_first_record,
        )

    def _check(self, cycle: Cycle, unsettled: set[str]) -> None:
        source = custom_source_records(self.admin.dump("custom"))
        rejected = _read_jsonl(self.rejected_path)
        readings = self.admin.readings()
        if readings not in self.written_under:
            self.written_under.append(readings)
        for target in TARGETS:
            cycle.differences[target] = compare(
                target,
                source,
                self.admin.dump(target),
                rejected,
                unsettled=unsettled,
                written_under=self.written_under,
            )
