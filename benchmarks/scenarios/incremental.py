"""Section 4: what an incremental sync costs after 1% of the contacts changed."""

from __future__ import annotations

import math

from benchmarks import configs, subjects
from benchmarks.context import Bench
from benchmarks.plots import BarChart
from benchmarks.results import Figure, Section, at_most
from benchmarks.runner import ChildRun
from benchmarks.sandbox import requests_of, total_requests

# Small pages, so that the cost of a delta read shows in pages rather than hiding in one.
PAGE_SIZE = 100
CHURN_SHARE = 0.01
# Five times the share of contacts that changed: an incremental sync that read a fixed share of
# the total, rather than the changes, would blow through it.
FAR_BELOW_FULL = 5 * CHURN_SHARE


def measure(bench: Bench) -> tuple[Section]:
    contacts = bench.sizes.incremental_base
    bench.reset(contacts)
    # No lookback: the window exists for clock skew, and here both clocks are one.
    config = configs.source_config(bench.sandbox_url, page_size=PAGE_SIZE, lookback_window_seconds=0)

    bench.admin.reset_stats()
    first = _read(bench, "incremental-first", config, state=None)
    full_requests = total_requests(bench.admin.stats(), "custom")
    if not first.states:
        raise RuntimeError(f"the first incremental read emitted no state: {first.describe_failure()}")

    changes = round(contacts * CHURN_SHARE)
    created, deleted = changes // 5, changes // 5
    updated = changes - created - deleted
    bench.admin.churn("custom", create=created, update=updated, delete=deleted)

    bench.admin.reset_stats()
    second = _read(bench, "incremental-second", config, state=first.states[-1])
    stats = bench.admin.stats()
    delta_requests = total_requests(stats, "custom")
    by_route = requests_of(stats, "custom")

    # A delta read pages through the longer of its two lists, plus one token.
    needed = 1 + math.ceil(max(created + updated, deleted) / PAGE_SIZE)
    section = Section("incremental", "4. Incremental cost")
    section.figures.append(
        Figure(
            section=section.key,
            name=(
                f"incremental requests ÷ requests the {changes:,} changes need "
                f"({CHURN_SHARE:.0%} of {contacts:,} contacts)"
            ),
            ratio=delta_requests / needed,
            # Proportional, not equal: fetching ahead without knowing where the list ends may
            # ask a few pages past it, a constant however large the data.
            target=at_most(2),
            context=(
                f"incremental {delta_requests} requests ({_routes(by_route)}), needed {needed}; "
                f"the full read before it made {full_requests}"
            ),
            extra_checks={
                f"first read emitted all {contacts:,} contacts": first.ok and first.records == contacts,
                f"incremental emitted the {changes} changes": second.ok and second.records == changes,
                f"incremental made under {FAR_BELOW_FULL:.0%} of the full read's requests": (
                    delta_requests < FAR_BELOW_FULL * full_requests
                ),
            },
        )
    )
    section.notes.append(
        f"Churn: {created} created, {updated} updated, {deleted} deleted, after a first incremental "
        f"read (no state) of {contacts:,} contacts; page size {PAGE_SIZE}, lookback 0 s. "
        f"Incremental read: {second.records} records in {second.seconds:.2f} s; first read "
        f"{first.seconds:.2f} s. Its share of the full read's requests: {delta_requests / full_requests:.1%}."
    )
    for label, run in (("first read", first), ("incremental read", second)):
        if not run.ok:
            section.notes.append(f"{label} failed: {run.describe_failure()}")
    section.plot = BarChart(
        filename="incremental_requests.png",
        title=f"Requests to the API: full read of {contacts:,} vs sync after {CHURN_SHARE:.0%} churn",
        unit="requests",
        bars={"full read": full_requests, "incremental after churn": delta_requests},
        highlight={"incremental after churn"},
    )
    return (section,)


def _read(bench: Bench, name: str, config: dict, *, state: dict | None) -> ChildRun:
    folder = bench.workdir(name)
    return bench.run(subjects.our_read(folder, config, incremental=True, state=state), folder)


def _routes(by_route: dict[str, int]) -> str:
    return ", ".join(f"{route} x {count}" for route, count in sorted(by_route.items()))
