"""The one shape of a scenario: reset the data, run the programs, build the sections from what ran.

A scenario plugs in its parts: how many contacts it needs, `run` (the programs, through
`program`, and whatever else it measures meanwhile) and `sections` (figures, notes and plots
from what `run` kept). Every run that failed, or that read fewer records than it should, is
noted in each section the scenario fills, so no figure stands on a broken run unremarked.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from benchmarks.context import Bench
from benchmarks.results import Section
from benchmarks.runner import ChildRun


class Scenario:
    # The field of `Sizes` that says how many contacts the scenario needs.
    size: str

    @classmethod
    def on(cls, bench: Bench) -> tuple[Section, ...]:
        return cls(bench, getattr(bench.sizes, cls.size)).measure()

    def __init__(self, bench: Bench, contacts: int) -> None:
        self.bench = bench
        self.contacts = contacts
        self.runs: dict[str, ChildRun] = {}
        # The records each run should emit, where the scenario counts them.
        self._expected: dict[str, int] = {}
        # Runs arranged to fail: their failure is the measurement, not a note.
        self._meant_to_fail: set[str] = set()

    def measure(self) -> tuple[Section, ...]:
        self.bench.reset(self.contacts)
        self.run()
        sections = self.sections()
        for section in sections:
            section.notes += self._failures()
        return sections

    def run(self) -> None:
        raise NotImplementedError

    def sections(self) -> tuple[Section, ...]:
        raise NotImplementedError

    def program(
        self,
        label: str,
        argv: Sequence[str],
        folder: Path,
        *,
        expected: int | None = None,
        stdin: Path | None = None,
        meant_to_fail: bool = False,
    ) -> ChildRun:
        """Runs one program in `folder` (from `bench.workdir`), kept under `label`."""
        run = self.runs[label] = self.bench.run(argv, folder, stdin=stdin)
        if meant_to_fail:
            self._meant_to_fail.add(label)
        if expected is not None:
            self._expected[label] = expected
        return run

    def read_all(self, *labels: str) -> dict[str, bool]:
        """The checks that these runs emitted every record they should have."""
        return {
            f"{label} read all {self._expected[label]:,} contacts": self.emitted_all(label)
            for label in labels
        }

    def emitted_all(self, label: str) -> bool:
        """The run under `label` finished cleanly with every record it should have emitted."""
        run = self.runs[label]
        return run.ok and run.records == self._expected.get(label, run.records)

    def _failures(self) -> list[str]:
        return [
            f"{label}: {run.records:,} records"
            + (f" (expected {self._expected[label]:,})" if label in self._expected else "")
            + f"; {run.describe_failure()}"
            for label, run in self.runs.items()
            if not self.emitted_all(label) and label not in self._meant_to_fail
        ]
