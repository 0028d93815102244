"""Reading and checking JSON request bodies of the write endpoints (400 names the field)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request

from contacts_sandbox.responses import ApiError


async def json_object(request: Request, api: str, *, optional: bool = False) -> dict[str, Any]:
    body = await request.body()
    if not body.strip():
        if optional:
            return {}
        raise ApiError(api, 400, "a JSON object body is required")
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise ApiError(api, 400, f"the body is not valid JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise ApiError(api, 400, "the body must be a JSON object")
    return parsed


def reject_unknown(api: str, body: dict[str, Any], allowed: frozenset[str] | set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ApiError(api, 400, f"unknown field {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}")


def first_of(body: dict[str, Any], *spellings: str) -> Any:
    """The value under the first spelling present: the documents spell some fields two ways."""
    for spelling in spellings:
        if spelling in body:
            return body[spelling]
    return None
