"""Sandbox processes for the package's integration tests, started on first use.

Every test that takes `sandbox` runs under each profile of the sandbox: `lenient` (helpful
extras) and `strict` (only what the API documents show); the sandbox's own pytest plugin gives
`sandbox` and `sandbox_profile`. The standard suite needs a sandbox's address while pytest
collects its scenarios, before any fixture runs, so `shared_sandbox()` starts one process per
profile, the session's end stops them, and `sandbox_process` is the suite's lenient one.
"""

from __future__ import annotations

import pytest

# The sandbox's fixtures are imported here, not named in the root conftest's `pytest_plugins`, so
# that unit tests neither import nor start a sandbox; pytest refuses `pytest_plugins` in a conftest
# below the root. Its `sandbox_process` is replaced below by the process the standard suite shares.
from contacts_sandbox.pytest_plugin import sandbox, sandbox_profile  # noqa: F401
from contacts_sandbox.testing import SandboxProcess

_processes: dict[str, SandboxProcess] = {}


def shared_sandbox(profile: str = "lenient") -> SandboxProcess:
    if profile not in _processes:
        _processes[profile] = SandboxProcess(contacts=200, seed=42, profile=profile).start()
    return _processes[profile]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for process in _processes.values():
        process.stop()


@pytest.fixture(scope="session")
def sandbox_process() -> SandboxProcess:
    return shared_sandbox()
