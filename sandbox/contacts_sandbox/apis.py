"""The four APIs' names (as the admin endpoints spell them) and the path prefix each lives under."""

from __future__ import annotations

PREFIXES: dict[str, str] = {
    "custom": "/custom",
    "company": "/company",
    "crm": "/crm",
    "client_contacts": "/client-contacts",
}
NAMES = tuple(PREFIXES)


def api_of(path: str) -> str | None:
    """The API a request path belongs to, or None (admin, docs, unknown paths)."""
    for name, prefix in PREFIXES.items():
        if path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] == "/"):
            return name
    return None
