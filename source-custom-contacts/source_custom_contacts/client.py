"""One HTTP client per API: the CDK's HttpClient with our error policy, rate budget and auth.

Streams only say which path and parameters they want; retries, backoff, the request-rate
budget, timeouts and tokens are all decided here, once for the whole sync.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import orjson
import requests
from airbyte_cdk.sources.streams.call_rate import LimiterMixin
from airbyte_cdk.sources.streams.http.http_client import HttpClient
from airbyte_cdk.sources.streams.http.requests_native_auth import TokenAuthenticator
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from requests.auth import AuthBase

from source_custom_contacts.auth import Clock, CustomApiTokenAuthenticator, TokenRequestAuthenticator
from source_custom_contacts.config import CompanyApiConfig, CustomApiConfig, HttpSettings
from source_custom_contacts.errors import (
    TOKEN_REJECTED_RETRY,
    ErrorMapping,
    credentials_refused,
    error_mapping,
    malformed_response,
    transport_failures,
)
from source_custom_contacts.failures import Answers, FailureContext, explained
from source_custom_contacts.transport.calls import (
    MAX_WAIT_SECONDS,
    PacedBudget,
    RecordingErrorHandler,
    RetryAfterBackoff,
    paced_budget,
)

CUSTOM_API_NAME = "Custom Contact Source API"
COMPANY_API_NAME = "Company Contacts API"
MAX_RETRIES = 5
# A `check` answers within seconds: one attempt per request, and no request waits longer than this.
PROBE_TIMEOUT_SECONDS = 4.0

Sleep = Callable[[float], None]


@dataclass(frozen=True)
class JsonAnswer:
    body: dict[str, Any]
    # The answer's Date header in UNIX seconds: the server's own clock, when it sends one.
    served_at: float | None


def served_at(response: requests.Response) -> float | None:
    value = response.headers.get("Date")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class ApiClient:
    """GETs JSON objects from one API for one stream; every answer that is not a JSON object is
    an error, and every failure names the stream and what to do (see `failures.py`)."""

    api_name: str
    base_url: str
    http: HttpClient
    stream_name: str
    answers: Answers = field(default_factory=Answers)
    max_requests_per_second: int | None = None
    # Judges the data requests' answers, and keeps the last it judged in each thread.
    errors: RecordingErrorHandler | None = None

    def get_json(self, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        return self.get(path, params).body

    def get(self, path: str, params: Mapping[str, Any]) -> JsonAnswer:
        url = f"{self.base_url}{path}"
        try:
            _, response = self.http.send_request("GET", url, request_kwargs={}, params=dict(params))
        except AirbyteTracedException as error:
            context = FailureContext(
                self.api_name,
                self.stream_name,
                self.max_requests_per_second,
                self.api_name == CUSTOM_API_NAME,
            )
            last = self.errors.last if self.errors is not None else None
            raise explained(error, context, self.answers, last) from error
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise malformed_response(self.api_name, url, "a JSON object") from None
        if not isinstance(body, dict):
            raise malformed_response(self.api_name, url, "a JSON object")
        return JsonAnswer(body, served_at(response))


def rate_budget(
    settings: HttpSettings,
    api_name: str = CUSTOM_API_NAME,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
) -> PacedBudget:
    """One budget per API, shared by every client of that API: the API counts all their requests.
    The pace waits with `sleep`, on `clock`."""
    logger = logging.getLogger("airbyte")
    return paced_budget(api_name, settings.max_requests_per_second, logger, clock, sleep)


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


def _session(budget: PacedBudget, settings: HttpSettings, on_answer: Any) -> requests.Session:
    session = BudgetSession(api_budget=budget)
    session.hooks["response"].append(on_answer)
    # Enough pooled connections for every page in flight plus a token request, so none is discarded.
    adapter = requests.adapters.HTTPAdapter(pool_connections=2, pool_maxsize=settings.concurrent_requests + 2)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _http_client(
    name: str,
    mapping: ErrorMapping,
    budget: PacedBudget,
    settings: HttpSettings,
    logger: logging.Logger,
    authenticator: AuthBase | None,
    max_retries: int,
    on_answer: Any,
) -> tuple[HttpClient, RecordingErrorHandler]:
    handler = RecordingErrorHandler(
        logger=logger,
        error_mapping=mapping,
        max_retries=max_retries,
        # The CDK's bound on one request's retries in time, beyond the bound on its waits for
        # Retry-After: that one fails first, with its own message.
        max_time=timedelta(seconds=MAX_WAIT_SECONDS * 2),
    )
    client = HttpClient(
        name=name,
        logger=logger,
        error_handler=handler,
        backoff_strategy=RetryAfterBackoff(),
        session=_session(budget, settings, on_answer),
        authenticator=authenticator,
        request_timeout=float(settings.request_timeout_seconds),
    )
    return client, handler


def _attempts(
    api_name: str, base_url: str, settings: HttpSettings, max_retries: int, probe: bool
) -> tuple[HttpSettings, int, ErrorMapping]:
    """The settings, retries and transport-failure policy of a sync's client or of a probe's."""
    if probe:
        timeout = min(float(settings.request_timeout_seconds), PROBE_TIMEOUT_SECONDS)
        settings = replace(settings, request_timeout_seconds=timeout)
        max_retries = 0
    transport = transport_failures(api_name, base_url, settings.request_timeout_seconds, retry=not probe)
    return settings, max_retries, transport


def custom_api_client(
    config: CustomApiConfig,
    settings: HttpSettings,
    logger: logging.Logger,
    clock: Clock = time.time,
    max_retries: int = MAX_RETRIES,
    budget: PacedBudget | None = None,
    probe: bool = False,
    stream_name: str = "contacts",
) -> ApiClient:
    """Token requests and data requests share one rate budget: the API counts both. A `probe`
    client (for `check`) fails at the first error, within `PROBE_TIMEOUT_SECONDS` a request.
    Both clients carry the name of the stream they serve: the CDK names it in its errors."""
    budget = rate_budget(settings, CUSTOM_API_NAME) if budget is None else budget
    answers = Answers()
    rate = settings.max_requests_per_second
    settings, max_retries, transport = _attempts(
        CUSTOM_API_NAME, config.base_url, settings, max_retries, probe
    )
    token_client, _ = _http_client(
        stream_name,
        error_mapping(
            CUSTOM_API_NAME, credentials_refused(CUSTOM_API_NAME, "client id and client secret"), transport
        ),
        budget,
        settings,
        logger,
        TokenRequestAuthenticator(config.client_id, config.client_secret),
        max_retries,
        answers.on_token_answer,
    )
    authenticator = CustomApiTokenAuthenticator(
        token_client=token_client, token_url=f"{config.base_url}/token", api_name=CUSTOM_API_NAME, clock=clock
    )
    data_client, errors = _http_client(
        stream_name,
        error_mapping(CUSTOM_API_NAME, TOKEN_REJECTED_RETRY, transport, forbidden=TOKEN_REJECTED_RETRY),
        budget,
        settings,
        logger,
        authenticator,
        max_retries,
        answers.on_data_answer,
    )
    return ApiClient(CUSTOM_API_NAME, config.base_url, data_client, stream_name, answers, rate, errors)


def company_api_client(
    config: CompanyApiConfig,
    settings: HttpSettings,
    logger: logging.Logger,
    budget: PacedBudget,
    stream_name: str,
    max_retries: int = MAX_RETRIES,
    probe: bool = False,
) -> ApiClient:
    """See `custom_api_client` for `probe`."""
    rate = settings.max_requests_per_second
    settings, max_retries, transport = _attempts(
        COMPANY_API_NAME, config.base_url, settings, max_retries, probe
    )
    answers = Answers()
    http, errors = _http_client(
        stream_name,
        error_mapping(COMPANY_API_NAME, credentials_refused(COMPANY_API_NAME, "API key"), transport),
        budget,
        settings,
        logger,
        TokenAuthenticator(token=config.api_key),
        max_retries,
        answers.on_data_answer,
    )
    return ApiClient(COMPANY_API_NAME, config.base_url, http, stream_name, answers, rate, errors)
