"""The READMEs' code blocks, run as they stand in the Markdown, each in a fresh process.

Every Python block runs; a shell block (`bash`, `sh`, `shell`) runs when the line before its fence
is `<!-- run by make test -->`. A block that cannot run here says why on that line instead:
`<!-- not run by make test: <reason> -->`, and is reported as skipped with its reason. A shell
block with neither marking, or a block that names no language, fails: nobody decided about it.

A block runs in an empty folder laid out as the READMEs assume: `.venv` is this virtualenv (its
`bin/` first on PATH, as when it is activated), a sandbox of the block's own serves with its data in
`.sandbox/sandbox.db` (as `make sandbox` keeps it), `secrets/` holds the example configs pointed at
that sandbox, and `catalog.json`, for a block that names it, is every stream the source discovers.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from connector_pair.examples import EXAMPLES, example_config
from connector_pair.sync import configured_catalog, discover, write_json

from contacts_sandbox.testing import SandboxProcess

REPO_ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+)\s*(?P<language>[\w-]*)")
RUN = "<!-- run by make test -->"
NOT_RUN = re.compile(r"^<!-- not run by make test: (?P<reason>\S.*?) -->$")
PYTHON = {"python", "py"}
SHELL = {"bash", "sh", "shell"}
# A block that still runs after this long hangs: its output is more use than pytest's timeout.
BLOCK_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Block:
    readme: str
    line: int
    language: str
    code: str
    marking: str

    @property
    def id(self) -> str:
        return f"{self.readme}:{self.line}"

    def not_run_because(self) -> str | None:
        marked = NOT_RUN.match(self.marking)
        return marked["reason"] if marked else None


def readmes() -> list[Path]:
    """The top README and each top-level folder's, leaving out hidden ones (`.venv`, caches)."""
    folders = sorted(path for path in REPO_ROOT.glob("*/README.md") if not path.parent.name.startswith("."))
    return [REPO_ROOT / "README.md", *folders]


def fenced_blocks(name: str, markdown: str) -> tuple[list[Block], list[int]]:
    """The fenced blocks of code or of no language (blocks of data, JSON or text, are left out),
    and the lines of markings that stand before no fence."""
    lines = markdown.splitlines()
    blocks: list[Block] = []
    stray_markings: list[int] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = FENCE.match(line)
        previous = lines[index - 1].strip() if index else ""
        if is_marking(line.strip()) and not FENCE.match(lines[index + 1] if index + 1 < len(lines) else ""):
            stray_markings.append(index + 1)
        if not opening:
            index += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        language = opening["language"].lower()
        if language in PYTHON | SHELL or not language:
            code = "\n".join(text[indent:] for text in lines[index + 1 : end]) + "\n"
            blocks.append(Block(name, index + 1, language, code, previous))
        index = end + 1
    return blocks, stray_markings


def is_marking(line: str) -> bool:
    return line == RUN or line.startswith("<!-- not run by make test")


def readme_blocks() -> tuple[list[Block], list[str]]:
    """Every README's blocks, and where its stray markings are."""
    blocks: list[Block] = []
    stray: list[str] = []
    for path in readmes():
        name = path.relative_to(REPO_ROOT).as_posix()
        found, stray_lines = fenced_blocks(name, path.read_text())
        blocks += found
        stray += [f"{name}:{line}" for line in stray_lines]
    return blocks, stray


def refusal(block: Block) -> str | None:
    """Why a block that is not marked as not run cannot be run either: nobody decided about it."""
    if not block.language:
        return f"{block.id}: the block names no language (python, bash, or text for output)"
    if block.language in SHELL and block.marking != RUN:
        return (
            f"{block.id}: a shell block says on the line before its fence whether make test runs it: "
            f"{RUN} or <!-- not run by make test: <reason> -->"
        )
    return None


BLOCKS, STRAY_MARKINGS = readme_blocks()


@contextmanager
def readme_folder(tmp_path: Path, block: Block) -> Iterator[Path]:
    """The folder the block runs in, laid out as the READMEs assume, with its sandbox serving."""
    folder = tmp_path / "work"
    (folder / ".sandbox").mkdir(parents=True)
    (folder / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    with SandboxProcess(contacts=40, db=str(folder / ".sandbox" / "sandbox.db")) as sandbox:
        for example in sorted(EXAMPLES.glob("*.json")):
            write_json(folder / "secrets" / example.name, example_config(example.name, sandbox.url))
        if "catalog.json" in block.code:
            streams = discover(folder / "secrets" / "source-custom-contacts.custom-api.json")
            write_json(folder / "catalog.json", configured_catalog(streams))
        yield folder


def command(block: Block, script: Path) -> list[str]:
    if block.language in PYTHON:
        return [sys.executable, str(script)]
    return ["bash", "-euo", "pipefail", str(script)]


def run_activated(folder: Path, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """`argv` run in `folder` as from a shell in which its `.venv` is activated."""
    venv = folder / ".venv"
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "VIRTUAL_ENV": str(venv),
    }
    return subprocess.run(
        argv, cwd=folder, env=env, capture_output=True, text=True, timeout=BLOCK_TIMEOUT_SECONDS, check=False
    )


def failed_checks(stdout: str) -> list[str]:
    """A check that fails still exits 0, as the Airbyte protocol has it: its status tells."""
    failed = []
    for line in stdout.splitlines():
        if line.startswith("{") and '"CONNECTION_STATUS"' in line:
            status = json.loads(line).get("connectionStatus", {})
            if status.get("status") == "FAILED":
                failed.append(status.get("message", line))
    return failed


@pytest.mark.parametrize("block", BLOCKS, ids=[block.id for block in BLOCKS])
def test_given_a_readme_code_block_when_run_as_written_then_it_succeeds(block: Block, tmp_path: Path) -> None:
    reason = block.not_run_because()
    if reason is not None:
        pytest.skip(f"{block.id} not run by make test: {reason}")
    problem = refusal(block)
    assert problem is None, problem
    script = tmp_path / ("block.py" if block.language in PYTHON else "block.sh")
    script.write_text(block.code)
    with readme_folder(tmp_path, block) as folder:
        completed = run_activated(folder, command(block, script))
    output = f"stdout:\n{completed.stdout[-4000:]}\nstderr:\n{completed.stderr[-4000:]}"
    assert completed.returncode == 0, f"{block.id} exited {completed.returncode}\n{output}"
    assert not failed_checks(completed.stdout), f"{block.id}: a check failed\n{output}"


def test_given_the_readmes_when_read_then_every_marking_stands_on_the_line_before_a_fence() -> None:
    assert not STRAY_MARKINGS, f"markings that stand before no code block: {STRAY_MARKINGS}"


SAMPLE = """# Sample
```bash
make bench
```
<!-- not run by make test: takes long -->
```bash
make bench
```
<!-- run by make test -->
```bash
true
```
```
plain
```
```json
{}
```
1. A step:

   ```python
   print("indented")
   ```
<!-- run by make test -->
Text, and no fence.
"""


def test_given_a_readme_with_every_kind_of_block_when_judged_then_only_the_undecided_ones_are_refused() -> (
    None
):
    blocks, stray = fenced_blocks("SAMPLE.md", SAMPLE)

    assert [(block.line, block.language) for block in blocks] == [
        (2, "bash"),
        (6, "bash"),
        (10, "bash"),
        (13, ""),
        (21, "python"),
    ]
    assert [block.line for block in blocks if refusal(block) and not block.not_run_because()] == [2, 13]
    assert blocks[1].not_run_because() == "takes long"
    assert blocks[4].code == 'print("indented")\n'
    assert stray == [24]


def test_given_output_with_a_failed_check_when_read_then_its_message_is_reported() -> None:
    passed = json.dumps({"type": "CONNECTION_STATUS", "connectionStatus": {"status": "SUCCEEDED"}})
    failed = json.dumps(
        {
            "type": "CONNECTION_STATUS",
            "connectionStatus": {"status": "FAILED", "message": "check api.base_url"},
        }
    )

    assert failed_checks(f"a log line\n{passed}\n{failed}\n") == ["check api.base_url"]
