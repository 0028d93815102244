"""Options and fixtures of the end-to-end tests; the sandbox fixtures come from its pytest plugin."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contacts_sandbox.testing import PROFILES

pytest_plugins = ["contacts_sandbox.pytest_plugin"]


def pytest_configure(config: pytest.Config) -> None:
    # PyAirbyte reads these when it is imported: no registry lookups and no telemetry, since the
    # connectors run from this virtualenv and nothing may leave the machine.
    os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
    os.environ.setdefault("DO_NOT_TRACK", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fidelity", "fidelity under churn and faults")
    group.addoption(
        "--fidelity-cycles",
        type=int,
        default=int(os.environ.get("FIDELITY_CYCLES", "5")),
        help="incremental sync cycles after the first full sync (env FIDELITY_CYCLES, default 5)",
    )
    group.addoption(
        "--fidelity-seed",
        type=int,
        default=int(os.environ.get("FIDELITY_SEED", "7")),
        help="seed of the churn, the faults and the sandbox's data (env FIDELITY_SEED, default 7)",
    )
    group.addoption(
        "--fidelity-contacts",
        type=int,
        default=int(os.environ.get("FIDELITY_CONTACTS", "120")),
        help="contacts seeded into the source before the first sync (env FIDELITY_CONTACTS, default 120)",
    )
    group.addoption(
        "--fidelity-rate-limits",
        default=os.environ.get("FIDELITY_RATE_LIMITS", "2,4"),
        help=(
            "requests a second the source API and each target allow in the rate-limited cycles "
            "(env FIDELITY_RATE_LIMITS, default 2,4)"
        ),
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A long fidelity run needs more than the suite's default timeout: about two minutes a cycle
    # on a busy two-core machine.
    cycles = config.getoption("--fidelity-cycles")
    for item in items:
        if item.get_closest_marker("fidelity_cycles") is not None:
            item.add_marker(pytest.mark.timeout(300 + 120 * cycles))


@pytest.fixture(params=PROFILES)
def profile(request: pytest.FixtureRequest) -> str:
    """The sandbox profile an end-to-end test starts its own sandbox with: every one runs under
    both, since a real server may do only what its document says (`strict`)."""
    value: str = request.param
    return value


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str, dict[str, Any]], Path]:
    """Writes a config where a connector's `--config` can read it."""

    def write(name: str, config: dict[str, Any]) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(config))
        return path

    return write
