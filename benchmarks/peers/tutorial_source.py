"""A plain Python-CDK source for the Custom Contact Source API, written as the CDK tutorial teaches.

One `HttpStream`, pages requested one after another, a token fetched once with Basic auth and
sent as Bearer. It is a benchmark fixture: the peer our source is compared with.

    python -m benchmarks.peers.tutorial_source read --config CONFIG --catalog CATALOG
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests
from airbyte_cdk.entrypoint import launch
from airbyte_cdk.models import ConnectorSpecification
from airbyte_cdk.sources import AbstractSource
from airbyte_cdk.sources.streams import Stream
from airbyte_cdk.sources.streams.http import HttpStream
from airbyte_cdk.sources.streams.http.requests_native_auth import TokenAuthenticator

CONTACT_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "additionalProperties": True,
    "properties": {
        "id": {"type": "string"},
        "first_name": {"type": ["string", "null"]},
        "last_name": {"type": ["string", "null"]},
        "company": {"type": ["string", "null"]},
        "type": {"type": ["string", "null"]},
        "phones": {"type": ["array", "null"]},
        "emails": {"type": ["array", "null"]},
    },
}


CONFIG_SPEC = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["base_url", "client_id", "client_secret"],
    "properties": {
        "base_url": {"type": "string"},
        "client_id": {"type": "string"},
        "client_secret": {"type": "string", "airbyte_secret": True},
        "page_size": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1000},
    },
}


class Contacts(HttpStream):
    primary_key = "id"

    def __init__(self, base_url: str, page_size: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._base_url = base_url.rstrip("/") + "/"
        self._page_size = page_size

    @property
    def url_base(self) -> str:
        return self._base_url

    def path(self, **kwargs: Any) -> str:
        return "contacts"

    def get_json_schema(self) -> Mapping[str, Any]:  # type: ignore[override]
        return CONTACT_SCHEMA

    def request_params(
        self,
        stream_state: Mapping[str, Any] | None,
        stream_slice: Mapping[str, Any] | None = None,
        next_page_token: Mapping[str, Any] | None = None,
    ) -> MutableMapping[str, Any]:
        return {"limit": self._page_size, "page": (next_page_token or {}).get("page", 1)}

    def next_page_token(self, response: requests.Response) -> Mapping[str, Any] | None:
        if not response.json()["has_more"]:
            return None
        current = int(parse_qs(urlparse(str(response.request.url)).query)["page"][0])
        return {"page": current + 1}

    def parse_response(self, response: requests.Response, **kwargs: Any) -> Iterable[Mapping[str, Any]]:
        yield from response.json()["contacts"]


class SourceTutorialContacts(AbstractSource):
    def spec(self, logger: Any) -> ConnectorSpecification:
        return ConnectorSpecification(connectionSpecification=CONFIG_SPEC)

    def check_connection(self, logger: Any, config: Mapping[str, Any]) -> tuple[bool, Any]:
        try:
            _fetch_token(config)
        except requests.RequestException as error:
            return False, f"Could not get a token: {error}"
        return True, None

    def streams(self, config: Mapping[str, Any]) -> list[Stream]:
        authenticator = TokenAuthenticator(token=_fetch_token(config))
        return [
            Contacts(
                base_url=config["base_url"],
                page_size=config.get("page_size", 1000),
                authenticator=authenticator,
            )
        ]


def _fetch_token(config: Mapping[str, Any]) -> str:
    response = requests.get(
        config["base_url"].rstrip("/") + "/token",
        auth=(config["client_id"], config["client_secret"]),
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["token"]


def main() -> None:
    launch(SourceTutorialContacts(), sys.argv[1:])


if __name__ == "__main__":
    main()
