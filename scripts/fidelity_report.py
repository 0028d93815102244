"""Summarise a fidelity run (the `fidelity.json` the fidelity test writes) as Markdown.

.venv/bin/pytest tests/test_fidelity.py -k random --basetemp=/tmp/fidelity
.venv/bin/python scripts/fidelity_report.py /tmp/fidelity/test_*0/fidelity.json
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

COUNTED = ("created", "updated", "unchanged", "deleted", "already_gone", "rejected")
CHECK = re.compile(r"(\d+) (missing|extra|stale|duplicated)")


def summarise(cycles: list[dict[str, Any]]) -> str:
    churn: Counter[str] = Counter()
    during: Counter[str] = Counter()
    faults_on: Counter[str] = Counter()
    totals: dict[str, Counter[str]] = {}
    answers: dict[str, Counter[str]] = {}
    failed_attempts = 0
    problems: Counter[str] = Counter()
    for cycle in cycles:
        churn.update({key: value for key, value in cycle["churn"].items() if key != "seed"})
        during.update({key: value for key, value in cycle["churn_during_sync"].items() if key != "seed"})
        failed_attempts += sum(1 for attempt in cycle["attempts"] if attempt != "ok")
        for api, faults in cycle["faults"].items():
            for name, value in faults.items():
                if value and name not in ("retry_after_seconds", "late_create_delay_s"):
                    faults_on[f"{api}.{name}"] += 1
        for target, counts in cycle["totals"].items():
            totals.setdefault(target, Counter()).update({name: counts.get(name, 0) for name in COUNTED})
        for api, statuses in cycle.get("answers", {}).items():
            answers.setdefault(api, Counter()).update(statuses)
        for check in cycle["checks"].values():
            for count, kind in CHECK.findall(check):
                problems[kind] += int(count)
    mid_read = sum(1 for cycle in cycles if cycle["churn_during_sync"])
    lines = [
        f"- cycles: {len(cycles)} (one full sync, then {len(cycles) - 1} incremental), "
        f"{sum(cycle['records_read'] for cycle in cycles)} records read",
        f"- churn between syncs: {churn['create']} created, {churn['update']} updated, "
        f"{churn['delete']} deleted",
        f"- churn while a read ran ({mid_read} cycles): {during['create']} created, "
        f"{during['update']} updated, {during['delete']} deleted",
        f"- failed attempts retried: {failed_attempts}",
        "- differences after the cycles: "
        + ", ".join(f"{problems[kind]} {kind}" for kind in ("missing", "extra", "stale", "duplicated")),
        "",
        "| target | " + " | ".join(name.replace("_", " ") for name in COUNTED) + " |",
        "|---|" + "---:|" * len(COUNTED),
    ]
    for target, counts in totals.items():
        lines.append(f"| {target} | " + " | ".join(str(counts[name]) for name in COUNTED) + " |")
    lines += ["", "| fault | cycles on |", "|---|---:|"]
    lines += [f"| {name} | {count} |" for name, count in sorted(faults_on.items())]
    if answers:
        statuses = sorted({status for counts in answers.values() for status in counts})
        lines += ["", "| API | " + " | ".join(statuses) + " |", "|---|" + "---:|" * len(statuses)]
        for api, counts in answers.items():
            lines.append(f"| {api} | " + " | ".join(str(counts[status]) for status in statuses) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("report", type=Path, help="fidelity.json written by the fidelity test")
    args = parser.parse_args()
    print(summarise(json.loads(args.report.read_text())))


if __name__ == "__main__":
    main()
