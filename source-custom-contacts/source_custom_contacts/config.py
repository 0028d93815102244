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
DEFAULT_CONCURRENT_REQUESTS = 16
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
    request_timeout_seconds: float = DEFAULT_REQUEST_TIMEOUT_SECONDS


@dataclass(frozen=True)
class SourceConfig:
    api: CustomApiConfig | CompanyApiConfig
    http: HttpSettings


API_NAMES = {"custom": "Custom Contact Source API", "company": "Company Contacts API"}
# Bounds of the whole-number settings, as spec.yaml states them: (minimum, maximum or None).
PAGE_SIZE = (1, 1000)
LOOKBACK_WINDOW_SECONDS = (0, 86400)
CONCURRENT_REQUESTS = (1, 16)
MAX_REQUESTS_PER_SECOND = (1, None)
REQUEST_TIMEOUT_SECONDS = (1, 600)


def _config_error(message: str) -> AirbyteTracedException:
    return AirbyteTracedException(
        message=message, internal_message=message, failure_type=FailureType.config_error
    )


class _Section:
    """One object of the config (the top level, or `api` for one API), so that each message
    names the field by its full path and, inside `api`, the API it belongs to."""

    def __init__(self, raw: Mapping[str, Any], path: str = "", api_type: str | None = None) -> None:
        self._raw = raw
        self._path = path
        self._api = f" of the {API_NAMES[api_type]}" if api_type else ""

    def _field(self, key: str) -> str:
        return f"'{self._path}{key}'{self._api}"

    def optional_number(self, key: str, bounds: tuple[int, int | None]) -> int | None:
        value = self._raw.get(key)
        if value is None:
            return None
        minimum, maximum = bounds
        in_range = not isinstance(value, bool) and isinstance(value, int) and value >= minimum
        if not in_range or (maximum is not None and value > maximum):
            allowed = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
            raise _config_error(
                f"{self._field(key)} must be a whole number {allowed}, got {value!r}: "
                "change it in the connector's configuration."
            )
        return int(value)

    def number(self, key: str, default: int, bounds: tuple[int, int | None]) -> int:
        value = self.optional_number(key, bounds)
        return default if value is None else value

    def required_text(self, key: str) -> str:
        value = self._raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise _config_error(f"{self._field(key)} is required: fill it in the connector's configuration.")
        return value.strip()

    def base_url(self) -> str:
        url = self.required_text("base_url")
        if not url.startswith(("http://", "https://")) or any(c.isspace() for c in url):
            raise _config_error(
                f"{self._field('base_url')} must be an http:// or https:// URL such as "
                f"https://contacts.example.com/api, got {url!r}."
            )
        return url.rstrip("/")


def parse_config(raw: Mapping[str, Any]) -> SourceConfig:
    """Turns the user's JSON config into typed values, or fails with a config error naming the
    field, the API it belongs to and the fix."""
    api = raw.get("api")
    if not isinstance(api, Mapping):
        raise _config_error(
            "'api' is required: choose the Custom Contact Source API or the Company Contacts API."
        )
    api_type = api.get("api_type")
    if api_type not in API_NAMES:
        raise _config_error(
            f"'api.api_type' must be 'custom' (the Custom Contact Source API) or 'company' "
            f"(the Company Contacts API), got {api_type!r}."
        )
    section = _Section(api, "api.", api_type)
    parsed_api: CustomApiConfig | CompanyApiConfig
    if api_type == "custom":
        parsed_api = CustomApiConfig(
            base_url=section.base_url(),
            client_id=section.required_text("client_id"),
            client_secret=section.required_text("client_secret"),
            page_size=section.number("page_size", DEFAULT_PAGE_SIZE, PAGE_SIZE),
            lookback_window_seconds=section.number(
                "lookback_window_seconds", DEFAULT_LOOKBACK_WINDOW_SECONDS, LOOKBACK_WINDOW_SECONDS
            ),
        )
    else:
        search = api.get("search")
        parsed_api = CompanyApiConfig(
            base_url=section.base_url(),
            api_key=section.required_text("api_key"),
            page_size=section.number("page_size", DEFAULT_PAGE_SIZE, PAGE_SIZE),
            search=(search.strip() or None) if isinstance(search, str) else None,
            lookback_window_seconds=section.number(
                "lookback_window_seconds", DEFAULT_LOOKBACK_WINDOW_SECONDS, LOOKBACK_WINDOW_SECONDS
            ),
        )
    top = _Section(raw)
    http = HttpSettings(
        concurrent_requests=top.number(
            "concurrent_requests", DEFAULT_CONCURRENT_REQUESTS, CONCURRENT_REQUESTS
        ),
        max_requests_per_second=top.optional_number("max_requests_per_second", MAX_REQUESTS_PER_SECOND),
        request_timeout_seconds=top.number(
            "request_timeout_seconds", DEFAULT_REQUEST_TIMEOUT_SECONDS, REQUEST_TIMEOUT_SECONDS
        ),
    )
    return SourceConfig(api=parsed_api, http=http)
