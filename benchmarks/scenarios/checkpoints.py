"""Section 7: what checkpoints cost a full read, and what a read that failed at 90% reads again."""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any

from benchmarks import configs
from benchmarks.results import Section, at_most
from benchmarks.sandbox import route_count
from benchmarks.scenarios.base import Scenario

PAGE_SIZE = 100
RUNS = 5
FAILS_AT = 0.9
PROGRAM = [configs.PYTHON, "-m", "benchmarks.checkpointed_source"]


class Checkpoints(Scenario):
    size = "source_read"

    def run(self) -> None:
        config = configs.source_config(self.bench.sandbox_url, page_size=PAGE_SIZE)
        # Alternating, so that whatever else the machine does weighs on both alike.
        for run in range(RUNS):
            for label, flags in (("with", []), ("without", ["--no-checkpoints"])):
                folder = self.bench.workdir(f"checkpoints-{label}-{run}")
                argv = self._read(folder, config, flags, incremental=False)
                self.program(f"{label} checkpoints {run + 1}", argv, folder, expected=self.contacts)
        self._fail_and_resume(config)

    def _fail_and_resume(self, config: dict[str, Any]) -> None:
        admin = self.bench.admin
        self.pages = math.ceil(self.contacts / PAGE_SIZE)
        # The token, then 90% of the pages; a first incremental read, into a deduplicating
        # destination: a read that resumes (one into `overwrite` starts over).
        admin.set_faults("custom", outage_from_request=1 + int(FAILS_AT * self.pages))
        admin.reset_stats()
        folder = self.bench.workdir("checkpoints-failed")
        failed = self.program(
            "failed at 90%",
            self._read(folder, config, ["--no-retries"], incremental=True),
            folder,
            meant_to_fail=True,
        )
        self.failed_pages = route_count(admin.stats(), "custom", "GET", "/contacts")
        admin.clear_faults()
        admin.reset_stats()
        if not failed.states:
            raise RuntimeError(f"the read that failed emitted no checkpoint: {failed.describe_failure()}")
        folder = self.bench.workdir("checkpoints-resumed")
        argv = self._read(folder, config, [], incremental=True, state=failed.states[-1])
        self.program("resumed", argv, folder)
        self.resumed_pages = route_count(admin.stats(), "custom", "GET", "/contacts")

    def _read(
        self,
        folder: Path,
        config: dict[str, Any],
        flags: list[str],
        *,
        incremental: bool,
        state: dict[str, Any] | None = None,
    ) -> list[str]:
        stream = configs.discover_contacts_stream(configs.write_json(folder / "config.json", config))
        catalog = configs.contacts_catalog(stream, incremental=incremental)
        argv = [*PROGRAM, "read", "--config", str(folder / "config.json")]
        argv += ["--catalog", str(configs.write_json(folder / "catalog.json", catalog)), *flags]
        if state is not None:
            argv += ["--state", str(configs.write_json(folder / "state.json", [state]))]
        return argv

    def sections(self) -> tuple[Section, ...]:
        cpu = {
            label: statistics.median(
                self.runs[f"{label} checkpoints {n + 1}"].cpu_seconds for n in range(RUNS)
            )
            for label in ("with", "without")
        }
        states = [len(self.runs[f"with checkpoints {n + 1}"].states) for n in range(RUNS)]
        section = Section("checkpoints", "7. Checkpoints and resumed reads")
        section.add_figure(
            name=(
                f"CPU of a full read of {self.contacts:,} contacts with checkpoints ÷ without "
                f"(median of {RUNS})"
            ),
            ratio=cpu["with"] / cpu["without"],
            target=at_most(1.03),
            context=(
                f"with {cpu['with']:.2f} s, without {cpu['without']:.2f} s; "
                f"{max(states)} STATE messages a read"
            ),
            checks=self.read_all(
                *(f"{label} checkpoints {n + 1}" for label in ("with", "without") for n in range(RUNS))
            ),
        )
        read_twice = self.failed_pages + self.resumed_pages - self.pages
        section.add_figure(
            name=f"pages read twice after a read failed at {FAILS_AT:.0%} ÷ its pages",
            ratio=max(0, read_twice) / self.pages,
            target=at_most(0.15),
            context=(
                f"{self.pages:,} pages; the failed attempt asked {self.failed_pages:,}, the resumed one "
                f"{self.resumed_pages:,}"
            ),
            checks={
                "the first attempt failed, as arranged": not self.runs["failed at 90%"].ok,
                "the resumed read finished": self.runs["resumed"].ok,
                "every contact was read across the two attempts": (
                    self.runs["failed at 90%"].records + self.runs["resumed"].records >= self.contacts
                ),
            },
        )
        section.notes.append(
            f"Pages of {PAGE_SIZE}, checkpoints every 10,000 records or minute; the failed read stops on "
            "a 503 from the sandbox's `outage_from_request` fault, with no retries, and the resumed one "
            "is given its last STATE."
        )
        return (section,)
