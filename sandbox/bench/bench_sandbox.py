"""How many pages of 100 contacts a second the sandbox serves.

Starts `contacts-sandbox` as its own process, then drives `GET /custom/contacts?limit=100` from
several client processes over keep-alive connections, for a fixed number of pages, and writes
the figure into sandbox/BENCHMARK.md.

    .venv/bin/python sandbox/bench/bench_sandbox.py [--pages 20000] [--clients 4]
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import platform
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import orjson
import requests

from contacts_sandbox.machine import cpu_model
from contacts_sandbox.testing import SandboxProcess

PAGE_SIZE = 100
CONTACTS = 10_000
REPORT = Path(__file__).resolve().parent.parent / "BENCHMARK.md"


def client(
    url: str, token: str, first_page: int, pages: int, start: multiprocessing.synchronize.Event
) -> None:
    """Reads `pages` pages over one keep-alive connection, cycling through the data set."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"}
    page_count = CONTACTS // PAGE_SIZE
    start.wait()
    for n in range(pages):
        page = (first_page + n) % page_count + 1
        connection.request("GET", f"/custom/contacts?limit={PAGE_SIZE}&page={page}", headers=headers)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"page {page}: {response.status} {body[:200]!r}")
    connection.close()


def run(pages: int, clients: int) -> dict[str, float]:
    load_before = os.getloadavg()[0]
    with SandboxProcess(contacts=CONTACTS, seed=1) as sandbox:
        token = requests.get(
            f"{sandbox.url}/custom/token", auth=("test_id", "test_secret"), timeout=10
        ).json()["token"]
        first = requests.get(
            f"{sandbox.url}/custom/contacts",
            params={"limit": PAGE_SIZE, "page": 1},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert len(orjson.loads(first.content)["contacts"]) == PAGE_SIZE, "the sandbox must serve full pages"
        start = multiprocessing.Event()
        share = pages // clients
        workers = [
            multiprocessing.Process(target=client, args=(sandbox.url, token, index * 17, share, start))
            for index in range(clients)
        ]
        for worker in workers:
            worker.start()
        time.sleep(0.5)  # let every client connect and wait at the start line
        began = time.perf_counter()
        start.set()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - began
        if any(worker.exitcode for worker in workers):
            raise SystemExit("a client failed; see its output above")
    served = share * clients
    return {
        "pages": served,
        "seconds": elapsed,
        "pages_per_s": served / elapsed,
        "page_bytes": len(first.content),
        "load_before": load_before,
    }


RUNS_HEADING = "## Runs, newest first"
RUNS_KEPT = 12


def _earlier_runs() -> list[str]:
    """The rows of the runs table already in the report, so each run adds to the history."""
    if not REPORT.exists():
        return []
    lines = REPORT.read_text().splitlines()
    if RUNS_HEADING not in lines:
        return []
    table = lines[lines.index(RUNS_HEADING) + 1 :]
    return [line for line in table if line.startswith("| 2")]


def _commit() -> str:
    try:
        answer = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPORT.parent,
        )
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return answer.stdout.strip()


def write_report(result: dict[str, float], clients: int) -> str:
    pages_per_s = result["pages_per_s"]
    contacts_per_s = pages_per_s * PAGE_SIZE
    figure = f"**{pages_per_s:,.0f} pages/s** of {PAGE_SIZE} contacts (**{contacts_per_s:,.0f} contacts/s**)"
    measured = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    row = (
        f"| {measured} | {pages_per_s:,.0f} | {pages_per_s * PAGE_SIZE:,.0f} | {result['load_before']:.2f} "
        f"| {clients} | {_commit()} |"
    )
    runs = [row, *_earlier_runs()][:RUNS_KEPT]
    report = (
        f"""# Sandbox benchmark

{figure}, serving `GET /custom/contacts?limit={PAGE_SIZE}`
(about {result["page_bytes"] / 1024:.0f} KiB a page) from one server process to {clients} client processes
on keep-alive connections.

| measure | value |
|---|---|
| pages served | {result["pages"]:,.0f} in {result["seconds"]:.2f} s |
| pages/s | {pages_per_s:,.0f} |
| contacts/s | {pages_per_s * PAGE_SIZE:,.0f} |
| machine | `nproc` = {len(os.sched_getaffinity(0))}, {cpu_model()} |
| load average before the run | {result["load_before"]:.2f} (other work on the machine lowers the figure) |
| Python | {platform.python_version()} |
| measured | {measured} |

The clients share the machine with the server, so on two cores this is a floor for the
server's own rate; other work on the machine lowers it further, hence the load average.
Run it again with `.venv/bin/python sandbox/bench/bench_sandbox.py`.

{RUNS_HEADING}

| measured | pages/s | contacts/s | load average | clients | commit |
|---|---|---|---|---|---|
"""
        + "\n".join(runs)
        + "\n"
    )
    REPORT.write_text(report)
    return figure


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=20_000, help="pages to read in all")
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    args = parser.parse_args()
    result = run(args.pages, args.clients)
    print(write_report(result, args.clients))


if __name__ == "__main__":
    main()
