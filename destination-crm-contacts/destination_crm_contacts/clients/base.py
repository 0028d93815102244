"""HTTP plumbing shared by both target APIs: one session, the CDK's HttpClient, and error policy.

Every request goes through the CDK's `HttpClient`, in one of two modes:

- idempotent (reads, edits, deletes): timeouts, dropped connections, 5xx and 429 are retried;
- once (creates): only 429 is retried, since the server refused the request before doing it.
  A timeout, a dropped connection or a 5xx may hide a create that committed, so the client
  gets `None` (answer lost) or the 5xx back and looks the contact up before trying again.

A 4xx other than 408/429 is handed back to the caller. 401 and 403 fail the sync (the key). The
caller decides between "gone" (404 on an edit or a delete, where that is what it means) and a
refusal (`answers.refusal`): only an answer about the request's content (400, 409, 413, 422) rejects the
one record; any other (404 on a create, 405, ...) says the settings do not lead to the API, and
fails the sync before its state is confirmed. So does a request that fails after its retries, with
a message naming the host and the setting to look at (`request_timeout_seconds` for a timeout).

A 429 is retried by the CDK (`RATE_LIMITED`) after its Retry-After (`transport.calls`),
by the request that got it alone; the target's pace (`transport.pacing`, in the session's
`APIBudget`) slows down only when that makes the 429s rarer, so a sustained limit makes the sync
slower, not failed, and sporadic 429s do not slow it at all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypedDict, Unpack
from urllib.parse import urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http import HttpClient
from airbyte_cdk.sources.streams.http.error_handlers import ErrorResolution, ResponseAction
from airbyte_cdk.sources.streams.http.error_handlers.default_error_mapping import DEFAULT_ERROR_MAPPING
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.clients.answers import error_reason
from destination_crm_contacts.clients.auth import ApiKeyAuthenticator
from destination_crm_contacts.clients.http_logs import quiet_http_logs
from destination_crm_contacts.clients.session import build_session
from destination_crm_contacts.config import TargetLimits
from destination_crm_contacts.errors import StillFailingError, TargetError
from destination_crm_contacts.transport.calls import (
    MAX_WAIT_SECONDS,
    Cause,
    Last,
    RecordingErrorHandler,
    RetryAfterBackoff,
    RetryAfterWaitExceeded,
    paced_budget,
    what_failed,
)

_TRANSPORT_ERRORS: tuple[type[Exception], ...] = (
    requests.ConnectionError,
    requests.Timeout,
    requests.ConnectTimeout,
    requests.ReadTimeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ProxyError,
    requests.exceptions.SSLError,
)


def _error_mapping(
    target: str, *, retry_unsafe: bool, fail_fast: bool = False, learning: bool = False
) -> dict[Any, ErrorResolution]:
    """`fail_fast` (check): a timeout, a dropped connection or a 5xx fails at once, since the CDK's
    backoff between tries would take longer than a check may; a 429 is still waited out.
    `learning`: a bare 500 comes back to the caller, who may be trying a form the server refuses
    so."""
    retry = ErrorResolution(ResponseAction.RETRY, FailureType.transient_error)
    lost = ErrorResolution(ResponseAction.IGNORE, FailureType.transient_error)
    if fail_fast:
        retry = lost = ErrorResolution(ResponseAction.FAIL, FailureType.transient_error)
    caller_decides = ErrorResolution(ResponseAction.IGNORE, FailureType.system_error)
    mapping: dict[Any, ErrorResolution] = dict(DEFAULT_ERROR_MAPPING)
    for status in range(400, 500):
        mapping[status] = caller_decides
    for status in range(500, 600):
        mapping[status] = retry if retry_unsafe else lost
    for error in _TRANSPORT_ERRORS:
        mapping[error] = retry if retry_unsafe else lost
    mapping[408] = retry if retry_unsafe else lost
    mapping[429] = ErrorResolution(ResponseAction.RATE_LIMITED, FailureType.transient_error)
    if learning:
        mapping[500] = caller_decides
    # 401 and 403 come back to `TargetHttp`, which fails with its own message: the CDK's FAIL
    # would log the request's body, a contact's personal data.
    return mapping


@dataclass(frozen=True)
class Traffic:
    """What one target's API has answered so far, for the progress lines."""

    answers: int
    rate_limited: int
    paced_at: float | None


@dataclass(frozen=True)
class Transport:
    max_retries: int
    timeout_seconds: float
    # Set for `check`, whose requests wait less than `request_timeout_seconds`: how its timeout
    # message says so.
    timeout_note: str = ""
    # Set for `check`: only a 429 is retried (see `_error_mapping`).
    fail_fast: bool = False


class Payload(TypedDict, total=False):
    """A request's query parameters and JSON body."""

    params: Mapping[str, Any] | None
    json: Mapping[str, Any] | None


class TargetHttp:
    """Requests to one target API, with its session, auth, rate limit and error policy."""

    def __init__(
        self,
        name: str,
        base_url: str,
        authenticator: ApiKeyAuthenticator,
        limits: TargetLimits,
        transport: Transport,
        logger: logging.Logger,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        auth_settings: str = "",
    ) -> None:
        self.name = name
        self._base_url = base_url
        self._logger = logger
        self._max_retries = transport.max_retries
        self._timeout = transport.timeout_seconds
        self._timeout_note = transport.timeout_note
        self._fail_fast = transport.fail_fast
        self._auth_settings = auth_settings
        self._budget = paced_budget(name, limits.requests_per_second, logger, clock, sleep)
        self.pacing = self._budget.pacing
        backoff = RetryAfterBackoff()
        self._session = session = build_session(base_url, limits, self._budget)
        http_logger = logger.getChild("http")
        quiet_http_logs(logger, http_logger)

        def client(retry_unsafe: bool, learning: bool = False) -> HttpClient:
            mapping = _error_mapping(
                name, retry_unsafe=retry_unsafe, fail_fast=transport.fail_fast, learning=learning
            )
            handler = RecordingErrorHandler(
                logger,
                error_mapping=mapping,
                max_retries=transport.max_retries,
                # The CDK's bound on one request's retries in time, beyond the bound on its waits
                # for Retry-After: that one fails first, with its own message.
                max_time=timedelta(seconds=MAX_WAIT_SECONDS * 2),
            )
            http_client = HttpClient(
                name=name,
                logger=http_logger,
                error_handler=handler,
                session=session,
                authenticator=authenticator,
                backoff_strategy=backoff,
                request_timeout=transport.timeout_seconds,
            )
            self._handlers[http_client] = handler
            return http_client

        self._handlers: dict[HttpClient, RecordingErrorHandler] = {}
        self._idempotent = client(retry_unsafe=True)
        self._once = client(retry_unsafe=False)
        self._learning = client(retry_unsafe=True, learning=True)

    def url(self, path: str) -> str:
        return f"{self._base_url}{path}"

    def send(self, method: str, path: str, **payload: Unpack[Payload]) -> requests.Response:
        """An idempotent request, retried on transient errors; a 4xx comes back to the caller."""
        return self._answered(self._idempotent, method, path, payload)

    def send_once(self, method: str, path: str, **payload: Unpack[Payload]) -> requests.Response | None:
        """A request that must not be repeated blindly: None when its answer was lost."""
        return self._send(self._once, method, path, payload)

    def send_while_learning(self, method: str, path: str, **payload: Unpack[Payload]) -> requests.Response:
        """A request of a form being learnt, safe to repeat (a form not read changes nothing): as
        `send`, but a bare 500 comes back at once, unretried, since it may be how the server
        refuses a form it does not read."""
        return self._answered(self._learning, method, path, payload)

    def _answered(self, client: HttpClient, method: str, path: str, payload: Payload) -> requests.Response:
        response = self._send(client, method, path, payload)
        if response is None:  # only the `once` mode hands back lost answers
            raise TargetError(f"{self.name}: {method} {path} got no answer")
        return response

    def _send(
        self,
        client: HttpClient,
        method: str,
        path: str,
        payload: Payload,
    ) -> requests.Response | None:
        """One request through the CDK's client: its retries, backoff and rate limit are the
        CDK's, with our error mapping, backoff strategy and budget."""
        json = payload.get("json")
        try:
            with self._session.delete_body(json if method.upper() == "DELETE" else None):
                _, response = client.send_request(
                    method, self.url(path), request_kwargs={}, params=payload.get("params"), json=json
                )
        except AirbyteTracedException as error:
            raise self._failure(method, path, error, self._handlers[client].last) from error
        if response is not None and response.status_code in (401, 403):
            raise TargetError(
                f"{self.name} refused the API key (HTTP {response.status_code}) for {method} {path}: "
                f"check {self.name}.api_key{self._auth_settings}.",
                FailureType.config_error,
            )
        return response

    def traffic(self) -> Traffic:
        """Answers and 429s so far, and the pace (None while unpaced)."""
        return Traffic(self._budget.answers, self._budget.rate_limited_answers, self.pacing.rate)

    @property
    def host(self) -> str:
        return urlsplit(self._base_url).netloc

    def _failure(self, method: str, path: str, error: AirbyteTracedException, last: Last) -> TargetError:
        """The request failed after its retries (`last`: its last answer or exception): which host,
        what happened, and what to change. Never the exception's own text: it quotes the URL with
        its query, where a search carries a contact's email."""
        failure = what_failed(last)
        tries = (
            f"{self._max_retries + 1} tries"
            if self._max_retries and (failure.cause == Cause.RATE_LIMITED or not self._fail_fast)
            else "1 try"
        )
        where = f"{self.name}: {method} {path} on {self.host}"
        timeout = f"request_timeout_seconds ({self._timeout:g} s{self._timeout_note})"
        reach = f"check {self.name}.base_url and that the host is reachable from where the connector runs."
        if failure.cause == Cause.NO_ANSWER:
            return TargetError(
                f"{where} got no answer within {timeout}, {tries}: check {self.name}.base_url, or raise "
                "request_timeout_seconds if the API is slow."
            )
        if failure.cause == Cause.NOT_ACCEPTED:
            return TargetError(
                f"{where}: the host did not accept a connection within {timeout}, {tries}: {reach}"
            )
        if failure.cause == Cause.UNREACHABLE:
            return TargetError(f"{where}: {failure.problem}, {tries}: {reach}")
        slower = (
            f"retry the sync later, or lower {self.name}.requests_per_second and "
            f"{self.name}.max_concurrent_requests."
        )
        if isinstance(error, RetryAfterWaitExceeded):
            return TargetError(f"{where} stayed {error.message}: {slower}")
        if failure.cause == Cause.RATE_LIMITED:
            return TargetError(f"{where} stayed rate limited (HTTP 429) through {tries}: {slower}")
        if isinstance(last, requests.Response):
            # A 500 is the server's own error, which one record's content can cause; a 502, 503 or
            # 504 says the server or its gateway is down.
            failing = StillFailingError if last.status_code == 500 else TargetError
            return failing(
                f"{where} answered {error_reason(last)} through {tries}: the API is failing; retry the "
                "sync later (max_retries sets how often a request is retried)."
            )
        return TargetError(
            f"{where} failed: {error.message}", error.failure_type or FailureType.transient_error
        )
