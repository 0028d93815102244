"""Keeping the writer's threads on one CPU core (`single_core`).

The writes run Python on many threads, one at a time under the interpreter's lock, so they never
use much more than one core. On a machine with several, each answer wakes its thread on
whichever core the kernel picks, and the lock is handed across cores: on a two-core VM that cost
a quarter of the CPU per write (see the benchmarks). Held on one core, the threads hand it over
in place. The price: the kernel can no longer move them away from a core other programs keep
busy, which is why this is a setting and not the default.

Linux only (`sched_setaffinity`); elsewhere the setting is reported and ignored.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Affinity:
    """The system calls this module needs, injectable for tests."""

    allowed: Callable[[], set[int]]
    current: Callable[[], int | None]
    threads: Callable[[], Iterable[int]]
    restrict: Callable[[int, set[int]], None]


def keep_on_one_core(logger: logging.Logger, affinity: Affinity | None = None) -> int | None:
    """Restricts every thread of this process, and so every thread it starts later, to the core
    it runs on now. The core, or None when the threads were left where they were."""
    affinity = affinity or _linux_affinity()
    if affinity is None:
        logger.warning("single_core: this system cannot keep threads on one core; writing on every core")
        return None
    allowed = affinity.allowed()
    if len(allowed) < 2:
        return None
    current = affinity.current()
    # The kernel placed the process where it thought best: stay there when allowed.
    core = current if current in allowed else min(allowed)
    for thread in affinity.threads():
        try:
            affinity.restrict(thread, {core})
        except ProcessLookupError:  # a thread that ended meanwhile
            continue
    logger.info(f"single_core: writing on CPU core {core} (of {len(allowed)} this process may use)")
    return core


def _linux_affinity() -> Affinity | None:
    if not hasattr(os, "sched_setaffinity") or not Path("/proc/self/task").is_dir():
        return None
    return Affinity(
        allowed=lambda: set(os.sched_getaffinity(0)),
        current=_current_core,
        threads=lambda: [int(entry.name) for entry in Path("/proc/self/task").iterdir()],
        restrict=os.sched_setaffinity,
    )


def _current_core() -> int | None:
    """The core this thread last ran on: field 39 of /proc/thread-self/stat, counted after the
    command name, which may itself hold spaces and parentheses."""
    try:
        stat = Path("/proc/thread-self/stat").read_text()
        return int(stat.rpartition(")")[2].split()[36])
    except (OSError, IndexError, ValueError):
        return None
