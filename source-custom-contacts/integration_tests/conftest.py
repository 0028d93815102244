"""Every test here runs against the sandbox as a real process (one per session)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from contacts_sandbox.acceptance import source_company_config, source_custom_config

# The sandbox's fixtures are imported here, not named in the root conftest's `pytest_plugins`, so
# that unit tests neither import nor start a sandbox; pytest refuses `pytest_plugins` in a conftest
# below the root.
from contacts_sandbox.pytest_plugin import sandbox, sandbox_process, sandbox_profile  # noqa: F401
from contacts_sandbox.testing import SandboxProcess


def custom_config(sandbox: SandboxProcess, **overrides: Any) -> dict[str, Any]:
    return source_custom_config(sandbox.url, **overrides)


def company_config(
    sandbox: SandboxProcess, api_key: str = "company-a-key", **overrides: Any
) -> dict[str, Any]:
    return source_company_config(sandbox.url, api_key, **overrides)


@pytest.fixture(autouse=True)
def no_faults_left_behind(sandbox_process: SandboxProcess) -> Iterator[None]:
    """Tests share one sandbox: a test that injects faults must not leave them to the next."""
    yield
    sandbox_process.admin.clear_faults()
