"""How the demo talks to a person: headings, a live progress line, small tables."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from connector_pair.sync import Progress

TARGET_TITLES = {"crm": "CRM", "client_contacts": "Client Contacts"}
COUNT_COLUMNS = ("created", "updated", "unchanged", "deleted", "already_gone", "rejected")


class Console:
    def __init__(self, stream=sys.stdout) -> None:  # type: ignore[no-untyped-def]
        self.stream = stream
        self.live = stream.isatty()
        self._progress_shown = False
        self._last_line = 0.0

    def _bold(self, text: str) -> str:
        return f"\033[1m{text}\033[0m" if self.live else text

    def line(self, text: str = "") -> None:
        self._clear_progress()
        print(text, file=self.stream, flush=True)

    def heading(self, text: str) -> None:
        self.line()
        self.line(self._bold(text))
        self.line("=" * len(text))

    def step(self, number: str, text: str) -> None:
        self.line()
        self.line(self._bold(f"{number}. {text}"))

    def connector_progress(self, who: str, line: str) -> None:
        """A connector's own progress line, above the live counter."""
        self.line(f"  {who:>11} | {line}")

    def progress(self, progress: Progress) -> None:
        text = (
            f"  ... {progress.records_read} records read, "
            f"{progress.records_confirmed} written and confirmed ({progress.states_confirmed} states)"
        )
        if not self.live:
            # Into a log: a line every few seconds rather than a line redrawn in place.
            now = time.monotonic()
            if now - self._last_line >= 5:
                self._last_line = now
                self.line(text)
            return
        self.stream.write("\r" + text.ljust(90))
        self.stream.flush()
        self._progress_shown = True

    def _clear_progress(self) -> None:
        if self._progress_shown:
            self.stream.write("\r" + " " * 90 + "\r")
            self.stream.flush()
            self._progress_shown = False

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]], indent: str = "  ") -> None:
        cells = [[str(value) for value in header]] + [[str(value) for value in row] for row in rows]
        widths = [max(len(row[column]) for row in cells) for column in range(len(header))]
        for number, row in enumerate(cells):
            text = "  ".join(
                value.rjust(width) if value.isdigit() else value.ljust(width)
                for value, width in zip(row, widths, strict=True)
            )
            self.line(indent + text.rstrip())
            if number == 0:
                self.line(indent + "  ".join("-" * width for width in widths))

    def counts(self, totals: dict[str, dict[str, int]]) -> None:
        rows = [
            [TARGET_TITLES.get(target, target), *(counts.get(column, 0) for column in COUNT_COLUMNS)]
            for target, counts in totals.items()
        ]
        self.table(["target", *(column.replace("_", " ") for column in COUNT_COLUMNS)], rows)
