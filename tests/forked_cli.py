"""The connectors' command lines, each run in a process of its own as Airbyte runs them, forked from
one that has already imported both connectors (`multiprocessing`'s fork server).

A fresh interpreter spends about a second of CPU importing the CDK before a command starts: across
the bad-input table that was the largest share of the end-to-end suite's CPU. A forked child runs the
very function the console script runs (`<package>.run:run`) on the command line given, its stdin,
stdout and stderr on files, and exits with the code that function leaves; only the imports are
shared.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ENTRY_POINTS = {
    "source-custom-contacts": "source_custom_contacts.run",
    "destination-crm-contacts": "destination_crm_contacts.run",
}

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload([*ENTRY_POINTS.values(), __name__])


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


def run(command: list[str], stdin: str, folder: Path, timeout: float = 120) -> Completed:
    """Runs `command` (a console script's name, then its arguments) with `stdin` as its input; its
    output is kept in `folder`."""
    streams = [folder / name for name in ("stdin", "stdout", "stderr")]
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
    try:
        importlib.import_module(ENTRY_POINTS[command[0]]).run()
    except SystemExit:
        raise
    except BaseException:
        # As the interpreter ends on an uncaught exception: its hook (the CDK's emits a TRACE), then 1.
        sys.excepthook(*sys.exc_info())
        raise SystemExit(1) from None
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
