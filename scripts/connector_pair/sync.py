"""One sync: the source's `read` and the destination's `write` as two processes, joined by pipes.

The runner sits between them as Airbyte's replication worker does: it relays records, states and
traces from the source's stdout to the destination's stdin, keeps the logs for itself, and saves a
state only once the destination hands it back (the destination confirms a state after everything
before it is written), so a failed sync resumes from the last confirmed state.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import orjson

BIN = Path(sys.executable).parent
SOURCE = "source-custom-contacts"
DESTINATION = "destination-crm-contacts"
TOTALS_EVENT = "crm_contacts_totals"

# Lines the destination must see; everything else the source prints stays with the runner.
RELAYED = (b"RECORD", b"STATE", b"TRACE")


class Connector(Protocol):
    """A connector's command line, running: a `subprocess.Popen` with binary pipes, or like one."""

    stdin: IO[bytes] | None
    stdout: IO[bytes] | None
    stderr: IO[bytes] | None

    def poll(self) -> int | None: ...

    def wait(self) -> int: ...

    def kill(self) -> None: ...


def start_process(command: list[str], stdin: bool = False) -> Connector:
    """The connector's console script as a process of its own, its output on pipes."""
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE if stdin else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


# How a sync starts each connector; tests that run many syncs start them forked from a process
# that imported them (`contacts_sandbox.forked_cli`).
start_connector: Callable[[list[str], bool], Connector] = start_process


def executable(name: str) -> str:
    """The connector's console script in this virtualenv (as an image's entrypoint runs it)."""
    path = BIN / name
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `make install` first")
    return str(path)


def write_json(path: Path, value: Any) -> None:
    """Write atomically: a state file is never seen half written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    partial.replace(path)


def discover(source_config: Path, timeout: float = 120) -> list[dict[str, Any]]:
    """The streams the source offers for this config."""
    completed = subprocess.run(
        [executable(SOURCE), "discover", "--config", str(source_config)],
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith(b"{") and b'"CATALOG"' in line:
            message = orjson.loads(line)
            if message.get("type") == "CATALOG":
                streams: list[dict[str, Any]] = message["catalog"]["streams"]
                return streams
    raise RuntimeError(
        f"discover with {source_config} gave no catalog (exit {completed.returncode}):\n"
        f"{completed.stdout.decode(errors='replace')[-2000:]}{completed.stderr.decode(errors='replace')[-2000:]}"
    )


def configured_catalog(streams: list[dict[str, Any]], full_refresh: bool = False) -> dict[str, Any]:
    """Every stream, incremental with dedup where the source supports it (what a user picks to
    mirror contacts), otherwise full refresh; `full_refresh` forces full refresh + overwrite."""
    configured = []
    for stream in streams:
        incremental = "incremental" in stream.get("supported_sync_modes", []) and not full_refresh
        entry: dict[str, Any] = {
            "stream": stream,
            "sync_mode": "incremental" if incremental else "full_refresh",
            "destination_sync_mode": "append_dedup" if incremental else "overwrite",
        }
        if incremental:
            entry["cursor_field"] = stream.get("default_cursor_field", [])
        if stream.get("source_defined_primary_key"):
            entry["primary_key"] = stream["source_defined_primary_key"]
        configured.append(entry)
    return {"streams": configured}


@dataclass
class Progress:
    records_read: int = 0
    records_confirmed: int = 0
    states_confirmed: int = 0


@dataclass
class SyncResult:
    records_read: int
    states_confirmed: int
    totals: dict[str, dict[str, int]]
    source_exit: int | None
    destination_exit: int | None
    errors: list[str]
    seconds: float
    log_path: Path
    streams_read: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.source_exit == 0 and self.destination_exit == 0 and not self.errors


class StateFile:
    """The latest confirmed state of each stream, in the list form `read --state` accepts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._states: dict[str, dict[str, Any]] = {}
        if path.exists():
            for state in json.loads(path.read_text() or "[]"):
                self._states[self._key(state)] = state

    @property
    def exists(self) -> bool:
        return bool(self._states)

    @staticmethod
    def _key(state: Mapping[str, Any]) -> str:
        if state.get("type") == "STREAM":
            descriptor = state["stream"]["stream_descriptor"]
            return f"{descriptor.get('namespace') or ''}.{descriptor['name']}"
        return str(state.get("type") or "LEGACY")

    def confirm(self, state: Mapping[str, Any]) -> None:
        kept = {key: value for key, value in state.items() if key not in ("sourceStats", "destinationStats")}
        self._states[self._key(kept)] = kept
        write_json(self.path, list(self._states.values()))

    def as_list(self) -> list[dict[str, Any]]:
        return list(self._states.values())


def run_sync(
    source_config: Path,
    destination_config: Path,
    catalog: Mapping[str, Any],
    state_file: Path,
    work_dir: Path,
    on_progress: Callable[[Progress], None] | None = None,
    timeout: float = 600,
    on_first_record: Callable[[], None] | None = None,
    on_connector_progress: Callable[[str, str], None] | None = None,
) -> SyncResult:
    """Run one sync and save every state the destination confirms into `state_file`.

    `on_first_record` runs once the source has emitted its first record, while it goes on reading
    (tests change the source then, to land a change in the middle of a read).
    `on_connector_progress(who, line)` gets each progress line a connector logs ("source" or
    "destination"): the source's every few seconds per stream, the destination's per target."""
    work_dir.mkdir(parents=True, exist_ok=True)
    catalog_path = work_dir / "catalog.json"
    write_json(catalog_path, catalog)
    states = StateFile(state_file)
    source_command = [
        executable(SOURCE),
        "read",
        "--config",
        str(source_config),
        "--catalog",
        str(catalog_path),
    ]
    if states.exists:
        input_state = work_dir / "input_state.json"
        write_json(input_state, states.as_list())
        source_command += ["--state", str(input_state)]
    destination_command = [
        executable(DESTINATION),
        "write",
        "--config",
        str(destination_config),
        "--catalog",
        str(catalog_path),
    ]
    log_path = work_dir / "sync.log"
    progress = Progress()
    errors: list[str] = []
    totals: dict[str, dict[str, int]] = {}
    streams_read: dict[str, int] = {}
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        log_lock = threading.Lock()

        def note(who: str, line: str) -> None:
            with log_lock:
                log.write(f"{time.monotonic() - started:7.2f}s {who}: {line}\n")
            if on_connector_progress is not None and PROGRESS_LINE.match(line):
                on_connector_progress(who, line.removeprefix("INFO "))

        source = start_connector(source_command, False)
        destination = start_connector(destination_command, True)
        if not (source.stdout and source.stderr and destination.stdin and destination.stdout):
            raise RuntimeError("the connectors' pipes did not open")

        def relay() -> None:
            sink = destination.stdin
            if sink is None or source.stdout is None:
                return
            try:
                for line in source.stdout:
                    kind = _message_type(line)
                    if kind == b"RECORD":
                        progress.records_read += 1
                        if progress.records_read == 1 and on_first_record is not None:
                            on_first_record()
                        stream = _record_stream(line)
                        streams_read[stream] = streams_read.get(stream, 0) + 1
                    elif kind == b"TRACE" or kind == b"LOG":
                        _note_message("source", line, note, errors)
                    elif kind is None and line.strip():
                        note("source", line.decode(errors="replace").rstrip())
                    if kind in RELAYED:
                        sink.write(line)
            except BrokenPipeError:
                errors.append("the destination stopped reading before the source finished")
            finally:
                with contextlib.suppress(BrokenPipeError):
                    sink.close()

        threads = [
            threading.Thread(target=relay, name="relay", daemon=True),
            threading.Thread(target=_drain, args=(source.stderr, "source stderr", note), daemon=True),
            threading.Thread(
                target=_drain, args=(destination.stderr, "destination stderr", note), daemon=True
            ),
        ]
        finished = threading.Event()
        if on_progress is not None:
            report = on_progress

            def tick() -> None:
                while not finished.wait(0.5):
                    report(progress)

            threads.append(threading.Thread(target=tick, name="progress", daemon=True))
        for thread in threads:
            thread.start()
        watchdog = threading.Timer(timeout, _kill, args=(source, destination, errors, timeout))
        watchdog.start()
        try:
            for line in destination.stdout:
                kind = _message_type(line)
                if kind == b"STATE":
                    state = orjson.loads(line)["state"]
                    states.confirm(state)
                    progress.states_confirmed += 1
                    progress.records_confirmed += int(
                        (state.get("destinationStats") or {}).get("recordCount") or 0
                    )
                elif kind in (b"LOG", b"TRACE"):
                    event = _note_message("destination", line, note, errors)
                    if event is not None:
                        totals = event.get("targets", {})
                elif line.strip():
                    note("destination", line.decode(errors="replace").rstrip())
            destination_exit = destination.wait()
            if destination_exit != 0 and source.poll() is None:
                source.kill()
            source_exit = source.wait()
            finished.set()
            for thread in threads:
                thread.join(timeout=10)
        finally:
            finished.set()
            watchdog.cancel()
            _kill(source, destination, None, timeout)
        if on_progress is not None:
            on_progress(progress)
    return SyncResult(
        records_read=progress.records_read,
        states_confirmed=progress.states_confirmed,
        totals=totals,
        source_exit=source_exit,
        destination_exit=destination_exit,
        errors=errors,
        seconds=time.monotonic() - started,
        log_path=log_path,
        streams_read=streams_read,
    )


# The connectors' progress lines, as logged (level first): the source's per stream
# ("contacts: 9,000 records, ..." or "contacts: done, ..."), the destination's per target
# ("crm: 3 batches, 2,400 contacts so far: ...").
PROGRESS_LINE = re.compile(r"^INFO [\w.]+: ((done, )?[\d,]+ records, |\d+ batches, )")


def _message_type(line: bytes) -> bytes | None:
    """The message's type without parsing the whole line (records are most of the traffic)."""
    start = line.find(b'"type":"')
    if start < 0 or not line.startswith(b"{"):
        return None
    start += len(b'"type":"')
    end = line.find(b'"', start)
    return line[start:end] if end > start else None


def _record_stream(line: bytes) -> str:
    try:
        return str(orjson.loads(line)["record"]["stream"])
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return "?"


def _note_message(
    who: str, line: bytes, note: Callable[[str, str], None], errors: list[str]
) -> dict[str, Any] | None:
    """Log a LOG or TRACE message; remember errors; return the destination's totals event."""
    try:
        message = orjson.loads(line)
    except orjson.JSONDecodeError:
        note(who, line.decode(errors="replace").rstrip())
        return None
    if message.get("type") == "LOG":
        text = str(message["log"].get("message", ""))
        note(who, f"{message['log'].get('level', 'INFO')} {text}")
        if text.startswith("{") and TOTALS_EVENT in text:
            try:
                event: dict[str, Any] = json.loads(text)
            except json.JSONDecodeError:
                return None
            if event.get("event") == TOTALS_EVENT:
                return event
        return None
    trace = message.get("trace") or {}
    if trace.get("type") == "ERROR":
        error = trace.get("error") or {}
        errors.append(f"{who}: {error.get('message')}")
        note(who, f"ERROR {error.get('message')}\n{error.get('stack_trace') or ''}")
    return None


def _drain(stream: IO[bytes], who: str, note: Callable[[str, str], None]) -> None:
    for line in stream:
        text = line.decode(errors="replace").rstrip()
        if text:
            note(who, text)


def _kill(
    source: Connector,
    destination: Connector,
    errors: list[str] | None,
    timeout: float,
) -> None:
    for process in (source, destination):
        if process.poll() is None:
            if errors is not None:
                errors.append(f"the sync ran longer than {timeout:.0f}s and was stopped")
                errors = None
            process.kill()
            process.wait()
