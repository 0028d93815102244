"""How the destination proves itself to a target: an API key in a header."""

from __future__ import annotations

from airbyte_cdk.sources.streams.http.requests_native_auth.abstract_token import AbstractHeaderAuthenticator


class ApiKeyAuthenticator(AbstractHeaderAuthenticator):
    """An API key in a header, with an optional scheme before it (`Bearer <key>`)."""

    def __init__(self, header: str, api_key: str, scheme: str = "") -> None:
        self._header = header
        self._value = f"{scheme} {api_key}" if scheme else api_key

    @property
    def auth_header(self) -> str:
        return self._header

    @property
    def token(self) -> str:
        return self._value
