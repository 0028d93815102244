from __future__ import annotations

import base64

from airbyte_cdk.test.mock_http import HttpRequest

from unit_tests.integration.config import API_KEY, CLIENT_ID, CLIENT_SECRET, COMPANY_BASE_URL, CUSTOM_BASE_URL


class RequestBuilder:
    """One classmethod per endpoint; `with_*` adds what a test cares about."""

    def __init__(
        self, url: str, params: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        self._url = url
        self._params = params or {}
        self._headers = headers or {}

    @classmethod
    def token(cls, client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET) -> RequestBuilder:
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        return cls(f"{CUSTOM_BASE_URL}/token", headers={"Authorization": f"Basic {basic}"})

    @classmethod
    def contacts(cls, page: int, limit: int = 2) -> RequestBuilder:
        return cls(f"{CUSTOM_BASE_URL}/contacts", {"limit": str(limit), "page": str(page)})

    @classmethod
    def delta(cls, timestamp: int, page: int, limit: int = 2) -> RequestBuilder:
        return cls(
            f"{CUSTOM_BASE_URL}/contacts/delta",
            {"limit": str(limit), "page": str(page), "timestamp": str(timestamp)},
        )

    @classmethod
    def company_contacts(cls, page: int, limit: int = 2) -> RequestBuilder:
        return cls._company_page("/api/v1/contacts", page, limit)

    @classmethod
    def company_tags(cls, page: int, limit: int = 2) -> RequestBuilder:
        return cls._company_page("/api/v1/contacts/tags", page, limit)

    @classmethod
    def _company_page(cls, path: str, page: int, limit: int) -> RequestBuilder:
        """A page of one of the Company Contacts API's lists, asked with its API key."""
        return cls(
            f"{COMPANY_BASE_URL}{path}",
            {"page": str(page), "limit": str(limit)},
            {"Authorization": f"Bearer {API_KEY}"},
        )

    def with_bearer(self, token: str) -> RequestBuilder:
        self._headers["Authorization"] = f"Bearer {token}"
        return self

    def with_param(self, key: str, value: str) -> RequestBuilder:
        self._params[key] = value
        return self

    def build(self) -> HttpRequest:
        return HttpRequest(self._url, query_params=dict(self._params) or None, headers=dict(self._headers))
