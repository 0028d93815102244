"""A request that failed for good, told in the user's terms.

The CDK's HttpClient words a request it gave up on for developers ("Exhausted available request
attempts. Please see logs for more details. Exception: ...", "API rate limit exceeded."), names
the stream after the client that sent it (the token request has a client of its own), and calls a
token refused after a refresh a config error even when the API had accepted this sync's tokens
until then. Each failure is rewritten here: the stream is the catalog's, the message names the
cause and what to do, and the failure type says whether the user has something to fix.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import requests
from airbyte_cdk.models import AirbyteErrorTraceMessage, FailureType, StreamDescriptor
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

# The CDK's message when a request is refused again with a token it has just renewed.
CDK_RENEWED_TOKEN_REFUSED = "Refreshed OAuth access token is rejected by the API."
# The CDK's message when a request's retries (or their total wait) ran out on 429s.
CDK_RATE_LIMIT_EXHAUSTED = "API rate limit exceeded."
# Its message when they ran out on anything else, followed by the last error's own message.
CDK_GAVE_UP_PREFIX = "Exhausted available request attempts. Please see logs for more details. Exception: "


@dataclass
class Answers:
    """How many answers a client's requests got, and how many of its data requests succeeded;
    counted by response hooks, from every thread that fetches pages."""

    answered: int = 0
    data_succeeded: int = 0
    # The status of the last data answer that refused the access token (401 or 403).
    last_refusal: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def on_token_answer(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        with self._lock:
            self.answered += 1

    def on_data_answer(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        with self._lock:
            self.answered += 1
            if response.status_code < 400:
                self.data_succeeded += 1
            elif response.status_code in (401, 403):
                self.last_refusal = response.status_code


@dataclass(frozen=True)
class FailureContext:
    api_name: str
    stream_name: str
    max_requests_per_second: int | None


def explained(
    error: AirbyteTracedException, context: FailureContext, answers: Answers
) -> AirbyteTracedException:
    message, failure_type = _explain(error, context, answers)
    return AirbyteTracedException(
        message=message,
        internal_message=error.internal_message or message,
        failure_type=failure_type,
        stream_descriptor=StreamDescriptor(name=context.stream_name),
        exception=error,
    )


def _explain(
    error: AirbyteTracedException, context: FailureContext, answers: Answers
) -> tuple[str, FailureType]:
    api = context.api_name
    failure_type = error.failure_type or FailureType.system_error
    message = error.message or ""
    if message == CDK_RENEWED_TOKEN_REFUSED:
        status = answers.last_refusal or 401
        if answers.data_succeeded:
            return (
                f"The {api} refused its own access tokens (HTTP {status}), a newly issued one included, "
                "after accepting them earlier in this sync: the fault is on the API's side, so the sync can "
                "be retried, and the API's owner told if it persists.",
                FailureType.transient_error,
            )
        return (
            f"The {api} issued an access token for the client id and secret, then refused it "
            f"(HTTP {status}), and a second one too: check that these credentials may read contacts.",
            FailureType.config_error,
        )
    if message == CDK_RATE_LIMIT_EXHAUSTED:
        now = context.max_requests_per_second
        setting = f"now {now}" if now is not None else "now unset"
        return (
            f"The {api} kept answering HTTP 429 (too many requests) through every retry: set "
            f"'max_requests_per_second' ({setting}) below the API's limit, and run the sync again.",
            FailureType.transient_error,
        )
    if message.startswith(CDK_GAVE_UP_PREFIX):
        last_error = message.removeprefix(CDK_GAVE_UP_PREFIX)
        return f"{_first_sentence(last_error, api)} Every retry failed the same way.", failure_type
    return message, failure_type


def _first_sentence(text: str, api: str) -> str:
    # The CDK's own words for a server error ("HTTP Status Code: 503. Error: Service unavailable.").
    if text.startswith("HTTP Status Code: "):
        status = text.removeprefix("HTTP Status Code: ").split(".", 1)[0]
        return (
            f"The {api} answered HTTP {status}, a failure on its side: the sync can be retried later, "
            "and the API's owner told if it persists."
        )
    return text


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
