"""Options and fixtures of the end-to-end tests; the sandbox fixtures come from its pytest plugin."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from connector_pair import sync

from contacts_sandbox import forked_cli
from contacts_sandbox.testing import PROFILES

pytest_plugins = ["contacts_sandbox.pytest_plugin"]


def pytest_configure(config: pytest.Config) -> None:
    # PyAirbyte reads these when it is imported: no registry lookups and no telemetry, since the
    # connectors run from this virtualenv and nothing may leave the machine.
    os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
    os.environ.setdefault("DO_NOT_TRACK", "1")


@pytest.fixture(autouse=True)
def connectors_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Syncs start each connector forked from a process that imported both (see
    `contacts_sandbox.forked_cli`), not as a fresh interpreter: the fidelity runs start dozens."""
    monkeypatch.setattr(sync, "start_connector", forked_cli.Started)


# The fidelity options: `--fidelity-<name>`, also read from the environment as FIDELITY_<NAME>.
FIDELITY_OPTIONS: tuple[tuple[str, type, str, str], ...] = (
    ("cycles", int, "5", "incremental sync cycles after the first full sync"),
    ("seed", int, "7", "seed of the churn, the faults and the sandbox's data"),
    ("contacts", int, "120", "contacts seeded into the source before the first sync"),
    (
        "rate-limits",
        str,
        "2,4",
        "requests a second the source API and each target allow in the rate-limited cycles",
    ),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fidelity", "fidelity under churn and faults")
    for name, kind, default, description in FIDELITY_OPTIONS:
        variable = f"FIDELITY_{name.upper().replace('-', '_')}"
        group.addoption(
            f"--fidelity-{name}",
            type=kind,
            default=kind(os.environ.get(variable, default)),
            help=f"{description} (env {variable}, default {default})",
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A long fidelity run needs more than the suite's default timeout: about two minutes a cycle
    # on a busy two-core machine.
    cycles = config.getoption("--fidelity-cycles")
    for item in items:
        if item.get_closest_marker("fidelity_cycles") is not None:
            item.add_marker(pytest.mark.timeout(300 + 120 * cycles))
    # The modules of the longest tests first (half a minute each, alone), so that pytest-xdist
    # starts them while the short ones fill the gaps, instead of one being left to start at the
    # end while the other workers stand idle. A stable sort: each keeps its own order.
    items.sort(key=lambda item: item.path.name not in LONGEST_FIRST)


LONGEST_FIRST = ("test_readme_blocks.py", "test_pyairbyte.py", "test_fidelity.py")


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
