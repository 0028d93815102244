"""Section 4: what an incremental sync costs after 1% of the contacts changed."""

from __future__ import annotations

import math

from benchmarks import configs, subjects
from benchmarks.plots import BarChart
from benchmarks.results import Section, at_most
from benchmarks.runner import ChildRun
from benchmarks.sandbox import requests_of, total_requests
from benchmarks.scenarios.base import Scenario

# Small pages, so that the cost of a delta read shows in pages rather than hiding in one.
PAGE_SIZE = 100
CHURN_SHARE = 0.01
# Five times the share of contacts that changed: an incremental sync that read a fixed share of
# the total, rather than the changes, would blow through it.
FAR_BELOW_FULL = 5 * CHURN_SHARE


class Incremental(Scenario):
    size = "incremental_base"

    def run(self) -> None:
        admin, contacts = self.bench.admin, self.contacts
        # No lookback: the window exists for clock skew, and here both clocks are one.
        config = configs.source_config(self.bench.sandbox_url, page_size=PAGE_SIZE, lookback_window_seconds=0)

        admin.reset_stats()
        first = self._read("first read", "incremental-first", config, None, expected=contacts)
        self.full_requests = total_requests(admin.stats(), "custom")
        if not first.states:
            raise RuntimeError(f"the first incremental read emitted no state: {first.describe_failure()}")

        changes = round(contacts * CHURN_SHARE)
        self.created, self.deleted = changes // 5, changes // 5
        self.updated = changes - self.created - self.deleted
        admin.churn("custom", create=self.created, update=self.updated, delete=self.deleted)
        # Changes come between syncs: one in the second a read begins is checked for as a move
        # during the read, which pages through every change of that second once more.
        self.bench.next_second()

        admin.reset_stats()
        self._read("incremental read", "incremental-second", config, first.states[-1], expected=changes)
        self.stats = admin.stats()

    def _read(self, label: str, name: str, config: dict, state: dict | None, expected: int) -> ChildRun:
        folder = self.bench.workdir(name)
        argv = subjects.our_read(folder, config, incremental=True, state=state)
        return self.program(label, argv, folder, expected=expected)

    def sections(self) -> tuple[Section, ...]:
        contacts, first, second = self.contacts, self.runs["first read"], self.runs["incremental read"]
        changes = self.created + self.updated + self.deleted
        delta_requests, full_requests = total_requests(self.stats, "custom"), self.full_requests
        # A delta read pages through the longer of its two lists, plus one token.
        needed = 1 + math.ceil(max(self.created + self.updated, self.deleted) / PAGE_SIZE)
        section = Section("incremental", "4. Incremental cost")
        section.add_figure(
            name=(
                f"incremental requests ÷ requests the {changes:,} changes need "
                f"({CHURN_SHARE:.0%} of {contacts:,} contacts)"
            ),
            ratio=delta_requests / needed,
            # Proportional, not equal: fetching ahead without knowing where the list ends may
            # ask a few pages past it, a constant however large the data.
            target=at_most(2),
            context=(
                f"incremental {delta_requests} requests ({_routes(requests_of(self.stats, 'custom'))}), "
                f"needed {needed}; the full read before it made {full_requests}"
            ),
            checks={
                f"first read emitted all {contacts:,} contacts": self.emitted_all("first read"),
                f"incremental emitted the {changes} changes": self.emitted_all("incremental read"),
                f"incremental made under {FAR_BELOW_FULL:.0%} of the full read's requests": (
                    delta_requests < FAR_BELOW_FULL * full_requests
                ),
            },
        )
        section.notes.append(
            f"Churn: {self.created} created, {self.updated} updated, {self.deleted} deleted, after a first "
            f"incremental read (no state) of {contacts:,} contacts; page size {PAGE_SIZE}, lookback 0 s. "
            f"Incremental read: {second.records} records in {second.seconds:.2f} s; first read "
            f"{first.seconds:.2f} s. Its share of the full read's requests: "
            f"{delta_requests / full_requests:.1%}."
        )
        section.plot = BarChart(
            filename="incremental_requests.png",
            title=f"Requests to the API: full read of {contacts:,} vs sync after {CHURN_SHARE:.0%} churn",
            unit="requests",
            bars={"full read": full_requests, "incremental after churn": delta_requests},
            highlight={"incremental after churn"},
        )
        return (section,)


def _routes(by_route: dict[str, int]) -> str:
    return ", ".join(f"{route} x {count}" for route, count in sorted(by_route.items()))
