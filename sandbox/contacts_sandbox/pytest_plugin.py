"""Pytest fixtures for suites that test against the sandbox as a real process.

Enable with `pytest_plugins = ["contacts_sandbox.pytest_plugin"]` in a root conftest.py, or, for
one folder of a suite only, import the fixtures by name in that folder's conftest.py (pytest takes
`pytest_plugins` from a root conftest alone). Every test that uses `sandbox` runs twice, once per
profile (test ids `[lenient]` and `[strict]`).

`PRESETS` (every preset, `examples` included) and `CATALOGUE` (every open point and its readings)
are here too, for suites that parametrise over every preset or every reading: `EVERY_READING`
holds each (point, value) pair, to apply with `sandbox.admin.set_readings({point: value})`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contacts_sandbox.testing import CATALOGUE, EVERY_READING, PRESETS, PROFILES, SandboxProcess

__all__ = [
    "CATALOGUE",
    "EVERY_READING",
    "PRESETS",
    "PROFILES",
    "sandbox",
    "sandbox_process",
    "sandbox_profile",
]


@pytest.fixture(scope="session")
def sandbox_process() -> Iterator[SandboxProcess]:
    """One sandbox for the whole session (200 contacts, seed 42); stopped even when tests fail."""
    with SandboxProcess(contacts=200, seed=42) as process:
        yield process


@pytest.fixture(params=PROFILES, ids=PROFILES)
def sandbox_profile(request: pytest.FixtureRequest) -> str:
    """The preset every API of the sandbox serves under during the test."""
    profile: str = request.param
    return profile


@pytest.fixture
def sandbox(sandbox_process: SandboxProcess, sandbox_profile: str) -> SandboxProcess:
    """The session's sandbox with its data, faults and counters reset, under `sandbox_profile`."""
    sandbox_process.admin.reset(profile=sandbox_profile)
    return sandbox_process
