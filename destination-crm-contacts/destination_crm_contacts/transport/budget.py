"""One API's call budget: the CDK's `APIBudget` around its pace, told of every answer. Every
request to the API passes through it, from every client of that API."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
from airbyte_cdk.sources.streams.call_rate import APIBudget

from .pacing import PACING_MARGIN, RateLimitPacing


class PacedBudget(APIBudget):
    """Every answer under 500 goes to the pace (a 429 as rate limited), and is counted for the
    progress lines. A 5xx says nothing about the rate."""

    def __init__(self, pacing: RateLimitPacing) -> None:
        super().__init__(policies=[pacing])
        self.pacing = pacing
        self.answers = 0
        self.rate_limited_answers = 0
        self._count_lock = threading.Lock()

    def update_from_response(self, request: Any, response: Any) -> None:
        if not isinstance(response, requests.Response):
            return
        limited = response.status_code == 429
        with self._count_lock:
            self.answers += 1
            self.rate_limited_answers += limited
        if limited or response.status_code < 500:
            self.pacing.answered(request, rate_limited=limited)


def paced_budget(
    name: str,
    requests_per_second: float | None,
    logger: logging.Logger,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> PacedBudget:
    """Unpaced until 429s call for it, unless a rate is configured: then paced under it from the
    start. `name` names the API in the pace's log lines."""
    ceiling = requests_per_second * PACING_MARGIN if requests_per_second else None
    return PacedBudget(RateLimitPacing(name, logger, ceiling, clock, sleep))
