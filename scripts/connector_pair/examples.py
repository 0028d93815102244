"""The example configs in `secrets.example/`, which point at a sandbox on port 8765."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = REPO_ROOT / "secrets.example"
SANDBOX_URL = "http://127.0.0.1:8765"


def example_config(name: str, url: str = SANDBOX_URL) -> dict[str, Any]:
    """An example config, pointed at the sandbox serving on `url`."""
    config: dict[str, Any] = json.loads((EXAMPLES / name).read_text().replace(SANDBOX_URL, url.rstrip("/")))
    return config
