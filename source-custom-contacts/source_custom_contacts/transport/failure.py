"""What a request that failed for good last met, read from its type and status.

The CDK's exception, once a request's retries are spent, words the cause for developers, and its
wording may change with the CDK. `RecordingErrorHandler` keeps, per thread, the last answer or
exception it judged, and `what_failed` reads it into a `Failure` that each connector words in its
user's terms, naming its own settings.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum
from typing import Any

import requests
from airbyte_cdk.sources.streams.http.error_handlers import ErrorResolution, HttpStatusErrorHandler

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
