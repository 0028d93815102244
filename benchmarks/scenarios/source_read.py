"""Sections 1 and 2: a full read of the source against the floor and against two peers."""

from __future__ import annotations

from benchmarks import configs, subjects
from benchmarks.context import Bench
from benchmarks.plots import BarChart
from benchmarks.results import Section, at_most
from benchmarks.sandbox import route_count
from benchmarks.scenarios.base import Scenario

PAGE_SIZE = 1000


class SourceRead(Scenario):
    size = "source_read"

    def run(self) -> None:
        bench, url = self.bench, self.bench.sandbox_url
        commands = {
            "floor": lambda folder: subjects.floor(url, PAGE_SIZE),
            "ours": lambda folder: subjects.our_read(folder, configs.source_config(url, page_size=PAGE_SIZE)),
            "declarative": lambda folder: subjects.declarative_read(folder, url, PAGE_SIZE),
            "tutorial": lambda folder: subjects.tutorial_read(folder, url, PAGE_SIZE),
        }
        self.pages: dict[str, int] = {}
        bench.admin.reset_stats()
        for label, command in commands.items():
            folder = bench.workdir(label)
            self.program(label, command(folder), folder, expected=self.contacts)
            self.pages[label] = route_count(bench.admin.stats(), "custom", "GET", "/contacts")
            bench.admin.reset_stats()
        self.startup = _startup_seconds(bench)

    def sections(self) -> tuple[Section, ...]:
        runs, contacts, startup = self.runs, self.contacts, self.startup
        floor_s, ours_s = runs["floor"].seconds, runs["ours"].seconds
        overhead = Section("source_floor", "1. Source overhead against the floor")
        overhead.add_figure(
            name=f"source-custom-contacts read ÷ floor, {contacts:,} contacts",
            ratio=ours_s / floor_s,
            target=at_most(1.5),
            context=(
                f"ours {runs['ours'].cpu_text()}; floor {runs['floor'].cpu_text()}; "
                f"start-up alone: ours {startup['ours']:.2f} s, floor {startup['floor']:.2f} s"
            ),
            checks=self.read_all("ours", "floor"),
        )
        cpu = {label: run.cpu_seconds for label, run in runs.items()}
        overhead.notes.append(
            "CPU time, steadier than wall time on a busy machine: "
            f"ours ÷ floor = {cpu['ours'] / cpu['floor']:.2f}x."
        )
        overhead.notes.append(
            f"Without start-up (run less `spec` time) the ratio would be "
            f"{(ours_s - startup['ours']) / (floor_s - startup['floor']):.2f}x; start-up alone is "
            f"{startup['ours'] / floor_s:.0%} of the floor's whole read."
        )
        peers = Section("source_peers", "2. Source against its peers")
        for label, title in (
            ("declarative", "low-code manifest"),
            ("tutorial", "tutorial HttpStream source"),
        ):
            peer_s = runs[label].seconds
            peers.add_figure(
                name=f"source-custom-contacts ÷ {title}, {contacts:,} contacts",
                ratio=ours_s / peer_s,
                target=at_most(0.5),
                context=f"ours {runs['ours'].cpu_text()}; {title} {runs[label].cpu_text()}",
                checks=self.read_all("ours", label),
            )
        peers.notes.append(
            "CPU time, steadier than wall time on a busy machine: "
            f"ours ÷ low-code = {cpu['ours'] / cpu['declarative']:.2f}x, "
            f"ours ÷ tutorial = {cpu['ours'] / cpu['tutorial']:.2f}x."
        )
        for section in (overhead, peers):
            section.notes.append(
                "Every run is a separate process timed from spawn to exit (start-up included), "
                "its stdout written to a memory-backed file and counted afterwards; "
                f"page size {PAGE_SIZE} for all. Requests to /contacts: "
                + ", ".join(f"{label} {count}" for label, count in self.pages.items())
                + ". Start-up alone (the `spec` command): "
                + ", ".join(f"{label} {seconds:.2f} s" for label, seconds in startup.items())
                + "."
            )
        labels = {
            "floor": "floor (requests + orjson)",
            "ours": "source-custom-contacts",
            "declarative": "low-code manifest",
            "tutorial": "tutorial HttpStream",
        }
        overhead.plot = BarChart(
            filename="source_read.png",
            title=f"Full read of {contacts:,} contacts, start-up included (lower is better)",
            unit="s",
            bars={labels[label]: run.seconds for label, run in runs.items()},
            highlight={labels["ours"]},
            limits={"target: 1.5 x floor": 1.5 * floor_s},
        )
        return overhead, peers


def _startup_seconds(bench: Bench) -> dict[str, float]:
    """How long each program takes to start and answer `spec`: the fixed part of every run."""
    commands = {
        "floor": [configs.PYTHON, "-c", "import orjson, requests"],
        "ours": [configs.SOURCE, "spec"],
        "declarative": [configs.DECLARATIVE, "spec"],
        "tutorial": [configs.PYTHON, "-m", "benchmarks.peers.tutorial_source", "spec"],
    }
    return {
        label: bench.run(argv, bench.workdir(f"spec-{label}")).seconds for label, argv in commands.items()
    }
