"""Every test here runs against the sandbox as a real process (one per session)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from contacts_sandbox.acceptance import source_company_config, source_custom_config

# The sandbox's fixtures are imported here, not named in the root conftest's `pytest_plugins`, so
# that unit tests neither import nor start a sandbox; pytest refuses `pytest_plugins` in a conftest
# below the root.
from contacts_sandbox.pytest_plugin import sandbox, sandbox_process, sandbox_profile  # noqa: F401
from contacts_sandbox.testing import SandboxProcess
from source_custom_contacts.client import ApiClient, JsonAnswer


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


# Page request (1-based, of the list being read) -> the churn made just before it: each one
# updates and deletes contacts already read as well as ones still ahead.
CHURN_BEFORE = {3: 1, 5: 2, 8: 3}


@pytest.fixture
def churn_between_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[str, Callable[[int], dict[str, list[str]]]], list[dict[str, list[str]]]]:
    """Arms a hook: before the n-th request for `path`, it calls `churn(seed)`; returns the churns."""

    def arm(path: str, churn: Callable[[int], dict[str, list[str]]]) -> list[dict[str, list[str]]]:
        made: list[dict[str, list[str]]] = []
        requests = 0
        original = ApiClient.get

        def get(client: ApiClient, asked: str, params: Mapping[str, Any]) -> JsonAnswer:
            nonlocal requests
            if asked == path:
                requests += 1
                if requests in CHURN_BEFORE:
                    made.append(churn(CHURN_BEFORE[requests]))
            return original(client, asked, params)

        monkeypatch.setattr(ApiClient, "get", get)
        return made

    return arm
