"""The Airbyte destination: wiring of config, targets and the writer."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
from airbyte_cdk.destinations import Destination
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteMessage,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteCatalogSerializer,
    FailureType,
    Status,
)
from airbyte_cdk.sources.utils.schema_helpers import check_config_against_spec_or_exit
from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets, get_secrets, update_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.clients.base import (
    ApiKeyAuthenticator,
    TargetError,
    TargetHttp,
    Traffic,
    Transport,
)
from destination_crm_contacts.clients.client_contacts import ClientContactsClient
from destination_crm_contacts.clients.crm import CrmClient
from destination_crm_contacts.config import ConfigError, DestinationConfig
from destination_crm_contacts.input import InputMessages
from destination_crm_contacts.targets.base import CreateRetry, Target
from destination_crm_contacts.targets.client_contacts import ClientContactsTarget
from destination_crm_contacts.targets.crm import CrmTarget
from destination_crm_contacts.writers.rejections import RejectedRecords, unwritable
from destination_crm_contacts.writers.writer import ContactWriter

# `check` answers within 10 s whatever the hosts do: its requests are not retried and wait at most
# this long each, the targets are checked side by side, and a host that never answers fails the
# first request.
CHECK_TIMEOUT_SECONDS = 4.0


def build_targets(
    config: DestinationConfig,
    logger: logging.Logger,
    for_check: bool = False,
    traffic: dict[str, Callable[[], Traffic]] | None = None,
) -> list[Target]:
    """The enabled targets; `traffic`, when given, receives how to read each one's traffic."""
    traffic = {} if traffic is None else traffic
    options = config.options
    transport = Transport(max_retries=options.max_retries, timeout_seconds=options.request_timeout_seconds)
    if for_check and options.request_timeout_seconds > CHECK_TIMEOUT_SECONDS:
        note = "; check waits no longer, a sync waits request_timeout_seconds"
        transport = Transport(max_retries=0, timeout_seconds=CHECK_TIMEOUT_SECONDS, timeout_note=note)
    elif for_check:
        transport = Transport(max_retries=0, timeout_seconds=options.request_timeout_seconds)
    create_retry = CreateRetry(attempts=options.max_retries + 1)
    targets: list[Target] = []
    if config.crm is not None:
        crm = config.crm
        http = TargetHttp(
            "crm", crm.base_url, ApiKeyAuthenticator("x-api-key", crm.api_key), crm.limits, transport, logger
        )
        traffic["crm"] = http.traffic
        targets.append(CrmTarget(CrmClient(http, crm), crm, create_retry, logger, options.dry_run))
    if config.client_contacts is not None:
        cc = config.client_contacts
        authenticator = ApiKeyAuthenticator(cc.auth_header, cc.api_key, cc.auth_scheme)
        http = TargetHttp(
            "client_contacts",
            cc.base_url,
            authenticator,
            cc.limits,
            transport,
            logger,
            auth_settings=" (and client_contacts.auth_header, client_contacts.auth_scheme)",
        )
        traffic["client_contacts"] = http.traffic
        client = ClientContactsClient(http, cc)
        targets.append(ClientContactsTarget(client, cc, create_retry, logger, options.dry_run))
    return targets


def _check_one(target: Target) -> str | None:
    try:
        target.check()
    except TargetError as error:
        return str(error)
    return None


def concurrency_of(config: DestinationConfig) -> dict[str, int]:
    limits = {}
    if config.crm is not None:
        limits["crm"] = config.crm.limits.max_concurrent_requests
    if config.client_contacts is not None:
        limits["client_contacts"] = config.client_contacts.limits.max_concurrent_requests
    return limits


def read_config(config: Mapping[str, Any]) -> DestinationConfig:
    try:
        return DestinationConfig.from_mapping(config)
    except ConfigError as error:
        raise AirbyteTracedException(
            message=str(error), internal_message=str(error), failure_type=FailureType.config_error
        ) from error


class DestinationCrmContacts(Destination):
    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        try:
            parsed = DestinationConfig.from_mapping(config)
        except ConfigError as error:
            return AirbyteConnectionStatus(status=Status.FAILED, message=f"Invalid config: {error}")
        problem = unwritable(parsed.options.rejected_records_path)
        if problem is not None:
            return AirbyteConnectionStatus(status=Status.FAILED, message=f"Invalid config: {problem}")
        targets = build_targets(parsed, logger, for_check=True)
        with ThreadPoolExecutor(len(targets), thread_name_prefix="check") as pool:
            failures = [failure for failure in pool.map(_check_one, targets) if failure]
        if failures:
            # A target's answer may quote what it was sent: the secrets are filtered out.
            return AirbyteConnectionStatus(status=Status.FAILED, message=filter_secrets(" ".join(failures)))
        return AirbyteConnectionStatus(status=Status.SUCCEEDED)

    def write(
        self,
        config: Mapping[str, Any],
        configured_catalog: ConfiguredAirbyteCatalog,
        input_messages: Iterable[AirbyteMessage],
    ) -> Iterable[AirbyteMessage]:
        logger = logging.getLogger("airbyte")
        parsed = read_config(config)
        rejected = RejectedRecords(parsed.options.rejected_records_path, logger)
        traffic: dict[str, Callable[[], Traffic]] = {}
        targets = build_targets(parsed, logger, traffic=traffic)
        writer = ContactWriter(
            targets,
            concurrency_of(parsed),
            configured_catalog,
            parsed.options,
            rejected,
            logger,
            traffic=traffic,
        )
        try:
            yield from writer.write(input_messages)
        finally:
            rejected.close()

    def run_cmd(self, parsed_args: argparse.Namespace) -> Iterable[AirbyteMessage]:
        """`write` reads stdin with `InputMessages`: one pass over bytes, and a malformed line
        stops the sync with a message naming the line. Everything else is the CDK's."""
        if parsed_args.command != "write":
            yield from super().run_cmd(parsed_args)
            return
        logger = logging.getLogger("airbyte")
        spec = self.spec(logger)
        config = self.read_config(config_path=parsed_args.config)
        update_secrets(get_secrets(spec.connectionSpecification, config))
        check_config_against_spec_or_exit(config, spec)
        catalog = ConfiguredAirbyteCatalogSerializer.load(
            orjson.loads(Path(parsed_args.catalog).read_bytes())
        )
        yield from self.write(config, catalog, InputMessages(sys.stdin.buffer))
