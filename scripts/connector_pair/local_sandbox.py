"""The demo's sandbox: reuse one already serving on the port, or start one that keeps its data in a
file (so a second demo continues against the same contacts) and stop only that one."""

from __future__ import annotations

from pathlib import Path
from typing import Self

import requests

from contacts_sandbox.testing import AdminClient, SandboxProcess, SandboxStartError, Startable


class LocalSandbox(Startable):
    def __init__(self, port: int, db: Path, log: Path, startup_timeout: float = 60.0) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.db = db
        self.admin = AdminClient(self.url)
        self._process = SandboxProcess(db=str(db), port=port, log=log, startup_timeout=startup_timeout)
        self.started_here = False

    def healthy(self) -> bool:
        try:
            self.admin.health()
        except requests.RequestException:
            return False
        return True

    def start(self) -> Self:
        if self.healthy():
            return self
        self.db.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._process.start()
        except SandboxStartError as error:
            raise SandboxStartError(
                f"{error}\nIs port {self.port} taken by another program, or was {self.db} written by an "
                "older sandbox (remove it to start with fresh data)?"
            ) from None
        self.started_here = True
        return self

    def stop(self) -> None:
        self.admin.close()
        if self.started_here:
            self._process.stop()
