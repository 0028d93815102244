"""The demo's sandbox: reuse one already serving on the port, or start one that keeps its data in a
file (so a second demo continues against the same contacts) and stop only that one."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import requests

from contacts_sandbox.testing import AdminClient


class LocalSandbox:
    def __init__(self, port: int, db: Path, log: Path, startup_timeout: float = 60.0) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.db = db
        self.log = log
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.admin = AdminClient(self.url)

    @property
    def started_here(self) -> bool:
        return self.process is not None

    def healthy(self) -> bool:
        try:
            self.admin.health()
        except requests.RequestException:
            return False
        return True

    def start(self) -> LocalSandbox:
        if self.healthy():
            return self
        self.db.parent.mkdir(parents=True, exist_ok=True)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "contacts_sandbox", "--port", str(self.port), "--db", str(self.db)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.startup_timeout
        while not self.healthy():
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the sandbox exited with {self.process.returncode}; its output is in {self.log}. "
                    f"Is port {self.port} taken by another program, or was {self.db} written by an "
                    "older sandbox (remove it to start with fresh data)?"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"the sandbox did not answer in {self.startup_timeout:.0f}s; see {self.log}"
                )
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        self.admin.close()
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> LocalSandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
