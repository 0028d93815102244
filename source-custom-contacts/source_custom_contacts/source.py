"""The source: picks the API from the config and wires its client into its streams."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from typing import Any

from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteErrorTraceMessage,
    AirbyteMessage,
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    FailureType,
    Status,
    TraceType,
    Type,
)
from airbyte_cdk.sources import AbstractSource
from airbyte_cdk.sources.streams import Stream
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_custom_contacts.auth import Clock
from source_custom_contacts.client import (
    COMPANY_API_NAME,
    CUSTOM_API_NAME,
    MAX_RETRIES,
    Sleep,
    company_api_client,
    custom_api_client,
    rate_budget,
)
from source_custom_contacts.config import CompanyApiConfig, CustomApiConfig, HttpSettings, parse_config
from source_custom_contacts.entrypoint import ReadableInputFiles
from source_custom_contacts.failures import sync_failed
from source_custom_contacts.reading.checkpoint import feeds_sweep
from source_custom_contacts.streams import CompanyContacts, ContactTags, CustomContacts
from source_custom_contacts.streams.base import Paging
from source_custom_contacts.transport.calls import PacedBudget


class SourceCustomContacts(ReadableInputFiles, AbstractSource):
    def __init__(
        self,
        clock: Clock = time.time,
        max_retries: int = MAX_RETRIES,
        sleep: Sleep = time.sleep,
        monotonic: Clock = time.monotonic,
    ) -> None:
        """The arguments exist for tests: the time of day (the state, the token's expiry), how long
        a failing API is retried, and the sleep and clock the pace waits with. The CDK's own
        retries wait on `time.sleep`, which the source does not own."""
        super().__init__()
        self._clock = clock
        self._max_retries = max_retries
        self._sleep = sleep
        self._monotonic = monotonic
        self._restarting: set[str] = set()

    def check_connection(self, logger: logging.Logger, config: Mapping[str, Any]) -> tuple[bool, Any]:
        """Reads one page of contacts: that proves the URL, the credentials and the answer's
        format. Each request is tried once, within seconds: a host that does not answer, or any
        other failure, is a FAILED status that says what to fix."""
        try:
            for stream in self._streams(config, probe=True):
                if isinstance(stream, CustomContacts | CompanyContacts):
                    stream.probe()
        except AirbyteTracedException as error:
            return False, error.message
        return True, None

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        # The base class reports repr(error); users should read the message itself.
        succeeded, error = self.check_connection(logger, config)
        if succeeded:
            return AirbyteConnectionStatus(status=Status.SUCCEEDED)
        return AirbyteConnectionStatus(status=Status.FAILED, message=str(error))

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: list[AirbyteStateMessage] | None = None,
    ) -> Iterator[AirbyteMessage]:
        """The CDK's read, closed by an error whose failure type is that of the streams' errors
        (see `sync_failed`). A catalog stream this source does not have fails the sync before
        anything is read: the CDK would mark it incomplete and report a success."""
        available = {stream.name for stream in self.streams(config)}
        missing = sorted({c.stream.name for c in catalog.streams} - available)
        if missing:
            problem = (
                f"The catalog asks for {', '.join(map(repr, missing))}, which this source does not have "
                f"with this config (it has {', '.join(map(repr, sorted(available)))}): refresh the "
                "connection's schema and remove the streams it no longer lists."
            )
            raise AirbyteTracedException(
                message=problem, internal_message=problem, failure_type=FailureType.config_error
            )
        # A read that feeds a sweep starts over rather than resume (see `reading/checkpoint.py`).
        self._restarting = {c.stream.name for c in catalog.streams if feeds_sweep(c)}
        errors: list[AirbyteErrorTraceMessage] = []
        try:
            for message in super().read(logger, config, catalog, state):
                if message.type == Type.TRACE and message.trace and message.trace.type == TraceType.ERROR:
                    errors.append(message.trace.error)
                yield message
        except AirbyteTracedException as error:
            if not errors:
                raise
            raise sync_failed(errors) from error

    def streams(self, config: Mapping[str, Any]) -> list[Stream]:
        return self._streams(config, probe=False)

    def _budget(self, settings: HttpSettings, api_name: str) -> PacedBudget:
        return rate_budget(settings, api_name, self._monotonic, self._sleep)

    def _streams(self, config: Mapping[str, Any], probe: bool) -> list[Stream]:
        parsed = parse_config(config)
        api, http = parsed.api, parsed.http
        logger = logging.getLogger("airbyte")
        if isinstance(api, CustomApiConfig):
            client = custom_api_client(
                api,
                http,
                logger,
                self._clock,
                self._max_retries,
                self._budget(http, CUSTOM_API_NAME),
                probe=probe,
                stream_name=CustomContacts.name,
            )
            paging = Paging(
                client,
                api.page_size,
                http.concurrent_requests,
                self._clock,
                CustomContacts.name in self._restarting,
            )
            return [CustomContacts(paging, api.lookback_window_seconds)]
        assert isinstance(api, CompanyApiConfig)
        budget = self._budget(http, COMPANY_API_NAME)

        def company_paging(name: str) -> Paging:
            client = company_api_client(api, http, logger, budget, name, self._max_retries, probe)
            return Paging(
                client, api.page_size, http.concurrent_requests, self._clock, name in self._restarting
            )

        return [
            CompanyContacts(company_paging(CompanyContacts.name), api.search, api.lookback_window_seconds),
            ContactTags(company_paging(ContactTags.name)),
        ]
