"""The identity marker the connector writes into a CRM contact: `[source-id:<key>]`, the whole
value of its identity field. The closing bracket keeps a CRM that matches substrings from taking
key 12 for key 123."""

from __future__ import annotations

import re
from typing import Any

MARKER_PREFIX = "[source-id:"
_MARKERS = re.compile(r"\[source-id:([^\]]+)\]")


def marker(key: str) -> str:
    return f"{MARKER_PREFIX}{key}]"


def markers_in(text: Any) -> list[str]:
    """The source keys of the markers in a field's value."""
    return _MARKERS.findall(text) if isinstance(text, str) else []
