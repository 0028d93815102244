"""Section 3: a full read when every request of the API takes 50 ms more, with the default settings."""

from __future__ import annotations

from benchmarks import configs, subjects
from benchmarks.context import Bench
from benchmarks.plots import BarChart
from benchmarks.results import Figure, Section, at_least
from benchmarks.sandbox import RateWatch, status_count, total_requests

LATENCY_MS = 50
# Small pages make latency, not transfer, the cost of a read: the case concurrency is for.
PAGE_SIZE = 100
# Ours with the settings a user who changes nothing gets: pages in flight adapt to the latency,
# up to the default `concurrent_requests`, with no `max_requests_per_second`.


def measure(bench: Bench) -> tuple[Section]:
    contacts = bench.sizes.latency_read
    bench.reset(contacts)
    bench.admin.set_faults("custom", latency_ms=LATENCY_MS)

    bench.admin.reset_stats()
    floor = bench.run(subjects.floor(bench.sandbox_url, PAGE_SIZE), bench.workdir("latency-floor"))
    floor_requests = total_requests(bench.admin.stats(), "custom")

    bench.admin.reset_stats()
    config = configs.source_config(bench.sandbox_url, page_size=PAGE_SIZE)
    folder = bench.workdir("latency-ours")
    argv = subjects.our_read(folder, config)
    with RateWatch(bench.admin, "custom") as watch:
        ours = bench.run(argv, folder)
    stats = bench.admin.stats()
    startup = bench.run([configs.SOURCE, "spec"], bench.workdir("latency-spec")).seconds
    our_requests = total_requests(stats, "custom")
    rejected = status_count(stats, "custom", 429)
    busiest = watch.busiest_second()

    section = Section("latency", "3. Source under latency")
    section.figures.append(
        Figure(
            section=section.key,
            name=(
                f"sequential floor ÷ source-custom-contacts, {contacts:,} contacts, "
                f"+{LATENCY_MS} ms a request"
            ),
            ratio=floor.seconds / ours.seconds,
            # In time, ours at most 0.20 of the floor.
            target=at_least(5),
            context=(
                f"floor {floor.cpu_text()} ({floor_requests} requests); "
                f"ours {ours.cpu_text()} ({our_requests} requests at {watch.active_rate():.0f}/s, "
                f"busiest second {busiest}, {rejected} x 429); "
                f"start-up alone {startup:.2f} s"
            ),
            extra_checks={
                f"ours read all {contacts:,} contacts": ours.ok and ours.records == contacts,
                f"floor read all {contacts:,} contacts": floor.ok and floor.records == contacts,
                "no 429 from the sandbox": rejected == 0,
            },
        )
    )
    section.notes.append(
        f"Without start-up (run less `spec` time) the ratio would be "
        f"{floor.seconds / max(ours.seconds - startup, 0.01):.2f}x."
    )
    section.notes.append(
        f"Page size {PAGE_SIZE} for both; ours with its default settings (pages in flight adapt to "
        "the latency, up to concurrent_requests, 16 by default; no max_requests_per_second). The "
        "busiest second is read from the sandbox's request counter, sampled every 50 ms during our read."
    )
    for label, run in (("floor", floor), ("ours", ours)):
        if not run.ok or run.records != contacts:
            section.notes.append(
                f"{label}: {run.records:,} records (expected {contacts:,}); {run.describe_failure()}"
            )
    section.plot = BarChart(
        filename="source_latency.png",
        title=f"Full read of {contacts:,} contacts with +{LATENCY_MS} ms a request (lower is better)",
        unit="s",
        bars={"sequential floor": floor.seconds, "source-custom-contacts": ours.seconds},
        highlight={"source-custom-contacts"},
        limits={"target: floor ÷ 5": floor.seconds / 5},
    )
    return (section,)
