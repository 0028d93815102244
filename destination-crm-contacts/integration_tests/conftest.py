"""One sandbox process for the package's integration tests, started on first use.

The standard suite needs the sandbox's address while pytest collects its scenarios, before any
fixture runs, so the process is started by `shared_sandbox()` and stopped when the session ends.
"""

from __future__ import annotations

import pytest

from contacts_sandbox.testing import SandboxProcess

_process: SandboxProcess | None = None


def shared_sandbox() -> SandboxProcess:
    global _process
    if _process is None:
        _process = SandboxProcess(contacts=200, seed=42).start()
    return _process


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _process is not None:
        _process.stop()


@pytest.fixture(scope="session")
def sandbox_process() -> SandboxProcess:
    return shared_sandbox()


@pytest.fixture
def sandbox(sandbox_process: SandboxProcess) -> SandboxProcess:
    """The sandbox with its data, faults and counters reset before the test."""
    sandbox_process.admin.reset()
    return sandbox_process
