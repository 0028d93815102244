"""Query parameters of the paged endpoints.

The hot read paths (a page of contacts) parse their few integers by hand: FastAPI's parameter
machinery costs more than the page itself. Their parameters are still described in the OpenAPI
document, through `query_parameters`. Invalid values answer 400 naming the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query, Request

from contacts_sandbox.responses import ApiError

Page = Annotated[int, Query(ge=1, description="Page number, 1-based.")]


@dataclass(frozen=True)
class IntParam:
    name: str
    description: str
    minimum: int
    maximum: int | None = None
    default: int | None = None  # None: required

    def read(self, request: Request, api: str) -> int:
        raw = request.query_params.get(self.name)
        if raw is None:
            if self.default is None:
                raise ApiError(api, 400, f"{self.name} is required")
            return self.default
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value < self.minimum or (self.maximum is not None and value > self.maximum):
            bounds = (
                f"from {self.minimum} to {self.maximum}" if self.maximum is not None else f">= {self.minimum}"
            )
            raise ApiError(api, 400, f"{self.name} must be an integer {bounds}, got {raw!r}")
        return value

    def openapi(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer", "minimum": self.minimum}
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.default is not None:
            schema["default"] = self.default
        return {
            "name": self.name,
            "in": "query",
            "required": self.default is None,
            "description": self.description,
            "schema": schema,
        }


PAGE = IntParam("page", "Page number, 1-based.", minimum=1, default=1)
LIMIT = IntParam("limit", "Records per page.", minimum=1, maximum=1000, default=10)


def query_parameters(*params: IntParam, extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """`openapi_extra` describing parameters a route reads by hand."""
    return {"parameters": [param.openapi() for param in params] + (extra or [])}


def offset_of(page: int, per_page: int) -> int:
    return (page - 1) * per_page


def page_count(total: int, per_page: int) -> int:
    return -(-total // per_page)
