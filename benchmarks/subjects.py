"""The command lines of the programs under test, each with its config files written to a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks import configs


def floor(sandbox_url: str, page_size: int) -> list[str]:
    return [
        configs.PYTHON,
        "-m",
        "benchmarks.floor",
        "--base-url",
        f"{sandbox_url}/custom",
        "--client-id",
        configs.CLIENT_ID,
        "--client-secret",
        configs.CLIENT_SECRET,
        "--page-size",
        str(page_size),
    ]


def our_read(
    folder: Path, config: dict[str, Any], *, incremental: bool = False, state: dict[str, Any] | None = None
) -> list[str]:
    """`source-custom-contacts read`, with the catalog its own `discover` gives."""
    config_path = configs.write_json(folder / "config.json", config)
    stream = configs.discover_contacts_stream(config_path)
    catalog = configs.contacts_catalog(stream, incremental=incremental)
    argv = [
        configs.SOURCE,
        "read",
        "--config",
        str(config_path),
        "--catalog",
        str(configs.write_json(folder / "catalog.json", catalog)),
    ]
    if state is not None:
        argv += ["--state", str(configs.write_json(folder / "state.json", [state]))]
    return argv


def declarative_read(folder: Path, sandbox_url: str, page_size: int) -> list[str]:
    config = configs.declarative_config(sandbox_url, page_size=page_size)
    return [
        configs.DECLARATIVE,
        "read",
        "--config",
        str(configs.write_json(folder / "config.json", config)),
        "--catalog",
        str(configs.write_json(folder / "catalog.json", configs.peer_catalog())),
    ]


def tutorial_read(folder: Path, sandbox_url: str, page_size: int) -> list[str]:
    config = configs.peer_config(sandbox_url, page_size=page_size)
    return [
        configs.PYTHON,
        "-m",
        "benchmarks.peers.tutorial_source",
        "read",
        "--config",
        str(configs.write_json(folder / "config.json", config)),
        "--catalog",
        str(configs.write_json(folder / "catalog.json", configs.peer_catalog())),
    ]


def destination_write(folder: Path, config: dict[str, Any]) -> list[str]:
    return [
        configs.DESTINATION,
        "write",
        "--config",
        str(configs.write_json(folder / "config.json", config)),
        "--catalog",
        str(configs.write_json(folder / "catalog.json", configs.destination_catalog())),
    ]
