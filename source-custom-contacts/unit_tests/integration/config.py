from __future__ import annotations

from typing import Any

CUSTOM_BASE_URL = "https://contacts.example.com/v1"
COMPANY_BASE_URL = "https://company.example.com"
CLIENT_ID = "a-client"
CLIENT_SECRET = "a-client-secret"
API_KEY = "a-company-api-key"


class ConfigBuilder:
    """Configs for either API; sequential by default so that every request a test mocks is the whole story."""

    def __init__(self, api: dict[str, Any]) -> None:
        # Pages of two, so that a few records show the paging.
        self._api = {**api, "page_size": 2, "lookback_window_seconds": 60}
        self._top: dict[str, Any] = {"concurrent_requests": 1}

    @classmethod
    def custom(cls) -> ConfigBuilder:
        return cls(
            {
                "api_type": "custom",
                "base_url": CUSTOM_BASE_URL,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            }
        )

    @classmethod
    def company(cls) -> ConfigBuilder:
        return cls({"api_type": "company", "base_url": COMPANY_BASE_URL, "api_key": API_KEY})

    def with_api_field(self, key: str, value: Any) -> ConfigBuilder:
        self._api[key] = value
        return self

    def without_api_field(self, key: str) -> ConfigBuilder:
        self._api.pop(key, None)
        return self

    def with_concurrent_requests(self, value: int) -> ConfigBuilder:
        self._top["concurrent_requests"] = value
        return self

    def with_max_requests_per_second(self, value: int) -> ConfigBuilder:
        self._top["max_requests_per_second"] = value
        return self

    def with_request_timeout(self, seconds: int) -> ConfigBuilder:
        self._top["request_timeout_seconds"] = seconds
        return self

    def build(self) -> dict[str, Any]:
        return {"api": dict(self._api), **self._top}
