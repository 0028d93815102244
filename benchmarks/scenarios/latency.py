"""Section 3: a full read when every request of the API takes 50 ms more, with the default settings."""

from __future__ import annotations

from benchmarks import configs, subjects
from benchmarks.plots import BarChart
from benchmarks.results import Section, at_least
from benchmarks.sandbox import RateWatch, status_count, total_requests
from benchmarks.scenarios.base import Scenario

LATENCY_MS = 50
# Small pages make latency, not transfer, the cost of a read: the case concurrency is for.
PAGE_SIZE = 100
# Ours with the settings a user who changes nothing gets: pages in flight adapt to the latency,
# up to the default `concurrent_requests`, with no `max_requests_per_second`.


class Latency(Scenario):
    size = "latency_read"

    def run(self) -> None:
        bench, admin = self.bench, self.bench.admin
        admin.set_faults("custom", latency_ms=LATENCY_MS)

        admin.reset_stats()
        argv = subjects.floor(bench.sandbox_url, PAGE_SIZE)
        self.program("floor", argv, bench.workdir("latency-floor"), expected=self.contacts)
        self.floor_requests = total_requests(admin.stats(), "custom")

        admin.reset_stats()
        folder = bench.workdir("latency-ours")
        argv = subjects.our_read(folder, configs.source_config(bench.sandbox_url, page_size=PAGE_SIZE))
        with RateWatch(admin, "custom") as self.watch:
            self.program("ours", argv, folder, expected=self.contacts)
        self.stats = admin.stats()
        self.startup = bench.run([configs.SOURCE, "spec"], bench.workdir("latency-spec")).seconds

    def sections(self) -> tuple[Section, ...]:
        contacts, floor, ours, watch = self.contacts, self.runs["floor"], self.runs["ours"], self.watch
        rejected = status_count(self.stats, "custom", 429)
        section = Section("latency", "3. Source under latency")
        section.add_figure(
            name=(
                f"sequential floor ÷ source-custom-contacts, {contacts:,} contacts, "
                f"+{LATENCY_MS} ms a request"
            ),
            ratio=floor.seconds / ours.seconds,
            # In time, ours at most 0.20 of the floor.
            target=at_least(5),
            context=(
                f"floor {floor.cpu_text()} ({self.floor_requests} requests); "
                f"ours {ours.cpu_text()} ({total_requests(self.stats, 'custom')} requests at "
                f"{watch.active_rate():.0f}/s, busiest second {watch.busiest_second()}, "
                f"{rejected} x 429); start-up alone {self.startup:.2f} s"
            ),
            checks={**self.read_all("ours", "floor"), "no 429 from the sandbox": rejected == 0},
        )
        section.notes.append(
            f"Without start-up (run less `spec` time) the ratio would be "
            f"{floor.seconds / max(ours.seconds - self.startup, 0.01):.2f}x."
        )
        section.notes.append(
            f"Page size {PAGE_SIZE} for both; ours with its default settings (pages in flight adapt to "
            "the latency, up to concurrent_requests, 16 by default; no max_requests_per_second). The "
            "busiest second is read from the sandbox's request counter, sampled every 50 ms during our read."
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
