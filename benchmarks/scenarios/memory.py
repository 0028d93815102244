"""Section 6: peak RSS of each connector for a small and a ten-times larger data set."""

from __future__ import annotations

from benchmarks import configs, records, subjects
from benchmarks.plots import BarChart
from benchmarks.results import Section, at_most
from benchmarks.scenarios.base import Scenario

# The destination runs in dry-run mode: it reads the target, maps, batches, indexes and decides
# every record as in a real sync, and only leaves out the writes. Writing 100,000 contacts one
# request each would take minutes on this machine; the write path holds no more than the
# requests in flight, whatever the size of the data, and section 5 runs it for real.
DESTINATION_TARGET = "client_contacts"
MIB = 1024 * 1024


class Memory(Scenario):
    size = "memory_small"

    def run(self) -> None:
        bench = self.bench
        self.counts = (bench.sizes.memory_small, bench.sizes.memory_large)
        for count in self.counts:
            if count != self.contacts:
                bench.reset(count)
            folder = bench.workdir(f"memory-source-{count}")
            config = configs.source_config(bench.sandbox_url, page_size=1000)
            self.program(f"source at {count:,}", subjects.our_read(folder, config), folder, expected=count)
        config = configs.destination_config(bench.sandbox_url, target=DESTINATION_TARGET)
        config["dry_run"] = True
        for count in self.counts:
            bench.reset(contacts=10)
            folder = bench.workdir(f"memory-destination-{count}")
            input_path = records.write_messages(folder / "input.jsonl", count)
            argv = subjects.destination_write(folder, config)
            self.program(f"destination at {count:,}", argv, folder, stdin=input_path)
            input_path.unlink()

    def sections(self) -> tuple[Section, ...]:
        small, large = self.counts
        section = Section("memory", "6. Memory")
        bars: dict[str, float] = {}
        for short, name in (
            ("source", "source-custom-contacts read"),
            ("destination", "destination-crm-contacts write"),
        ):
            runs = {count: self.runs[f"{short} at {count:,}"] for count in self.counts}
            small_mib, large_mib = runs[small].peak_rss_bytes / MIB, runs[large].peak_rss_bytes / MIB
            checks = {f"{name} ran cleanly at {count:,}": runs[count].ok for count in self.counts}
            if short == "source":
                checks.update(
                    {f"read all {count:,} contacts": runs[count].records == count for count in self.counts}
                )
            section.add_figure(
                name=f"peak RSS of {name}, {large:,} ÷ {small:,} contacts",
                ratio=large_mib / small_mib,
                target=at_most(1.10),
                context=(
                    f"{small_mib:.0f} MiB at {small:,} ({runs[small].seconds:.1f} s), "
                    f"{large_mib:.0f} MiB at {large:,} ({runs[large].seconds:.1f} s)"
                ),
                checks=checks,
            )
            bars[f"{short}, {small:,}"] = small_mib
            bars[f"{short}, {large:,}"] = large_mib
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
