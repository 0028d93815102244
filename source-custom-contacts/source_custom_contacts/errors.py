"""What each HTTP outcome means for a sync: retry, or fail with the failure type that fits.

Retrying is the CDK's job (HttpClient); this module only states the policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.error_handlers import ErrorResolution, ResponseAction
from airbyte_cdk.sources.streams.http.error_handlers.default_error_mapping import DEFAULT_ERROR_MAPPING
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

ErrorMapping = Mapping[int | str | type[Exception], ErrorResolution]


def _fail(failure_type: FailureType, message: str) -> ErrorResolution:
    return ErrorResolution(
        response_action=ResponseAction.FAIL, failure_type=failure_type, error_message=message
    )


def _retry(message: str) -> ErrorResolution:
    return ErrorResolution(
        response_action=ResponseAction.RETRY, failure_type=FailureType.transient_error, error_message=message
    )


def transport_failures(api_name: str, base_url: str, timeout_seconds: float, retry: bool) -> ErrorMapping:
    """What a request that got no answer means: retried during a sync; when `retry` is False (a
    `check`, which must answer within seconds) a failure at once. Each message names the host and
    the setting to fix. The CDK looks exceptions up by their exact class, so each is named here."""
    host = urlsplit(base_url).netloc or base_url
    reach = f"Check 'api.base_url' ({base_url}) and that this machine can reach {host}."
    slow = (
        f"Raise 'request_timeout_seconds' (now {timeout_seconds:g}) if the API is slow, "
        "or check 'api.base_url'."
    )

    def outcome(message: str) -> ErrorResolution:
        return _retry(message) if retry else _fail(FailureType.transient_error, message)

    return {
        requests.exceptions.ConnectionError: outcome(
            f"Could not connect to the {api_name} at {host}, or the connection was dropped. {reach}"
        ),
        requests.exceptions.ConnectTimeout: outcome(
            f"The {api_name} at {host} did not accept the connection within {timeout_seconds:g} seconds. "
            f"{reach}"
        ),
        requests.exceptions.ReadTimeout: outcome(
            f"The {api_name} at {host} did not answer within {timeout_seconds:g} seconds. {slow}"
        ),
        requests.exceptions.ChunkedEncodingError: outcome(
            f"The {api_name}'s answer from {host} was cut off."
        ),
    }


def error_mapping(
    api_name: str,
    unauthorized: ErrorResolution,
    transport: ErrorMapping,
    forbidden: ErrorResolution | None = None,
) -> ErrorMapping:
    """The CDK's defaults plus our own wording; 401 is the caller's choice (renew a token, or
    fail), and so are 403 (by default a config error) and transport failures (see
    `transport_failures`). A 429 keeps the CDK's `RATE_LIMITED` action: see
    `transport/calls.py`."""
    return {
        **DEFAULT_ERROR_MAPPING,
        **transport,
        400: _fail(
            FailureType.config_error,
            f"The {api_name} rejected a request as invalid (HTTP 400). "
            "Check the page size: the API may accept fewer contacts per page.",
        ),
        401: unauthorized,
        403: forbidden
        or _fail(
            FailureType.config_error,
            f"The {api_name} refused access (HTTP 403). Check that the credentials may read contacts.",
        ),
        404: _fail(
            FailureType.config_error,
            f"The {api_name} has no such path (HTTP 404). Check the base URL in the configuration.",
        ),
        405: _fail(
            FailureType.config_error,
            f"The {api_name} does not allow this request (HTTP 405). "
            "Check the base URL in the configuration.",
        ),
    }


def credentials_refused(api_name: str, what: str) -> ErrorResolution:
    return _fail(
        FailureType.config_error,
        f"The {api_name} refused the credentials (HTTP 401). Check the {what} in the configuration.",
    )


# The document names no status for an expired token: a server may answer 401 or 403. Either one
# gets a new token once; a new token refused as well fails the request (see `failures.py`).
TOKEN_REJECTED_RETRY = ErrorResolution(
    response_action=ResponseAction.REFRESH_TOKEN_THEN_RETRY,
    failure_type=FailureType.config_error,
    error_message="The API rejected the access token (HTTP 401 or 403); a new token is requested once.",
)


def malformed_response(api_name: str, url: str, expected: str) -> AirbyteTracedException:
    """An answer that retrying cannot fix: the API does not speak the documented format."""
    message = f"The {api_name} answered {url} with something other than {expected}."
    return AirbyteTracedException(
        message=message + " Check the base URL, or report the API's answer to its owner.",
        internal_message=message,
        failure_type=FailureType.system_error,
    )
