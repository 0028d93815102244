"""The destination's baseline under faults: one request after another, with the CDK's plain retries.

Every request goes through the CDK's `HttpClient` with its default error handling (429, 5xx and
timeouts retried with its default backoff). A create is never repeated blindly: a create whose
answer is lost (a timeout) is looked up by its source id, and sent again only when not found, as
our destination does. The requests per contact follow the profile as ours do: under `strict`, the
CRM cannot list its managed contacts, so each contact costs a search by its marker first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http import HttpClient
from airbyte_cdk.sources.streams.http.error_handlers import (
    ErrorResolution,
    HttpStatusErrorHandler,
    ResponseAction,
)
from airbyte_cdk.sources.streams.http.error_handlers.default_error_mapping import DEFAULT_ERROR_MAPPING

from benchmarks.sequential_writer import CLIENT_CONTACTS_KEY, CRM_KEY, crm_create_body

_LOGGER = logging.getLogger("sequential-writer")
_NO_MATCH = ErrorResolution(ResponseAction.IGNORE, FailureType.system_error)
_LOST = ErrorResolution(ResponseAction.IGNORE, FailureType.transient_error)


class _Client:
    def __init__(self, base: str, headers: dict[str, str], timeout: float) -> None:
        session = requests.Session()
        session.headers.update(headers)
        reads = {**DEFAULT_ERROR_MAPPING, 404: _NO_MATCH}
        creates = {**reads, requests.ReadTimeout: _LOST, requests.ConnectionError: _LOST}
        self._base = base
        self._reads = self._client("reads", session, reads, timeout)
        self._creates = self._client("creates", session, creates, timeout)

    @staticmethod
    def _client(
        name: str, session: requests.Session, mapping: dict[Any, ErrorResolution], timeout: float
    ) -> HttpClient:
        handler = HttpStatusErrorHandler(_LOGGER, error_mapping=mapping)
        return HttpClient(name, _LOGGER, error_handler=handler, session=session, request_timeout=timeout)

    def get(self, path: str, params: dict[str, str]) -> Any:
        _, response = self._reads.send_request("GET", f"{self._base}{path}", request_kwargs={}, params=params)
        return response.json() if response.status_code == 200 else None

    def create(self, path: str, body: dict[str, Any]) -> bool:
        """False when the answer was lost."""
        _, response = self._creates.send_request("POST", f"{self._base}{path}", request_kwargs={}, json=body)
        return response is not None


def write(
    target: str, sandbox_url: str, contacts: Iterable[dict[str, Any]], *, profile: str, timeout: float
) -> float:
    """Seconds taken to upsert every contact into an empty target."""
    if target == "crm":
        client = _Client(f"{sandbox_url}/crm", {"x-api-key": CRM_KEY}, timeout)
        return _write_crm(client, contacts, strict=profile == "strict")
    client = _Client(
        f"{sandbox_url}/client-contacts", {"Authorization": f"Bearer {CLIENT_CONTACTS_KEY}"}, timeout
    )
    return _write_client_contacts(client, contacts)


def _write_crm(client: _Client, contacts: Iterable[dict[str, Any]], *, strict: bool) -> float:
    started = time.perf_counter()
    if not strict:
        client.get("/contacts", {"searchby": "notes", "search": "[source-id:"})
    for contact in contacts:
        marker = f"[source-id:{contact['id']}]"
        email = contact["emails"][0]["email"]
        if strict:
            client.get("/contacts", {"searchby": "notes", "search": marker})
        client.get("/contacts", {"searchby": "email", "search": email})
        while not client.create("/contacts", crm_create_body(contact)):
            if client.get("/contacts", {"searchby": "notes", "search": marker}):
                break
    return time.perf_counter() - started


def _write_client_contacts(client: _Client, contacts: Iterable[dict[str, Any]]) -> float:
    started = time.perf_counter()
    client.get("/contacts", {"page": "1", "per_page": "100", "sort": "_id"})
    for contact in contacts:
        name = f"{contact['first_name']} {contact['last_name']}"
        body = {
            "name": name,
            "email": contact["emails"][0]["email"],
            "phone1": contact["phones"][0]["number"],
            "integration_meta": {"external_id": contact["id"]},
        }
        while not client.create("/contacts", body):
            listing = client.get("/contacts", {"name": name, "per_page": "100"}) or {}
            held = [item.get("integration_meta", {}).get("external_id") for item in listing.get("data", [])]
            if contact["id"] in held:
                break
    return time.perf_counter() - started
