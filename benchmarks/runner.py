"""Run one connector command as a child process and measure it.

Wall time runs from spawn to exit, so start-up is always included. CPU time comes from
`os.wait4`, the resource usage of exactly that child. Peak RSS does not: Linux carries the
high-water mark of the memory a child had before `exec` (the benchmark's own, after a fork or
vfork) into its `ru_maxrss`, so the peak is read instead from the child's `VmHWM` in
/proc/PID/status while it runs, which counts only the program's own memory. Standard output goes to a
file in memory-backed storage (as cheap to write as /dev/null), and is read only after the
clock has stopped, to count records and pick up the last state.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

_SCRATCH_ROOTS = (Path("/dev/shm"), Path(tempfile.gettempdir()))


def scratch_dir() -> Path:
    """A private folder on the fastest storage available (tmpfs when there is one)."""
    for root in _SCRATCH_ROOTS:
        if root.is_dir() and os.access(root, os.W_OK):
            return Path(tempfile.mkdtemp(prefix="contacts-bench-", dir=root))
    return Path(tempfile.mkdtemp(prefix="contacts-bench-"))


@dataclass
class ChildRun:
    """What one child process did, as seen from outside."""

    argv: list[str]
    seconds: float
    peak_rss_bytes: int
    exit_code: int
    # User plus system CPU time of the child: near `seconds`, the program is CPU-bound.
    cpu_seconds: float = 0.0
    # CPU time the sandbox spent meanwhile, when the benchmark knows its process.
    sandbox_cpu_seconds: float | None = None
    records: int = 0
    states: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stderr_tail: str = ""

    def cpu_text(self) -> str:
        """Where the time went: this program's CPU, and the sandbox's, against the wall clock."""
        text = f"{self.seconds:.2f} s, CPU {self.cpu_seconds:.1f} s"
        if self.sandbox_cpu_seconds is not None:
            text += f" + sandbox {self.sandbox_cpu_seconds:.1f} s"
        return text

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.errors

    def describe_failure(self) -> str:
        parts = [f"`{' '.join(self.argv[:2])} ...` exited {self.exit_code}"]
        parts += self.errors[:3]
        if self.stderr_tail:
            parts.append(self.stderr_tail[-800:])
        return "; ".join(parts)


def run_child(
    argv: Sequence[str],
    *,
    workdir: Path,
    stdin_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout_s: float = 600.0,
) -> ChildRun:
    """Run `argv` to completion; its stdout is kept in `workdir` and summarised afterwards."""
    stdout_path = workdir / "stdout.jsonl"
    stderr_path = workdir / "stderr.txt"
    child_env = dict(os.environ if env is None else env)
    with (
        open(stdout_path, "wb") as stdout,
        open(stderr_path, "wb") as stderr,
        open(stdin_path or os.devnull, "rb") as stdin,
    ):
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv), stdin=stdin, stdout=stdout, stderr=stderr, env=child_env, cwd=cwd
        )
        try:
            status, usage, peak_rss = _wait_with_timeout(process, timeout_s)
        except BaseException:
            # Interrupted: the child must not outlive the benchmark.
            process.kill()
            os.wait4(process.pid, 0)
            raise
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    run = ChildRun(
        argv=list(argv),
        seconds=seconds,
        peak_rss_bytes=peak_rss,
        exit_code=process.returncode,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        stderr_tail=stderr_path.read_text(errors="replace")[-2000:],
    )
    _summarise_output(stdout_path, run)
    stdout_path.unlink(missing_ok=True)
    return run


def _wait_with_timeout(
    process: subprocess.Popen, timeout_s: float
) -> tuple[int, resource.struct_rusage, int]:
    """Reap the child; meanwhile follow its peak RSS. Returns (status, usage, peak RSS in bytes)."""
    deadline = time.monotonic() + timeout_s
    status_path = Path(f"/proc/{process.pid}/status")
    peak = 0
    polls = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            return status, usage, peak
        if polls % 10 == 0:
            peak = max(peak, _high_water_mark(status_path))
        polls += 1
        if time.monotonic() > deadline:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            return status, usage, peak
        # Short naps keep the harness off the CPU without blurring the wall time by much.
        time.sleep(0.002)


def _high_water_mark(status_path: Path) -> int:
    """The process's peak resident set so far (VmHWM), in bytes; 0 once it has exited."""
    try:
        for line in status_path.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


# Every message starts with its type (the CDK serialises `type` first), so looking at the head of
# each line is enough to sort it.
_MESSAGE_TYPE = re.compile(rb'"type":\s*"([A-Z_]+)"')


def _summarise_output(path: Path, run: ChildRun) -> None:
    """Count RECORD lines and keep STATE messages and errors, without parsing every record."""
    with open(path, "rb") as output:
        for line in output:
            found = _MESSAGE_TYPE.search(line, 0, 40)
            kind = found.group(1) if found else b""
            if kind == b"RECORD":
                run.records += 1
            elif kind == b"STATE":
                run.states.append(orjson.loads(line)["state"])
            elif kind == b"TRACE":
                trace = orjson.loads(line)["trace"]
                if trace.get("type") == "ERROR":
                    run.errors.append(trace["error"].get("message", "error"))
            elif kind == b"LOG" and b'"FATAL"' in line:
                run.errors.append(orjson.loads(line)["log"]["message"])
