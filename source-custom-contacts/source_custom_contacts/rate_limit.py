"""What a 429 does to a read: it slows the read down, within a bounded wait; it does not fail it.

The CDK does the retrying: the error policy answers a 429 with its `RATE_LIMITED` action, and
`RetryAfterBackoff` makes the request that got the 429 wait that answer's Retry-After before it
is sent again (without one, the CDK's own rate-limit backoff applies). No other request waits
for it. Two pieces plug into the CDK's call budget, which every request of the API passes
through (the token request included):

- a configured `max_requests_per_second`, the CDK's moving-window call-rate policy, paces from
  the start;
- `AdaptivePace` (see `pace.py`) slows the API's requests down only while that removes 429s.

A request waits at most `MAX_RATE_LIMIT_WAIT_SECONDS` in all for the rate limit: then the sync
fails with a transient error that names the API and `max_requests_per_second`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import requests
from airbyte_cdk.sources.streams.call_rate import (
    AbstractCallRatePolicy,
    APIBudget,
    LimiterMixin,
    MovingWindowCallRatePolicy,
    Rate,
)
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy
from requests.auth import AuthBase

from source_custom_contacts.pace import AdaptivePace
from source_custom_contacts.retry_after import RetryAfter

# The most one request waits, all its retries together, for an API that keeps refusing it.
MAX_RATE_LIMIT_WAIT_SECONDS = 600


class RetryAfterBackoff(BackoffStrategy):
    """Waits as long as the answer's Retry-After asks, up to the bounded total wait; without a
    readable Retry-After, returns None so that the CDK's own backoff applies."""

    def __init__(
        self, retry_after: RetryAfter | None = None, max_wait: float = MAX_RATE_LIMIT_WAIT_SECONDS
    ) -> None:
        self._retry_after = retry_after or RetryAfter()
        self._max_wait = max_wait

    def backoff_time(
        self,
        response_or_exception: requests.Response | requests.RequestException | None,
        attempt_count: int,
    ) -> float | None:
        if not isinstance(response_or_exception, requests.Response):
            return None
        seconds = self._retry_after.seconds(response_or_exception.headers.get("Retry-After"))
        return None if seconds is None else min(seconds, self._max_wait)


class PacedBudget(APIBudget):
    """The CDK's call budget of one API, with the adaptive pace in front of its policies and told
    of every answer (the CDK calls `update_from_response` after each send)."""

    def __init__(
        self,
        policies: list[AbstractCallRatePolicy],
        pace: AdaptivePace,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(policies=policies)
        self._pace = pace
        self._sleep = sleep

    @property
    def pace(self) -> AdaptivePace:
        return self._pace

    def acquire_call(self, request: Any, block: bool = True, timeout: float | None = None) -> None:
        delay = self._pace.delay()
        if delay > 0:
            self._sleep(delay)
        super().acquire_call(request, block, timeout)

    def update_from_response(self, request: Any, response: Any) -> None:
        if isinstance(response, requests.Response):
            self._pace.answered(response.status_code)


def paced_budget(
    max_requests_per_second: int | None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> PacedBudget:
    """One budget per API, shared by every client of that API: the API counts all their requests."""
    policies: list[AbstractCallRatePolicy] = []
    if max_requests_per_second is not None:
        rate = Rate(limit=max_requests_per_second, interval=timedelta(seconds=1))
        policies.append(MovingWindowCallRatePolicy(rates=[rate], matchers=[]))
    return PacedBudget(policies=policies, pace=AdaptivePace(clock=clock), sleep=sleep)


class _CredentialsAtSend(requests.Session):
    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        # Only a request that still carries credentials gets them again: requests strips them
        # from a redirect to another host, and they must not come back there.
        if isinstance(self.auth, AuthBase) and "Authorization" in request.headers:
            request = self.auth(request)
        return super().send(request, **kwargs)


class BudgetSession(LimiterMixin, _CredentialsAtSend):
    """The CDK's rate-limited session, which attaches the credentials once the budget lets a call
    go rather than before: a short-lived token attached before waiting out the pace (or a
    configured rate) could expire during the wait, and the API would refuse it."""
