"""Where things are: the repository, its virtualenv and the benchmark's own files."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
PEERS = BENCHMARKS / "peers"
SECRETS_EXAMPLE = REPO / "secrets.example"
REPORT = BENCHMARKS / "REPORT.md"
# The interpreter running the benchmark lives in the project's virtualenv, beside the connectors.
BIN = Path(sys.executable).parent
