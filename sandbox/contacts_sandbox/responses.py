"""JSON answers built straight from bytes, and the error shape of each API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from starlette.responses import Response

JSON = "application/json"


def json_response(content: Any, status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(orjson.dumps(content), status_code=status_code, media_type=JSON, headers=headers)


def raw_json_response(body: bytes, status_code: int = 200) -> Response:
    return Response(body, status_code=status_code, media_type=JSON)


def json_array(items: Iterable[bytes]) -> bytes:
    """A JSON array from already serialised items: how every page is built."""
    return b"[" + b",".join(items) + b"]"


def error_body(api: str | None, message: str) -> dict[str, Any]:
    """The Client Contacts API wraps everything in `success`; the others answer `{"error": ...}`."""
    if api == "client_contacts":
        return {"success": False, "error": message}
    return {"error": message}


class ApiError(Exception):
    """An error answer of one API, raised from a dependency or a route."""

    def __init__(
        self, api: str | None, status_code: int, message: str, headers: Mapping[str, str] | None = None
    ):
        super().__init__(message)
        self.api = api
        self.status_code = status_code
        self.message = message
        self.headers = dict(headers or {})

    def response(self) -> Response:
        return json_response(error_body(self.api, self.message), self.status_code, self.headers)


def found(api: str, what: str, document: dict[str, Any] | None) -> dict[str, Any]:
    """The document a route asked for, or the API's 404 saying `what` is not found."""
    if document is None:
        raise ApiError(api, 404, f"{what} not found")
    return document
