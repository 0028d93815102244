"""How long a request waits before its retry: what the API's Retry-After asks, within a bound.

The CDK's client asks the strategy after each answer it retries. A 429 or 503 with a readable
Retry-After is waited out by the request that got it (the CDK adds a second of its own); without
one, the CDK's exponential backoff applies. One request's waits add up: past
`MAX_RATE_LIMIT_WAIT_SECONDS` the request stops waiting and the sync fails, since an API that keeps
one call waiting that long will not take the rest of the sync either.
"""

from __future__ import annotations

import threading
import weakref

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.clients.retry_after import RetryAfter

MAX_RATE_LIMIT_WAIT_SECONDS = 300.0
# Answers whose Retry-After is honoured: a rate limit, and a server down for a while.
_WAITED_OUT = frozenset({429, 503})


class RateLimitWaitExceeded(AirbyteTracedException):
    """One request was asked to wait longer in all than the bound allows."""

    def __init__(self, waited: float, asked: float) -> None:
        message = (
            f"rate limited (HTTP 429) after waiting {waited:g} s in all, and asked to wait {asked:g} s "
            f"more: past the bound of {MAX_RATE_LIMIT_WAIT_SECONDS:g} s"
        )
        super().__init__(message=message, internal_message=message, failure_type=FailureType.transient_error)
        self.waited = waited


class RetryAfterBackoff(BackoffStrategy):
    """The Retry-After of a 429 or 503, for the request that got it; None otherwise (the CDK's
    exponential backoff). Raises `RateLimitWaitExceeded` past the bound of one request's waits."""

    def __init__(self, retry_after: RetryAfter | None = None, bound: float = MAX_RATE_LIMIT_WAIT_SECONDS):
        self._retry_after = retry_after or RetryAfter()
        self._bound = bound
        # Waits so far, per request: the CDK sends the same prepared request again on a retry.
        self._waited: weakref.WeakKeyDictionary[requests.PreparedRequest, float] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def backoff_time(
        self,
        response_or_exception: requests.Response | requests.RequestException | None,
        attempt_count: int,
    ) -> float | None:
        if not isinstance(response_or_exception, requests.Response):
            return None
        if response_or_exception.status_code not in _WAITED_OUT:
            return None
        seconds = self._retry_after.of(response_or_exception.headers)
        if seconds is None:
            return None
        request = response_or_exception.request
        with self._lock:
            waited = self._waited.get(request, 0.0) if request is not None else 0.0
            if waited + seconds > self._bound:
                raise RateLimitWaitExceeded(waited, seconds)
            if request is not None:
                self._waited[request] = waited + seconds
        # Zero would hand the retry to the CDK's exponential backoff: ask for the least wait instead.
        return max(seconds, 0.01)
