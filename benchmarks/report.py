"""Print the figures as they come, and write them into the Markdown report with its plots."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from benchmarks.findings import FINDINGS, METHOD
from benchmarks.results import Figure, Section


def print_section(section: Section) -> None:
    print(f"\n{section.title}  ({section.seconds:.0f} s)", flush=True)
    for figure in section.figures:
        print(f"  {figure_line(figure)}", flush=True)
    for note in section.notes:
        if "expected" in note or "failed" in note:
            print(f"    note: {note}", flush=True)


def figure_line(figure: Figure) -> str:
    line = f"{figure.name}: {figure.ratio_text()}  target {figure.target}  [{figure.verdict()}]"
    if figure.context:
        line += f"  ({figure.context})"
    if figure.failed_checks:
        line += "  failed: " + "; ".join(figure.failed_checks)
    if figure.error:
        line += f"  error: {figure.error}"
    return line


def print_summary(sections: Sequence[Section]) -> None:
    figures = [figure for section in sections for figure in section.figures]
    met = sum(figure.passed for figure in figures)
    print(f"\n{met} of {len(figures)} targets met.", flush=True)


def write(
    folder: Path,
    sections: Sequence[Section],
    *,
    machine: dict[str, str],
    started: str,
    seconds: float,
    mode: str,
    run_notes: Sequence[str] = (),
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m benchmarks`); do not edit by hand. Every figure is a "
        "ratio of two programs measured in the same run against the same sandbox, because the "
        "machine is shared and noisy; absolute times are only context.",
        "",
        f"Run: {started}, {mode}, {seconds / 60:.1f} minutes in all.",
        *[f"{note}" for note in run_notes],
        "",
        "## Machine",
        "",
        *[f"- {name}: {value}" for name, value in machine.items()],
        "",
        "## Figures",
        "",
        "| section | figure | ratio | target | result | context |",
        "|---|---|---|---|---|---|",
    ]
    for section in sections:
        for figure in section.figures:
            result = figure.verdict()
            if figure.failed_checks:
                result += " (" + "; ".join(figure.failed_checks) + ")"
            lines.append(
                f"| {section.title.split('.')[0]} | {figure.name} | {figure.ratio_text()} | "
                f"{figure.target} | {result} | {figure.context} |"
            )
    for section in sections:
        lines += ["", f"## {section.title}", ""]
        if section.plot is not None:
            section.plot.draw(folder)
            lines += [f"![{section.plot.title}]({section.plot.filename})", ""]
        for figure in section.figures:
            lines.append(f"- {figure_line(figure)}")
        if section.notes:
            lines.append("")
            lines += [f"- {note}" for note in section.notes]
        if section.key in METHOD:
            lines += ["", f"How: {METHOD[section.key]}"]
        if any(not figure.passed for figure in section.figures) and section.key in FINDINGS:
            lines += ["", "### Why it misses, and what would close it", "", FINDINGS[section.key]]
    path = folder / "REPORT.md"
    path.write_text("\n".join(lines) + "\n")
    return path
