"""Sandbox processes for the package's integration tests, started on first use.

Every test that takes `sandbox` runs under each profile of the sandbox: `lenient` (helpful
extras) and `strict` (only what the API documents show). The standard suite needs a sandbox's
address while pytest collects its scenarios, before any fixture runs, so `shared_sandbox()`
starts one process per profile and the session's end stops them.
"""

from __future__ import annotations

import pytest

from contacts_sandbox.testing import PROFILES, SandboxProcess

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


@pytest.fixture(params=PROFILES)
def profile(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sandbox(sandbox_process: SandboxProcess, profile: str) -> SandboxProcess:
    """The sandbox under `profile`, with its data, faults and counters reset before the test."""
    sandbox_process.admin.reset(profile=profile)
    return sandbox_process
