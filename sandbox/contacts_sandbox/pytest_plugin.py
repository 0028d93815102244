"""Pytest fixtures for suites that test against the sandbox as a real process.

Enable with `pytest_plugins = ["contacts_sandbox.pytest_plugin"]` in a root conftest.py, or, for
one folder of a suite only, import the fixtures by name in that folder's conftest.py (pytest takes
`pytest_plugins` from a root conftest alone). Every test that uses `sandbox` runs twice, once per
profile (test ids `[lenient]` and `[strict]`).

Each test process has one sandbox per profile it asks for (`shared_sandbox`), so that under
pytest-xdist every worker has its own and tests switch data and readings through admin, never by
starting a server. A suite whose scenarios need an address while pytest collects (the CDK's
standard tests) calls `shared_sandbox` then.

`PRESETS` (every preset, `examples` included) and `CATALOGUE` (every open point and its readings)
are here too, for suites that parametrise over every preset or every reading: `EVERY_READING`
holds each (point, value) pair, to apply with `sandbox.admin.set_readings({point: value})`.
"""

from __future__ import annotations

import pytest

from contacts_sandbox.testing import CATALOGUE, EVERY_READING, PRESETS, PROFILES, SandboxProcess

__all__ = [
    "CATALOGUE",
    "EVERY_READING",
    "PRESETS",
    "PROFILES",
    "every_preset",
    "sandbox",
    "sandbox_process",
    "sandbox_profile",
    "shared_sandbox",
]

_shared: dict[str, SandboxProcess] = {}


def shared_sandbox(profile: str = "lenient") -> SandboxProcess:
    """This process's sandbox started under `profile` (200 contacts, seed 42), started on first use;
    it stops when the process exits, however the session ends."""
    if profile not in _shared:
        _shared[profile] = SandboxProcess(contacts=200, seed=42, profile=profile).start()
    return _shared[profile]


@pytest.fixture(scope="session")
def sandbox_process() -> SandboxProcess:
    """The session's sandbox: the one the process shares (`shared_sandbox`)."""
    return shared_sandbox()


@pytest.fixture(params=PROFILES, ids=PROFILES)
def sandbox_profile(request: pytest.FixtureRequest) -> str:
    """The preset every API of the sandbox serves under during the test."""
    profile: str = request.param
    return profile


@pytest.fixture(params=PRESETS, ids=PRESETS, name="sandbox_profile")
def every_preset(request: pytest.FixtureRequest) -> str:
    """`sandbox_profile` over every preset, `examples` included: a test module that imports it by
    name runs each of its tests under all three."""
    preset: str = request.param
    return preset


@pytest.fixture
def sandbox(sandbox_process: SandboxProcess, sandbox_profile: str) -> SandboxProcess:
    """The session's sandbox with its data, faults and counters reset, under `sandbox_profile`."""
    sandbox_process.admin.reset(profile=sandbox_profile)
    return sandbox_process
