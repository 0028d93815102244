"""`make bench`: measure the connectors against the sandbox and write benchmarks/REPORT.md.

python -m benchmarks                  # the full run; rewrites benchmarks/REPORT.md and its plots
python -m benchmarks --quick          # small sizes, a smoke run; writes to .bench/ instead
python -m benchmarks --only source_floor,memory
python -m benchmarks --sandbox-url http://127.0.0.1:8765   # reuse a running sandbox (its data is reset)
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import machine, report
from benchmarks.context import FULL, QUICK, Bench
from benchmarks.paths import BENCHMARKS, REPO
from benchmarks.results import Figure, Section, at_most
from benchmarks.sandbox import admin_client, running_sandbox
from benchmarks.scenarios import checkpoints, destination, incremental, latency, memory, source_read

Scenario = Callable[[Bench], tuple[Section, ...]]

# In report order. A scenario may fill more than one section.
SCENARIOS: dict[str, tuple[str, Scenario]] = {
    "source_read": ("1-2. Source against the floor and its peers", source_read.SourceRead.on),
    "latency": ("3. Source under latency", latency.Latency.on),
    "incremental": ("4. Incremental cost", incremental.Incremental.on),
    "destination": ("5. Destination throughput", destination.measure),
    "memory": ("6. Memory", memory.Memory.on),
    "checkpoints": ("7. Checkpoints and resumed reads", checkpoints.Checkpoints.on),
}


def _stop_on_sigterm(signum: int, frame: object) -> None:
    # Unwinds like Ctrl-C, so the sandbox and any running connector are stopped on the way out.
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of every path")
    parser.add_argument("--only", help=f"comma-separated scenarios among: {', '.join(SCENARIOS)}")
    parser.add_argument("--sandbox-url", help="use this running sandbox instead of starting one")
    parser.add_argument("--output", type=Path, help="folder of REPORT.md and plots")
    args = parser.parse_args(argv)

    chosen = list(SCENARIOS) if not args.only else [name.strip() for name in args.only.split(",")]
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose among {', '.join(SCENARIOS)}")
    sizes = QUICK if args.quick else FULL
    # Only a full run of every scenario replaces the report kept in the repository.
    complete = not args.quick and not args.only
    output = args.output or (BENCHMARKS if complete else REPO / ".bench")

    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    about_machine = machine.describe()
    started = time.perf_counter()
    sections: list[Section] = []
    run_notes: list[str] = []
    with ExitStack() as stack:
        if args.sandbox_url:
            url, admin, pid = args.sandbox_url.rstrip("/"), admin_client(args.sandbox_url), None
        else:
            print("Starting the sandbox...", flush=True)
            url, admin, pid = stack.enter_context(running_sandbox(contacts=10))
        bench = Bench(url, admin, sizes, sandbox_pid=pid)
        stack.callback(bench.close)
        for name in chosen:
            title, scenario = SCENARIOS[name]
            print(f"\n== {title}", flush=True)
            began = time.perf_counter()
            try:
                produced = scenario(bench)
            except Exception as error:  # a broken scenario is reported, the others still run
                traceback.print_exc()
                produced = (_broken(name, title, error),)
            for section in produced:
                section.seconds = time.perf_counter() - began
                report.print_section(section)
            sections += produced
        seeding = sum(seconds for _, seconds in bench.resets)
        largest = sorted(bench.resets, reverse=True)[:3]
        run_notes.append(
            f"Of which {seeding:.0f} s went into reseeding the sandbox {len(bench.resets)} times "
            "(the largest: "
            + ", ".join(f"{contacts:,} contacts in {seconds:.1f} s" for contacts, seconds in largest)
            + ")."
        )
    seconds = time.perf_counter() - started
    run_notes.append(
        f"Load average at the end: {machine.load_average()} (the cores are shared: "
        "other work on the machine slows every program, which is why only ratios are targets)."
    )

    path = report.write(
        output,
        sections,
        machine=about_machine,
        started=started_at,
        seconds=seconds,
        mode="quick smoke run (small sizes)" if args.quick else "full sizes",
        run_notes=run_notes,
    )
    report.print_summary(sections)
    print(f"Report: {path} ({seconds / 60:.1f} minutes)", flush=True)
    return 1 if any(figure.error for section in sections for figure in section.figures) else 0


def _broken(key: str, title: str, error: Exception) -> Section:
    figure = Figure(section=key, name=title, ratio=None, target=at_most(0), error=f"{error!r}"[:500])
    return Section(key, title, figures=[figure])


if __name__ == "__main__":
    sys.exit(main())
