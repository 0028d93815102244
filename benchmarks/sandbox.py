"""The sandbox the benchmarks run against: a real server process and its admin endpoints."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from contacts_sandbox.testing import AdminClient, SandboxProcess

# Seeding 200,000 contacts takes a while: the admin calls get a generous timeout.
ADMIN_TIMEOUT_S = 600.0


def admin_client(url: str) -> AdminClient:
    return AdminClient(url, timeout=ADMIN_TIMEOUT_S)


@contextmanager
def running_sandbox(contacts: int, seed: int = 42) -> Iterator[tuple[str, AdminClient, int]]:
    """Start the sandbox as its own process (data in memory) and always stop it.

    Yields its URL, an admin client and its process id (to read the CPU time it spends).
    """
    with SandboxProcess(contacts=contacts, seed=seed) as sandbox:
        assert sandbox.process is not None
        yield sandbox.url, admin_client(sandbox.url), sandbox.process.pid


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time a running process has used so far (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # utime and stime are the 14th and 15th fields; after the ")" they are at 11 and 12.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def requests_of(stats: dict, api: str) -> dict[str, int]:
    """Requests by route (e.g. `GET /custom/contacts`) that one API answered."""
    return dict(stats.get(api, {}))


def route_count(stats: dict, api: str, method: str, path: str) -> int:
    """Requests to one route, e.g. (`custom`, `GET`, `/contacts`), with or without the API's prefix."""
    return sum(
        count
        for route, count in requests_of(stats, api).items()
        if route.startswith(f"{method} ") and route.endswith(path)
    )


def total_requests(stats: dict, api: str) -> int:
    return sum(requests_of(stats, api).values())


def status_count(stats: dict, api: str, status: int) -> int:
    return int(stats.get("status", {}).get(api, {}).get(str(status), 0))


class RateWatch:
    """Samples one API's request counter while a run goes on, to find its busiest second.

    The sandbox counts requests but does not time them, so the counter is read every `interval`
    seconds, noting the clock before the question and after the answer. Two readings whose
    question-to-answer span is at most a second bound requests that all fell within one second:
    the largest such difference is a true count of requests in one second, so a limit broken by
    it is broken for sure (the real peak can be higher by what one interval holds).
    """

    def __init__(self, admin: AdminClient, api: str, interval: float = 0.05) -> None:
        # Its own client: the watch reads from another thread than the benchmark's.
        self._admin = admin_client(admin.url)
        self._api = api
        self._interval = interval
        # (asked at, answered at, count)
        self._samples: list[tuple[float, float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> RateWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            asked = time.monotonic()
            count = total_requests(self._admin.stats(), self._api)
            self._samples.append((asked, time.monotonic(), count))
            self._stop.wait(self._interval)

    def busiest_second(self) -> int:
        samples = self._samples
        busiest = 0
        start = 0
        for end in range(len(samples)):
            # The later reading's answer less the earlier reading's question: the longest the
            # requests between the two readings can have been spread over.
            while start < end and samples[end][1] - samples[start][0] > 1.0:
                start += 1
            if start < end:
                busiest = max(busiest, samples[end][2] - samples[start][2])
        return busiest

    def active_rate(self) -> float:
        """Requests per second from the first reading that saw a request to the first that saw them all.

        This leaves out the program's start-up, before its first request, and its wind-down.
        """
        samples = self._samples
        if not samples or samples[-1][2] == 0:
            return 0.0
        final = samples[-1][2]
        first = next(sample for sample in samples if sample[2] > 0)
        last = next(sample for sample in samples if sample[2] == final)
        if last[0] <= first[0]:
            return 0.0
        return (last[2] - first[2]) / (last[0] - first[0])
