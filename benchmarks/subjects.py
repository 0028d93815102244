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


def _command(
    program: list[str], verb: str, folder: Path, config: dict[str, Any], catalog: dict[str, Any]
) -> list[str]:
    """`<program> <verb> --config ... --catalog ...`, both files written to `folder`."""
    config_path = configs.write_json(folder / "config.json", config)
    catalog_path = configs.write_json(folder / "catalog.json", catalog)
    return [*program, verb, "--config", str(config_path), "--catalog", str(catalog_path)]


def our_read(
    folder: Path, config: dict[str, Any], *, incremental: bool = False, state: dict[str, Any] | None = None
) -> list[str]:
    """`source-custom-contacts read`, with the catalog its own `discover` gives."""
    stream = configs.discover_contacts_stream(configs.write_json(folder / "config.json", config))
    argv = _command(
        [configs.SOURCE], "read", folder, config, configs.contacts_catalog(stream, incremental=incremental)
    )
    if state is not None:
        argv += ["--state", str(configs.write_json(folder / "state.json", [state]))]
    return argv


def declarative_read(folder: Path, sandbox_url: str, page_size: int) -> list[str]:
    config = configs.declarative_config(sandbox_url, page_size=page_size)
    return _command([configs.DECLARATIVE], "read", folder, config, configs.peer_catalog())


def tutorial_read(folder: Path, sandbox_url: str, page_size: int) -> list[str]:
    config = configs.peer_config(sandbox_url, page_size=page_size)
    program = [configs.PYTHON, "-m", "benchmarks.peers.tutorial_source"]
    return _command(program, "read", folder, config, configs.peer_catalog())


def destination_write(folder: Path, config: dict[str, Any]) -> list[str]:
    return _command([configs.DESTINATION], "write", folder, config, configs.destination_catalog())
