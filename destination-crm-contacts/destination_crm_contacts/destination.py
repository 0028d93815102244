"""The Airbyte destination: wiring of config, targets and the writer."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from airbyte_cdk.destinations import Destination
from airbyte_cdk.exception_handler import init_uncaught_exception_handler
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteMessage,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteCatalogSerializer,
    Status,
    Type,
)
from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets, get_secrets, update_secrets

from destination_crm_contacts.clients.auth import ApiKeyAuthenticator
from destination_crm_contacts.clients.base import TargetHttp, Traffic, Transport
from destination_crm_contacts.clients.client_contacts import ClientContactsClient
from destination_crm_contacts.clients.crm import CrmClient
from destination_crm_contacts.config import ConfigError, DestinationConfig
from destination_crm_contacts.cpu import keep_on_one_core
from destination_crm_contacts.errors import TargetError
from destination_crm_contacts.input import InputMessages
from destination_crm_contacts.rejected import open_store, storage_problem, sync_folder
from destination_crm_contacts.rejected.settings import s3_settings
from destination_crm_contacts.settings import (
    CATALOG_FIX,
    CONFIG_FIX,
    SettingsError,
    read_json_file,
    spec_problem,
)
from destination_crm_contacts.targets.base import CreateRetry, Target, WriteContext
from destination_crm_contacts.targets.client_contacts import ClientContactsTarget
from destination_crm_contacts.targets.crm import CrmTarget
from destination_crm_contacts.writers.rejections import RejectedRecords
from destination_crm_contacts.writers.state_counts import serialized
from destination_crm_contacts.writers.writer import ContactWriter

# `check` answers within 10 s whatever the hosts do: its requests wait at most this long each and
# are not retried (but for a 429), the targets are checked side by side, and a host that never
# answers fails the first request.
CHECK_TIMEOUT_SECONDS = 4.0
# A 429 in check is waited out (its Retry-After) this many times: a rate limit is no broken setting.
CHECK_RATE_LIMIT_RETRIES = 2


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
    if for_check:
        capped = options.request_timeout_seconds > CHECK_TIMEOUT_SECONDS
        transport = Transport(
            max_retries=CHECK_RATE_LIMIT_RETRIES,
            timeout_seconds=min(options.request_timeout_seconds, CHECK_TIMEOUT_SECONDS),
            timeout_note="; check waits no longer, a sync waits request_timeout_seconds" if capped else "",
            fail_fast=True,
        )
    context = WriteContext(CreateRetry(attempts=options.max_retries + 1), logger, options.dry_run)
    targets: list[Target] = []
    if config.crm is not None:
        crm = config.crm
        http = TargetHttp(
            "crm", crm.base_url, ApiKeyAuthenticator("x-api-key", crm.api_key), crm.limits, transport, logger
        )
        traffic["crm"] = http.traffic
        targets.append(CrmTarget(CrmClient(http, crm), crm, context))
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
        targets.append(ClientContactsTarget(client, cc, context))
    return targets


def _check_one(target: Target) -> tuple[str | None, str | None]:
    """(what the check found, why it failed)."""
    try:
        return target.check(), None
    except TargetError as error:
        return None, str(error)


def concurrency_of(config: DestinationConfig) -> dict[str, int]:
    limits = {}
    if config.crm is not None:
        limits["crm"] = config.crm.limits.max_concurrent_requests
    if config.client_contacts is not None:
        limits["client_contacts"] = config.client_contacts.limits.max_concurrent_requests
    return limits


def read_config(config: Mapping[str, Any]) -> DestinationConfig:
    try:
        s3_settings(config)
        return DestinationConfig.from_mapping(config)
    except ConfigError as error:
        raise SettingsError(str(error)) from None


class DestinationCrmContacts(Destination):
    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        try:
            parsed = read_config(config)
        except SettingsError as error:
            return AirbyteConnectionStatus(status=Status.FAILED, message=f"Invalid config: {error.message}")
        problem = storage_problem(config, parsed.options.rejected_records_path)
        if problem is not None:
            return AirbyteConnectionStatus(status=Status.FAILED, message=problem)
        targets = build_targets(parsed, logger, for_check=True)
        with ThreadPoolExecutor(len(targets), thread_name_prefix="check") as pool:
            results = list(pool.map(_check_one, targets))
        failures = [failure for _, failure in results if failure]
        if failures:
            # A target's answer may quote what it was sent: the secrets are filtered out.
            return AirbyteConnectionStatus(status=Status.FAILED, message=filter_secrets(" ".join(failures)))
        found = " ".join(report for report, _ in results if report)
        return AirbyteConnectionStatus(status=Status.SUCCEEDED, message=filter_secrets(found) or None)

    def write(
        self,
        config: Mapping[str, Any],
        configured_catalog: ConfiguredAirbyteCatalog,
        input_messages: Iterable[AirbyteMessage],
    ) -> Iterable[AirbyteMessage]:
        logger = logging.getLogger("airbyte")
        parsed = read_config(config)
        if parsed.options.single_core:
            # Before the writer starts its threads: they inherit the core.
            keep_on_one_core(logger)
        store = open_store(config, parsed.options.rejected_records_path, sync_folder(configured_catalog))
        rejected = RejectedRecords(store, logger)
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

    def run(self, args: list[str]) -> None:
        """The CDK's `run`, but each message is written by `serialized`, which keeps the STATE's
        rejectedRecordCount the CDK's serializer drops; a file or config it cannot use is one trace
        message and exit code 1, without the stack trace the CDK's handler of uncaught errors would log."""
        init_uncaught_exception_handler(logging.getLogger("airbyte"))
        try:
            for message in self.run_cmd(self.parse_args(args)):
                print(serialized(message))
        except SettingsError as error:
            error.emit_message()
            sys.exit(1)

    def run_cmd(self, parsed_args: argparse.Namespace) -> Iterable[AirbyteMessage]:
        """`check` and `write` read their files and check the config against the spec here, so a
        mistake names the file or the field; `write` reads stdin with `InputMessages`: one pass
        over bytes, and a malformed line stops the sync with a message naming the line. The rest
        is the CDK's."""
        if parsed_args.command not in ("check", "write"):
            yield from super().run_cmd(parsed_args)
            return
        logger = logging.getLogger("airbyte")
        spec = self.spec(logger)
        config = read_json_file("config", parsed_args.config, CONFIG_FIX)
        if isinstance(config, Mapping):
            update_secrets(get_secrets(spec.connectionSpecification, config))
        problem = spec_problem(config, spec.connectionSpecification)
        if parsed_args.command == "check":
            status = (
                AirbyteConnectionStatus(status=Status.FAILED, message=problem)
                if problem
                else self.check(logger, config)
            )
            yield AirbyteMessage(type=Type.CONNECTION_STATUS, connectionStatus=status)
            return
        if problem:
            raise SettingsError(problem)
        catalog = read_catalog(parsed_args.catalog)
        yield from self.write(config, catalog, InputMessages(sys.stdin.buffer))


def read_catalog(path: str) -> ConfiguredAirbyteCatalog:
    data = read_json_file("catalog", path, CATALOG_FIX)
    try:
        return ConfiguredAirbyteCatalogSerializer.load(data)
    except Exception as error:  # the serializer raises several types; all mean "not a catalog"
        lines = [line.strip(" -") for line in str(error).strip().splitlines()[:3]]
        problem = " ".join(line for line in lines if line) or type(error).__name__
        raise SettingsError(
            f"The catalog file {path!r} is not a configured catalog ({problem}). {CATALOG_FIX}"
        ) from None
