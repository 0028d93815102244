"""Start the sandbox as a real process for tests and benchmarks, and drive its admin endpoints.

with SandboxProcess(contacts=200, seed=1, profile="strict", readings={"crm.search_in": "body"}) as sandbox:
    sandbox.url
    sandbox.admin.churn("custom", create=5, update=5, delete=5)
"""

from __future__ import annotations

import atexit
import os
import re
import subprocess
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypedDict, Unpack

import requests

from contacts_sandbox.readings import CATALOGUE, EVERY_READING, PRESETS

__all__ = [
    "CATALOGUE",
    "EVERY_READING",
    "PRESETS",
    "PROFILES",
    "AdminClient",
    "SandboxProcess",
    "SandboxStartError",
    "Startable",
]

# The presets connector suites run under (a subset of PRESETS).
PROFILES: tuple[str, ...] = ("lenient", "strict")

LISTENING = re.compile(r"listening on (http://\S+)")


class SandboxStartError(RuntimeError):
    pass


class Startable(ABC):
    """Something a `with` block starts, and stops however the block ends."""

    @abstractmethod
    def start(self) -> Self: ...

    @abstractmethod
    def stop(self) -> None: ...

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


class ResetChoices(TypedDict, total=False):
    """What a reset sets; each one left out, or None, is the server's start value."""

    seed: int | None
    contacts: int | None
    profile: str | None
    readings: dict[str, str] | None


class AdminClient:
    """The admin endpoints of one running sandbox, as methods, each answering the endpoint's JSON."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def _call(self, method: str, path: str, json: Any = None) -> Any:
        response = self.session.request(method, f"{self.url}/admin{path}", json=json, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health")

    def reset(self, **choices: Unpack[ResetChoices]) -> dict[str, Any]:
        """Back to a seeded data set, with every API under the preset `profile` (default: the start
        preset and readings), then `readings` on top ({"crm.search_in": "body"})."""
        return self._call(
            "POST", "/reset", {key: value for key, value in choices.items() if value is not None}
        )

    def readings(self) -> dict[str, str]:
        """Every point's reading in force: {"crm.search_in": "either", ...}."""
        return self._call("GET", "/readings")

    def set_readings(self, readings: dict[str, str]) -> dict[str, str]:
        """Sets those points only; answers every reading in force."""
        return self._call("PUT", "/readings", readings)

    def profiles(self) -> dict[str, str]:
        return self._call("GET", "/profile")

    def set_profile(self, profile: str, api: str | None = None) -> dict[str, str]:
        """Puts one API (or, without `api`, all four) under `profile`; answers the profiles in force."""
        path = "/profile" if api is None else f"/profile/{api}"
        return self._call("PUT", path, {"profile": profile})

    def churn(
        self,
        api: str,
        create: int = 0,
        update: int = 0,
        delete: int = 0,
        seed: int | None = None,
        company: str | None = None,
        seconds_ago: float = 0,
    ) -> dict[str, list[str]]:
        body: dict[str, Any] = {"api": api, "create": create, "update": update, "delete": delete}
        if seconds_ago:
            body["seconds_ago"] = seconds_ago
        if seed is not None:
            body["seed"] = seed
        if company is not None:
            body["company"] = company
        return self._call("POST", "/churn", body)

    def dump(self, api: str) -> Any:
        return self._call("GET", f"/dump/{api}")

    def set_faults(self, api: str, **faults: Any) -> dict[str, Any]:
        return self._call("PUT", f"/faults/{api}", faults)

    def faults(self) -> dict[str, Any]:
        return self._call("GET", "/faults")

    def clear_faults(self) -> dict[str, Any]:
        return self._call("DELETE", "/faults")

    def stats(self) -> dict[str, Any]:
        return self._call("GET", "/stats")

    def reset_stats(self) -> dict[str, Any]:
        return self._call("POST", "/stats/reset")

    def close(self) -> None:
        self.session.close()


class SandboxProcess(Startable):
    """`contacts-sandbox` in a child process, on a free port unless told one; always stopped on exit.

    Its output is kept (the last lines, for error messages) and, with `log`, appended to that file.
    """

    def __init__(
        self,
        contacts: int = 1000,
        seed: int = 42,
        db: str = ":memory:",
        token_ttl: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        log: Path | None = None,
        startup_timeout: float = 30.0,
        extra_args: list[str] | None = None,
        profile: str = "lenient",
        readings: dict[str, str] | None = None,
    ) -> None:
        self.command = [
            sys.executable,
            "-m",
            "contacts_sandbox",
            "--host",
            host,
            "--port",
            str(port),
            "--db",
            db,
            "--contacts",
            str(contacts),
            "--seed",
            str(seed),
            "--profile",
            profile,
        ]
        for key, value in (readings or {}).items():
            self.command += ["--reading", f"{key}={value}"]
        if token_ttl is not None:
            self.command += ["--token-ttl", str(token_ttl)]
        self.command += extra_args or []
        self.startup_timeout = startup_timeout
        self.log = log
        self.process: subprocess.Popen[str] | None = None
        self._url: str | None = None
        self._admin: AdminClient | None = None
        self._output: deque[str] = deque(maxlen=500)

    @property
    def url(self) -> str:
        if self._url is None:
            raise SandboxStartError("the sandbox is not running")
        return self._url

    @property
    def admin(self) -> AdminClient:
        if self._admin is None:
            raise SandboxStartError("the sandbox is not running")
        return self._admin

    def start(self) -> Self:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        # Also stopped when the interpreter exits without reaching __exit__ (an interrupted session).
        atexit.register(self.stop)
        try:
            self._url = self._wait_for_url()
            self._admin = AdminClient(self._url)
            self._wait_for_health()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_for_url(self) -> str:
        process = self.process
        if process is None or process.stdout is None:
            raise SandboxStartError("the sandbox process was not started")
        stdout = process.stdout
        found: list[str] = []
        log = None
        if self.log is not None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            log = self.log.open("a", encoding="utf-8")

        def read_output() -> None:
            try:
                for line in stdout:
                    self._output.append(line)
                    if log is not None:
                        log.write(line)
                        log.flush()
                    match = LISTENING.search(line)
                    if match and not found:
                        found.append(match.group(1))
            finally:
                if log is not None:
                    log.close()

        # The reader drains the pipe for the process's whole life, so the server never blocks on it.
        threading.Thread(target=read_output, name="sandbox-output", daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while not found:
            if process.poll() is not None:
                raise SandboxStartError(f"the sandbox exited with {process.returncode}:\n{self.output}")
            if time.monotonic() > deadline:
                raise SandboxStartError(
                    f"the sandbox did not start in {self.startup_timeout}s:\n{self.output}"
                )
            time.sleep(0.02)
        return found[0]

    def _wait_for_health(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while True:
            try:
                self.admin.health()
                return
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @property
    def output(self) -> str:
        return "".join(self._output)

    def stop(self) -> None:
        atexit.unregister(self.stop)
        if self._admin is not None:
            self._admin.close()
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
