"""How long an answer's Retry-After asks its request to wait, and the CDK backoff strategy that
waits it, within one bound for all the waits of one request.

Retry-After is seconds or an HTTP date in any of its three forms, which the standard library reads.
A date naming no zone is GMT, as every HTTP date is; RFC 850's two-digit year is the one with those
digits at most 50 years ahead, as HTTP asks. A wait is never negative: a date already past is now.

Only a 429 (too many requests) and a 503 (down for a while) are waited out: HTTP gives Retry-After
that meaning on those two. Any other retried answer, and one without a readable Retry-After, gets
the CDK's exponential backoff.
"""

from __future__ import annotations

import math
import re
import threading
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

# The most one request waits for Retry-Afters, all its retries together: an API that keeps one
# call waiting longer will not take the rest of the sync either.
MAX_WAIT_SECONDS = 600.0
HONOURED_STATUSES = frozenset({429, 503})
_TWO_DIGIT_YEAR = re.compile(r"-\d\d ")  # RFC 850: Sunday, 06-Nov-94 08:49:37 GMT

Now = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def retry_after_seconds(value: str | None, now: Now = _utc_now) -> float | None:
    """Seconds to wait, or None when the value is missing, empty or unreadable."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, number) if math.isfinite(number) else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    current = now()
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if _TWO_DIGIT_YEAR.search(text):
        earliest = current.year - 49
        try:
            when = when.replace(year=earliest + (when.year - earliest) % 100)
        except ValueError:  # 29 February, in a year that has none
            return None
    return max(0.0, (when - current).total_seconds())


class RetryAfterWaitExceeded(AirbyteTracedException):
    """One request was asked to wait longer in all than the bound allows."""

    def __init__(self, status: int, waited: float, asked: float, bound: float) -> None:
        what = "rate limited" if status == 429 else "unavailable"
        message = (
            f"{what} (HTTP {status}) after waiting {waited:g} s in all, and asked to wait {asked:g} s "
            f"more: past the bound of {bound:g} s"
        )
        super().__init__(message=message, internal_message=message, failure_type=FailureType.transient_error)
        self.status = status
        self.waited = waited


class RetryAfterBackoff(BackoffStrategy):
    """The Retry-After of a 429 or 503, for the request that got it; None otherwise (the CDK's
    exponential backoff). Raises `RetryAfterWaitExceeded` past the bound of one request's waits."""

    def __init__(self, bound: float = MAX_WAIT_SECONDS, now: Now = _utc_now) -> None:
        self._bound = bound
        self._now = now
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
        status = response_or_exception.status_code
        if status not in HONOURED_STATUSES:
            return None
        seconds = retry_after_seconds(response_or_exception.headers.get("Retry-After"), self._now)
        if seconds is None:
            return None
        request = response_or_exception.request
        with self._lock:
            waited = self._waited.get(request, 0.0) if request is not None else 0.0
            if waited + seconds > self._bound:
                raise RetryAfterWaitExceeded(status, waited, seconds, self._bound)
            if request is not None:
                self._waited[request] = waited + seconds
        # Zero would hand the retry to the CDK's exponential backoff: ask for the least wait instead.
        return max(seconds, 0.01)
