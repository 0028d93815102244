"""For the connectors' tests: their command lines, each run in a process of its own as Airbyte runs
them, but forked from one that has already imported both connectors (`multiprocessing`'s fork
server).

A fresh interpreter spends about a second of CPU importing the CDK before a command starts, which
was the largest share of the CPU of the tests that run many command lines. A forked child runs the
very function a console script runs (read from the installed entry points) with the command line
given, its stdin, stdout and stderr on files (`run`) or pipes (`Started`), and exits with the code
that function leaves, through the same exception hook; only the imports are shared. The demo, the
source's command-line tests and PyAirbyte start the installed console scripts.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
import tempfile
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import IO

CONNECTORS = ("source-custom-contacts", "destination-crm-contacts")

# Console script -> the entry point it calls, for the connectors installed here.
_ENTRY_POINTS = {
    script.name: script.value for script in entry_points(group="console_scripts") if script.name in CONNECTORS
}
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload([entry.partition(":")[0] for entry in _ENTRY_POINTS.values()])


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


def run(command: list[str], stdin: str = "", timeout: float = 120) -> Completed:
    """Runs `command` (a connector's console script by name, then its arguments) with `stdin` as its
    input, its streams on files of a temporary folder of its own."""
    with tempfile.TemporaryDirectory(prefix="forked-cli-") as folder:
        streams = [Path(folder, name) for name in ("stdin", "stdout", "stderr")]
        streams[0].write_text(stdin)
        child = _context.Process(target=_main, args=(command, *map(str, streams)))
        child.start()
        child.join(timeout)
        if child.is_alive():
            child.kill()
            child.join()
            raise TimeoutError(f"{' '.join(command)} still ran after {timeout} s")
        assert child.exitcode is not None
        return Completed(child.exitcode, streams[1].read_text(), streams[2].read_text())


class Started:
    """A command line running forked, its streams binary pipes as `subprocess.Popen` gives them
    (`stdin` only when asked for; otherwise it reads nothing)."""

    def __init__(self, command: list[str], stdin: bool = False) -> None:
        with tempfile.TemporaryDirectory(prefix="forked-cli-") as folder:
            paths = [os.path.join(folder, name) for name in ("stdin", "stdout", "stderr")]
            for path in paths[0 if stdin else 1 :]:
                os.mkfifo(path)
            self._child = _context.Process(
                target=_main, args=(command, paths[0] if stdin else os.devnull, *paths[1:])
            )
            self._child.start()
            # In the order the child opens them: each open waits for the other end's.
            self.stdin: IO[bytes] | None = open(paths[0], "wb") if stdin else None  # noqa: SIM115
            self.stdout: IO[bytes] = open(paths[1], "rb")  # noqa: SIM115
            self.stderr: IO[bytes] = open(paths[2], "rb")  # noqa: SIM115

    def poll(self) -> int | None:
        return self._child.exitcode

    def wait(self) -> int:
        self._child.join()
        assert self._child.exitcode is not None
        return self._child.exitcode

    def kill(self) -> None:
        self._child.kill()


def _main(command: list[str], stdin: str, stdout: str, stderr: str) -> None:
    for descriptor, path, flags in (
        (0, stdin, os.O_RDONLY),
        (1, stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
        (2, stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
    ):
        opened = os.open(path, flags, 0o644)
        os.dup2(opened, descriptor)
        os.close(opened)
    # The fork server's child reads /dev/null: stdin is opened again on the file.
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.argv = command
    module, _, function = _ENTRY_POINTS[Path(command[0]).name].partition(":")
    try:
        getattr(importlib.import_module(module), function)()
    except SystemExit:
        raise
    except BaseException:
        # As the interpreter ends on an uncaught exception: its hook (the CDK's emits a TRACE), then 1.
        sys.excepthook(*sys.exc_info())
        raise SystemExit(1) from None
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
