"""Every test here runs against the sandbox as a real process (one per session)."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contacts_sandbox.testing import SandboxProcess

CONNECTOR_ROOT = Path(__file__).resolve().parent.parent
# acceptance-test-config.yml names these paths; they are git-ignored.
SANDBOX_CONFIGS = CONNECTOR_ROOT / "secrets" / "sandbox"


def custom_config(sandbox: SandboxProcess, **overrides: Any) -> dict[str, Any]:
    api = {
        "api_type": "custom",
        "base_url": f"{sandbox.url}/custom",
        "client_id": "test_id",
        "client_secret": "test_secret",
        "page_size": 50,
        "lookback_window_seconds": 0,
    }
    return {"api": {**api, **overrides}, "concurrent_requests": 4}


def company_config(
    sandbox: SandboxProcess, api_key: str = "company-a-key", **overrides: Any
) -> dict[str, Any]:
    api = {
        "api_type": "company",
        "base_url": f"{sandbox.url}/company",
        "api_key": api_key,
        "page_size": 50,
        "lookback_window_seconds": 0,
    }
    return {"api": {**api, **overrides}, "concurrent_requests": 4}


@pytest.fixture(scope="session", autouse=True)
def acceptance_configs(sandbox_process: SandboxProcess) -> Iterator[Path]:
    """Writes the configs acceptance-test-config.yml names, pointing at this session's sandbox."""
    SANDBOX_CONFIGS.mkdir(parents=True, exist_ok=True)
    configs = {
        "custom-api.json": custom_config(sandbox_process),
        "company-api.json": company_config(sandbox_process),
        "invalid-credentials.json": custom_config(sandbox_process, client_secret="not-the-secret"),
        "invalid-api-key.json": company_config(sandbox_process, api_key="not-a-company-key"),
    }
    for name, config in configs.items():
        (SANDBOX_CONFIGS / name).write_text(json.dumps(config, indent=2))
    yield SANDBOX_CONFIGS
    shutil.rmtree(SANDBOX_CONFIGS, ignore_errors=True)
    with contextlib.suppress(OSError):  # secrets/ may hold the user's own configs: only an empty one goes
        SANDBOX_CONFIGS.parent.rmdir()


@pytest.fixture(autouse=True)
def no_faults_left_behind(sandbox_process: SandboxProcess) -> Iterator[None]:
    """Tests share one sandbox: a test that injects faults must not leave them to the next."""
    yield
    sandbox_process.admin.clear_faults()
