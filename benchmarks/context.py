"""What every scenario shares: the sandbox, a scratch folder, the sizes of this run."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.paths import REPO
from benchmarks.runner import ChildRun, run_child, scratch_dir
from benchmarks.sandbox import cpu_seconds
from contacts_sandbox.testing import AdminClient


@dataclass(frozen=True)
class Sizes:
    """How much data each scenario moves. The full sizes are the ones the targets speak of."""

    source_read: int = 200_000
    latency_read: int = 20_000
    incremental_base: int = 50_000
    upserts: int = 10_000
    # The sequential writer is timed on this many upserts and scaled: one request after another,
    # its time is linear in the count, and timing all 10,000 would take minutes per target.
    sequential_sample: int = 500
    rate_limited_upserts: int = 600
    memory_small: int = 10_000
    memory_large: int = 100_000


FULL = Sizes()
QUICK = Sizes(
    source_read=20_000,
    latency_read=5_000,
    incremental_base=10_000,
    upserts=1_000,
    sequential_sample=200,
    rate_limited_upserts=200,
    memory_small=2_000,
    memory_large=20_000,
)


class Bench:
    def __init__(
        self, sandbox_url: str, admin: AdminClient, sizes: Sizes, sandbox_pid: int | None = None
    ) -> None:
        self.sandbox_url = sandbox_url
        self.sandbox_pid = sandbox_pid
        self.admin = admin
        self.sizes = sizes
        self.scratch = scratch_dir()
        self._runs = 0
        # (contacts seeded, seconds): seeding is the sandbox's cost, not the connectors'.
        self.resets: list[tuple[int, float]] = []
        # The peers are modules of this package: make it importable whatever the caller's folder.
        self.env = dict(os.environ)
        self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), self.env.get("PYTHONPATH")]))

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    def workdir(self, name: str) -> Path:
        self._runs += 1
        folder = self.scratch / f"{self._runs:02d}-{name}"
        folder.mkdir()
        return folder

    def reset(self, contacts: int) -> None:
        """Fresh data, no faults, zeroed counters, and a new second on the clock.

        The delta endpoint is inclusive of the second of its timestamp: starting a read in the
        second the data was seeded would make every seeded contact look changed.
        """
        began = time.perf_counter()
        self.admin.reset(contacts=contacts)
        self.resets.append((contacts, time.perf_counter() - began))
        self.next_second()

    @staticmethod
    def next_second() -> None:
        """Waits for the next second of the clock: the API's times are whole seconds, so a read
        that begins in the second of a change cannot tell it from one made while it reads."""
        time.sleep(1.05 - time.time() % 1.0)

    def run(self, argv: Sequence[str], workdir: Path, *, stdin: Path | None = None) -> ChildRun:
        """Run one program to completion; notes the CPU time the sandbox spent serving it."""
        before = self._sandbox_cpu()
        run = run_child(argv, workdir=workdir, stdin_path=stdin, env=self.env, cwd=REPO)
        after = self._sandbox_cpu()
        if before is not None and after is not None:
            run.sandbox_cpu_seconds = after - before
        return run

    def _sandbox_cpu(self) -> float | None:
        return None if self.sandbox_pid is None else cpu_seconds(self.sandbox_pid)
