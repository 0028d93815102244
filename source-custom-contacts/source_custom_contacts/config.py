"""The connector's configuration, parsed once into typed values.

Defaults live here and nowhere else; a unit test checks that they agree with spec.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

DEFAULT_PAGE_SIZE = 1000
DEFAULT_LOOKBACK_WINDOW_SECONDS = 60
DEFAULT_CONCURRENT_REQUESTS = 4
DEFAULT_REQUEST_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class CustomApiConfig:
    base_url: str
    client_id: str
    client_secret: str
    page_size: int = DEFAULT_PAGE_SIZE
    lookback_window_seconds: int = DEFAULT_LOOKBACK_WINDOW_SECONDS


@dataclass(frozen=True)
class CompanyApiConfig:
    base_url: str
    api_key: str
    page_size: int = DEFAULT_PAGE_SIZE
    search: str | None = None
    lookback_window_seconds: int = DEFAULT_LOOKBACK_WINDOW_SECONDS


@dataclass(frozen=True)
class HttpSettings:
    concurrent_requests: int = DEFAULT_CONCURRENT_REQUESTS
    max_requests_per_second: int | None = None
    request_timeout_seconds: int = DEFAULT_REQUEST_TIMEOUT_SECONDS


@dataclass(frozen=True)
class SourceConfig:
    api: CustomApiConfig | CompanyApiConfig
    http: HttpSettings


def _config_error(message: str) -> AirbyteTracedException:
    return AirbyteTracedException(
        message=message, internal_message=message, failure_type=FailureType.config_error
    )


def _optional_int(raw: Mapping[str, Any], key: str, minimum: int = 1) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _config_error(f"'{key}' must be a whole number of at least {minimum}, got {value!r}.")
    return value


def _int(raw: Mapping[str, Any], key: str, default: int, minimum: int = 1) -> int:
    value = _optional_int(raw, key, minimum)
    return default if value is None else value


def _required_text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _config_error(f"'api.{key}' is required: fill it in the connector's configuration.")
    return value.strip()


def _base_url(raw: Mapping[str, Any]) -> str:
    url = _required_text(raw, "base_url")
    if not url.startswith(("http://", "https://")):
        raise _config_error(f"'api.base_url' must start with http:// or https://, got {url!r}.")
    return url.rstrip("/")


def parse_config(raw: Mapping[str, Any]) -> SourceConfig:
    """Turns the user's JSON config into typed values, or fails with a config error naming the field."""
    api = raw.get("api")
    if not isinstance(api, Mapping):
        raise _config_error(
            "'api' is required: choose the Custom Contact Source API or the Company Contacts API."
        )
    api_type = api.get("api_type")
    parsed_api: CustomApiConfig | CompanyApiConfig
    if api_type == "custom":
        parsed_api = CustomApiConfig(
            base_url=_base_url(api),
            client_id=_required_text(api, "client_id"),
            client_secret=_required_text(api, "client_secret"),
            page_size=_int(api, "page_size", DEFAULT_PAGE_SIZE),
            lookback_window_seconds=_int(
                api, "lookback_window_seconds", DEFAULT_LOOKBACK_WINDOW_SECONDS, minimum=0
            ),
        )
    elif api_type == "company":
        search = api.get("search")
        parsed_api = CompanyApiConfig(
            base_url=_base_url(api),
            api_key=_required_text(api, "api_key"),
            page_size=_int(api, "page_size", DEFAULT_PAGE_SIZE),
            search=(search.strip() or None) if isinstance(search, str) else None,
            lookback_window_seconds=_int(
                api, "lookback_window_seconds", DEFAULT_LOOKBACK_WINDOW_SECONDS, minimum=0
            ),
        )
    else:
        raise _config_error(f"'api.api_type' must be 'custom' or 'company', got {api_type!r}.")
    http = HttpSettings(
        concurrent_requests=_int(raw, "concurrent_requests", DEFAULT_CONCURRENT_REQUESTS),
        max_requests_per_second=_optional_int(raw, "max_requests_per_second"),
        request_timeout_seconds=_int(raw, "request_timeout_seconds", DEFAULT_REQUEST_TIMEOUT_SECONDS),
    )
    return SourceConfig(api=parsed_api, http=http)
