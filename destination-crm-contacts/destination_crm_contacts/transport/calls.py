"""What one API's calls go through: the call budget around the pace, the wait a Retry-After asks,
and what a request that failed for good last met.

The budget: the CDK's `APIBudget` around the pace (`pacing.py`), told of every answer. Every request
to the API passes through it, from every client of that API.

Retry-After is seconds or an HTTP date in any of its three forms, which the standard library reads.
A date naming no zone is GMT, as every HTTP date is; RFC 850's two-digit year is the one with those
digits at most 50 years ahead, as HTTP asks. A wait is never negative: a date already past is now.
Only a 429 (too many requests) and a 503 (down for a while) are waited out: HTTP gives Retry-After
that meaning on those two. Any other retried answer, and one without a readable Retry-After, gets
the CDK's exponential backoff, within one bound for all the waits of one request.

The CDK's exception, once a request's retries are spent, words the cause for developers, and its
wording may change with the CDK. `RecordingErrorHandler` keeps, per thread, the last answer or
exception it judged, and `what_failed` reads it into a `Failure` that each connector words in its
user's terms, naming its own settings.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import Enum
from typing import Any

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.call_rate import APIBudget
from airbyte_cdk.sources.streams.http.error_handlers import (
    BackoffStrategy,
    ErrorResolution,
    HttpStatusErrorHandler,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

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


Last = requests.Response | Exception | None


class RecordingErrorHandler(HttpStatusErrorHandler):
    """The CDK's status handler, keeping per thread the last answer or exception it judged."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last = threading.local()

    def interpret_response(self, response_or_exception: Last = None) -> ErrorResolution:
        self._last.value = response_or_exception
        return super().interpret_response(response_or_exception)

    @property
    def last(self) -> Last:
        return getattr(self._last, "value", None)


class Cause(Enum):
    NO_ANSWER = "no answer within the timeout"
    NOT_ACCEPTED = "no connection accepted within the timeout"
    UNREACHABLE = "the connection failed"
    RATE_LIMITED = "rate limited"
    ANSWERED = "an error answer"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Failure:
    cause: Cause
    # The status of an error answer (429 included).
    status: int | None = None
    # For UNREACHABLE, how: in the words the OS and urllib3 use, read into a short phrase.
    problem: str = ""


def what_failed(last: Last) -> Failure:
    if isinstance(last, requests.Response):
        if last.status_code == 429:
            return Failure(Cause.RATE_LIMITED, 429)
        return Failure(Cause.ANSWERED, last.status_code)
    if isinstance(last, requests.ConnectTimeout):
        return Failure(Cause.NOT_ACCEPTED)
    if isinstance(last, requests.Timeout):
        return Failure(Cause.NO_ANSWER)
    if isinstance(last, requests.RequestException) and not isinstance(last, requests.HTTPError):
        text = str(last).lower()
        if "timed out" in text:
            return Failure(Cause.NOT_ACCEPTED)
        return Failure(Cause.UNREACHABLE, problem=_connection_problem(last, text))
    return Failure(Cause.UNKNOWN)


def _connection_problem(error: requests.RequestException, text: str) -> str:
    if "name or service not known" in text or "name resolution" in text or "nodename nor servname" in text:
        return "the host name does not resolve"
    if "refused" in text:
        return "the connection was refused (nothing listens at that host and port)"
    if isinstance(error, requests.exceptions.SSLError):
        return "the TLS handshake failed"
    return "the connection failed"
