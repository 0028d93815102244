"""A request that failed for good, told in the user's terms.

The CDK's HttpClient words a request it gave up on for developers, names the stream after the
client that sent it (the token request has a client of its own), and calls a token refused after
a refresh a config error even when the API had accepted this sync's tokens until then. Each
failure is rewritten here: the stream is the catalog's, the message names the cause and what to
do, and the failure type says whether the user has something to fix. A failure is recognised by
what it is (the exception's type, the status the request last met), never by the CDK's words,
which may change with the CDK.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import requests
from airbyte_cdk.models import AirbyteErrorTraceMessage, FailureType, StreamDescriptor
from airbyte_cdk.sources.streams.http.exceptions import BaseBackoffException
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_custom_contacts.transport.calls import Cause, Last, RetryAfterWaitExceeded, what_failed


@dataclass
class Answers:
    """How many answers a client's requests got, and how many of its data requests succeeded;
    counted by response hooks, from every thread that fetches pages."""

    answered: int = 0
    data_succeeded: int = 0
    # Whether the last token request was refused: then a data request's 401 is not about a token
    # the API issued.
    token_refused: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def on_token_answer(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        with self._lock:
            self.answered += 1
            self.token_refused = response.status_code in (401, 403)

    def on_data_answer(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        with self._lock:
            self.answered += 1
            if response.status_code < 400:
                self.data_succeeded += 1


@dataclass(frozen=True)
class FailureContext:
    api_name: str
    stream_name: str
    max_requests_per_second: int | None
    # Whether a data request's 401 makes the client renew its token and try once more.
    renews_tokens: bool = False


def explained(
    error: AirbyteTracedException, context: FailureContext, answers: Answers, last: Last = None
) -> AirbyteTracedException:
    """`last`: the last answer or exception the client's data requests met in this thread."""
    message, failure_type = _explain(error, context, answers, last)
    return AirbyteTracedException(
        message=message,
        internal_message=error.internal_message or message,
        failure_type=failure_type,
        stream_descriptor=StreamDescriptor(name=context.stream_name),
        exception=error,
    )


def _explain(
    error: AirbyteTracedException, context: FailureContext, answers: Answers, last: Last
) -> tuple[str, FailureType]:
    api = context.api_name
    failure_type = error.failure_type or FailureType.system_error
    # The CDK raises its own exception while handling the one its retries gave up on.
    gave_up = error.__context__ if isinstance(error.__context__, BaseBackoffException) else None
    failure = what_failed(gave_up.response if gave_up is not None else None)
    if isinstance(error, RetryAfterWaitExceeded) or failure.cause == Cause.RATE_LIMITED:
        now = context.max_requests_per_second
        setting = f"now {now}" if now is not None else "now unset"
        return (
            f"The {api} kept answering HTTP 429 (too many requests) through every retry: set "
            f"'max_requests_per_second' ({setting}) below the API's limit, and run the sync again.",
            FailureType.transient_error,
        )
    if gave_up is not None and failure.status is not None and failure.status >= 500:
        return (
            f"The {api} answered HTTP {failure.status}, a failure on its side: the sync can be retried "
            "later, and the API's owner told if it persists. Every retry failed the same way.",
            failure_type,
        )
    if gave_up is not None:
        return f"{gave_up} Every retry failed the same way.", failure_type
    # The CDK calls a request refused again after a renewal a config error (a renewal that failed
    # is transient); the token request itself was answered.
    renewed_token_refused = (
        context.renews_tokens
        and failure_type == FailureType.config_error
        and isinstance(last, requests.Response)
        and last.status_code in (401, 403)
        and not answers.token_refused
    )
    status = last.status_code if isinstance(last, requests.Response) else 401
    if renewed_token_refused and answers.data_succeeded:
        return (
            f"The {api} refused its own access tokens (HTTP {status}), a newly issued one included, after "
            "accepting them earlier in this sync: the fault is on the API's side, so the sync can "
            "be retried, and the API's owner told if it persists.",
            FailureType.transient_error,
        )
    if renewed_token_refused:
        return (
            f"The {api} issued an access token for the client id and secret, then refused it "
            f"(HTTP {status}), and a second one too: check that these credentials may read contacts.",
            FailureType.config_error,
        )
    return error.message or "", failure_type


def sync_failed(errors: list[AirbyteErrorTraceMessage]) -> AirbyteTracedException:
    """The closing error of a read in which streams failed. The CDK makes it a config error
    whatever the streams' errors were, so that a rate limit or an API's outage reads as the
    user's mistake; here it takes the type of the errors it sums up: config if any is, else
    system if any is, else transient."""
    types = {error.failure_type for error in errors}
    failure_type = next(
        (kind for kind in (FailureType.config_error, FailureType.system_error) if kind in types),
        FailureType.transient_error,
    )
    parts = [
        f"'{error.stream_descriptor.name if error.stream_descriptor else '?'}' ({error.message})"
        for error in errors
    ]
    message = f"The sync did not finish: {'; '.join(parts)}."
    return AirbyteTracedException(message=message, internal_message=message, failure_type=failure_type)
