"""Section 6: peak RSS of each connector for a small and a ten-times larger data set."""

from __future__ import annotations

from pathlib import Path

from benchmarks import configs, records, subjects
from benchmarks.context import Bench
from benchmarks.plots import BarChart
from benchmarks.results import Figure, Section, at_most
from benchmarks.runner import ChildRun

# The destination runs in dry-run mode: it reads the target, maps, batches, indexes and decides
# every record as in a real sync, and only leaves out the writes. Writing 100,000 contacts one
# request each would take minutes on this machine; the write path holds no more than the
# requests in flight, whatever the size of the data, and section 5 runs it for real.
DESTINATION_TARGET = "client_contacts"
MIB = 1024 * 1024


def measure(bench: Bench) -> tuple[Section]:
    small, large = bench.sizes.memory_small, bench.sizes.memory_large
    section = Section("memory", "6. Memory")
    bars: dict[str, float] = {}

    source_runs: dict[int, ChildRun] = {}
    for count in (small, large):
        bench.reset(count)
        folder = bench.workdir(f"memory-source-{count}")
        config = configs.source_config(bench.sandbox_url, page_size=1000)
        source_runs[count] = bench.run(subjects.our_read(folder, config), folder)
    destination_runs: dict[int, ChildRun] = {}
    for count in (small, large):
        bench.reset(contacts=10)
        folder = bench.workdir(f"memory-destination-{count}")
        input_path = records.write_messages(folder / "input.jsonl", count)
        destination_runs[count] = _write(bench, folder, input_path)
        input_path.unlink()

    for name, runs in (
        ("source-custom-contacts read", source_runs),
        ("destination-crm-contacts write", destination_runs),
    ):
        small_mib = runs[small].peak_rss_bytes / MIB
        large_mib = runs[large].peak_rss_bytes / MIB
        checks = {f"{name} ran cleanly at {count:,}": runs[count].ok for count in (small, large)}
        if name.startswith("source"):
            checks.update(
                {f"read all {count:,} contacts": runs[count].records == count for count in (small, large)}
            )
        section.figures.append(
            Figure(
                section=section.key,
                name=f"peak RSS of {name}, {large:,} ÷ {small:,} contacts",
                ratio=large_mib / small_mib,
                target=at_most(1.10),
                context=(
                    f"{small_mib:.0f} MiB at {small:,} ({runs[small].seconds:.1f} s), "
                    f"{large_mib:.0f} MiB at {large:,} ({runs[large].seconds:.1f} s)"
                ),
                extra_checks=checks,
            )
        )
        short = name.split()[0]
        bars[f"{short}, {small:,}"] = small_mib
        bars[f"{short}, {large:,}"] = large_mib
        for count, run in runs.items():
            if not run.ok:
                section.notes.append(f"{name} at {count:,}: {run.describe_failure()}")
    section.notes.append(
        "Peak RSS is the program's own high-water mark (`VmHWM`, read from /proc every ~20 ms "
        "while it runs; `ru_maxrss` would carry the benchmark's own memory in), one fresh "
        "process per run. The "
        f"destination runs against {DESTINATION_TARGET} with `dry_run` on: every record is read, "
        "mapped, batched and decided as in a real sync, only the writes are left out (100,000 real "
        "creates would take minutes here; section 5 exercises the write path)."
    )
    section.plot = BarChart(
        filename="memory.png",
        title="Peak RSS per run (MiB): flat bars mean nothing grows with the data",
        unit="MiB",
        bars=bars,
        highlight={label for label in bars if label.endswith(f"{large:,}")},
    )
    return (section,)


def _write(bench: Bench, folder: Path, input_path: Path) -> ChildRun:
    config = configs.destination_config(bench.sandbox_url, target=DESTINATION_TARGET)
    config["dry_run"] = True
    return bench.run(subjects.destination_write(folder, config), folder, stdin=input_path)
