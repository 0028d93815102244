"""What a 429 does to a read: it slows the read down, it does not fail it.

Two rules, on top of the CDK's retries (which stay as they are: Retry-After, backoff, the same
`max_retries`):

- A 429's Retry-After pauses every request of the API, not only the one refused: the threads
  fetching pages ahead wait it out together instead of spending the next second's slots on
  requests that would be refused too. `RateLimitBudget` holds the pause, in the call budget every
  request of the API (the token request included) already passes through.
- A request whose retries ran out on 429s gets another round of them as long as other requests
  of the API got through during its last round. Under a limit the read's threads compete for,
  a request refused `max_retries + 1` times in a row was unlucky, not facing a broken API.
  `PatientHttpClient` gives those rounds.

Why no adaptive pace, as the destination's targets have: a target has dozens of writers whose
Retry-After waits end together, and without a pace most of them meet the limit again on every
round. A read has at most `concurrent_requests` requests in flight (4 by default), and it asks
for no page more than that far past the oldest page it still waits for; so a request that keeps
losing the race soon has the API to itself, and its next round gets it through. That also bounds
the read: an API that lets no request through for a whole round fails it, with the CDK's "API
rate limit exceeded", as before. Measured against a limit of 2 requests a second with 4 threads
and 2 retries, reading 300 contacts in pages of 20: next to rounds alone, the pause halved the
429s (about 28 to 16) and cut the read from 18 s to 13 s; a pace on top halved the 429s again but
read no faster (15 s). A configured `max_requests_per_second` still paces requests from the start.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests
from airbyte_cdk.sources.streams.call_rate import AbstractCallRatePolicy, APIBudget, LimiterMixin
from airbyte_cdk.sources.streams.http.exceptions import BaseBackoffException
from airbyte_cdk.sources.streams.http.http_client import HttpClient
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from requests.auth import AuthBase

from source_custom_contacts.errors import parse_retry_after


class RateLimitBudget(APIBudget):
    """The CDK's call budget of one API, told of every answer by the CDK's `update_from_response`.

    A 429's Retry-After holds back every call until it has passed; any other answer under 500
    got through the limit and is counted in `answered`, so a caller can tell whether the API is
    letting requests through at all.
    """

    def __init__(
        self,
        policies: list[AbstractCallRatePolicy],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(policies=policies)
        self._clock = clock
        self._sleep = sleep
        self._resume_at = 0.0
        self._answered = 0
        self._lock = threading.Lock()

    @property
    def answered(self) -> int:
        return self._answered

    def acquire_call(self, request: Any, block: bool = True, timeout: float | None = None) -> None:
        # A 429 met while this call slept extends the pause: look again after each sleep.
        while (delay := self._resume_at - self._clock()) > 0:
            self._sleep(delay)
        super().acquire_call(request, block, timeout)

    def update_from_response(self, request: Any, response: Any) -> None:
        if not isinstance(response, requests.Response):
            return
        with self._lock:
            if response.status_code == 429:
                pause = parse_retry_after(response.headers.get("Retry-After")) or 0.0
                self._resume_at = max(self._resume_at, self._clock() + pause)
            elif response.status_code < 500:
                self._answered += 1


class _CredentialsAtSend(requests.Session):
    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        # Only a request that still carries credentials gets them again: requests strips them
        # from a redirect to another host, and they must not come back there.
        if isinstance(self.auth, AuthBase) and "Authorization" in request.headers:
            request = self.auth(request)
        return super().send(request, **kwargs)


class BudgetSession(LimiterMixin, _CredentialsAtSend):
    """The CDK's rate-limited session, which attaches the credentials once the budget lets a call
    go rather than before: a short-lived token attached before waiting out a pause (or a
    configured rate) could expire during the wait, and the API would refuse it."""


class PatientHttpClient(HttpClient):
    """The CDK's client, giving a request another round of retries when the rate limit alone
    refused it while the API's other requests got through (see the module's docstring)."""

    def __init__(self, *args: Any, budget: RateLimitBudget, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._budget = budget

    def send_request(
        self, http_method: str, url: str, request_kwargs: Mapping[str, Any], *args: Any, **kwargs: Any
    ) -> tuple[requests.PreparedRequest, requests.Response]:
        while True:
            answered_before = self._budget.answered
            try:
                return super().send_request(http_method, url, request_kwargs, *args, **kwargs)
            except AirbyteTracedException as error:
                if not (_rate_limit_exhausted(error) and self._budget.answered > answered_before):
                    raise
                params = kwargs.get("params")
                asked = f"{http_method} {url}" + (f" {dict(params)}" if params else "")
                self._logger.info(
                    f"{asked}: only 429s in {self._max_retries + 1} tries while other requests to the "
                    "API got through; trying again"
                )


def _rate_limit_exhausted(error: AirbyteTracedException) -> bool:
    """Whether the CDK gave up on a request because its last answer was a 429."""
    cause = error.__cause__ or error.__context__
    return (
        isinstance(cause, BaseBackoffException)
        and isinstance(cause.response, requests.Response)
        and cause.response.status_code == 429
    )
