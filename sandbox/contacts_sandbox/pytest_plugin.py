"""Pytest fixtures for suites that test against the sandbox as a real process.

Enable with `pytest_plugins = ["contacts_sandbox.pytest_plugin"]` in a conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contacts_sandbox.testing import SandboxProcess


@pytest.fixture(scope="session")
def sandbox_process() -> Iterator[SandboxProcess]:
    """One sandbox for the whole session (200 contacts, seed 42); stopped even when tests fail."""
    with SandboxProcess(contacts=200, seed=42) as process:
        yield process


@pytest.fixture
def sandbox(sandbox_process: SandboxProcess) -> SandboxProcess:
    """The session's sandbox with its data, faults and counters reset before the test."""
    sandbox_process.admin.reset()
    return sandbox_process
