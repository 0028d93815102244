"""Query parameters shared by the paged endpoints; invalid values answer 400 (see app.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

Page = Annotated[int, Query(ge=1, description="Page number, 1-based.")]
Limit = Annotated[int, Query(ge=1, le=1000, description="Records per page.")]


def offset_of(page: int, per_page: int) -> int:
    return (page - 1) * per_page


def page_count(total: int, per_page: int) -> int:
    return -(-total // per_page)
