"""The connector's configuration, read once into typed objects with readable errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CRM_FIELDS = ("first_name", "last_name", "email", "phone", "company", "job_title", "notes")
CLIENT_CONTACT_FIELDS = (
    "name",
    "local_name",
    "phone1",
    "phone2",
    "email",
    "title",
    "extra_info",
    "cover_photo",
)
_DOTTED_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
# Brackets would break the CRM marker; spaces would not survive a search.
_KEY_PREFIX = re.compile(r"^[A-Za-z0-9_.:/-]{0,64}$")


# How `crm.match_field` adopts a contact the connector did not create (see the README).
ADOPT_UNMARKED = "when_shown_unmarked"
ADOPT_UNVERIFIED = "even_if_unverified"
ADOPT_NEVER = "never"


class ConfigError(ValueError):
    """A config the connector cannot run with; the message names the setting and the fix."""


@dataclass(frozen=True)
class TargetLimits:
    max_concurrent_requests: int = 32
    requests_per_second: float = 0.0


@dataclass(frozen=True)
class TargetConfig:
    """What the settings of either target hold."""

    base_url: str
    api_key: str
    contacts_path: str = "/contacts"
    field_mapping: Mapping[str, str | None] = field(default_factory=dict)
    limits: TargetLimits = TargetLimits()


@dataclass(frozen=True)
class CrmConfig(TargetConfig):
    edit_path: str = "/contacts/edit"
    match_field: str = "email"
    identity_field: str = "notes"
    adopt_by_match_field: str = ADOPT_UNMARKED
    search_parameters_in: str = "query"
    edit_field_names: str = "contact_id/update_fields"
    delete_id_in: str = "body"


@dataclass(frozen=True)
class ClientContactsConfig(TargetConfig):
    auth_header: str = "Authorization"
    auth_scheme: str = "Bearer"
    update_method: str = "PUT"
    match_key: str = "integration_meta.external_id"
    page_size: int = 100


@dataclass(frozen=True)
class WriteOptions:
    request_timeout_seconds: float = 30.0
    max_retries: int = 6
    batch_max_records: int = 1000
    batch_max_bytes: int = 8 * 1024 * 1024
    batch_max_seconds: float = 30.0
    rejected_records_path: str = ""
    max_rejected_share: float = 0.2
    rejected_share_min_records: int = 100
    max_sweep_share: float = 0.2
    sweep_share_min_contacts: int = 100
    ignored_streams: tuple[str, ...] = ("contact_tags",)
    dry_run: bool = False
    key_prefix: str = ""
    single_core: bool = False


@dataclass(frozen=True)
class DestinationConfig:
    crm: CrmConfig | None
    client_contacts: ClientContactsConfig | None
    options: WriteOptions

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> DestinationConfig:
        crm = _crm_config(config.get("crm") or {})
        client_contacts = _client_contacts_config(config.get("client_contacts") or {})
        if crm is None and client_contacts is None:
            raise ConfigError("No target is enabled: set crm.enabled or client_contacts.enabled to true.")
        return cls(crm=crm, client_contacts=client_contacts, options=_write_options(config))


def _crm_config(section: Mapping[str, Any]) -> CrmConfig | None:
    if not section.get("enabled"):
        return None
    defaults = CrmConfig(base_url="", api_key="")
    identity_field = _choice(
        section, "crm", "identity_field", defaults.identity_field, ("notes", "job_title", "company")
    )
    field_mapping = _field_mapping(section, "crm", CRM_FIELDS)
    if field_mapping.get(identity_field):
        raise ConfigError(
            f"crm.field_mapping maps {identity_field}, which holds the connector's marker "
            f"(crm.identity_field): map that record field to another CRM field, or choose another "
            "crm.identity_field."
        )
    return CrmConfig(
        base_url=_base_url(section, "crm", "https://crm.example.com/api"),
        api_key=_api_key(section, "crm"),
        contacts_path=_path(section, "crm", "contacts_path", defaults.contacts_path),
        edit_path=_path(section, "crm", "edit_path", defaults.edit_path),
        match_field=_choice(section, "crm", "match_field", defaults.match_field, CRM_FIELDS[:-1]),
        identity_field=identity_field,
        adopt_by_match_field=_choice(
            section,
            "crm",
            "adopt_by_match_field",
            defaults.adopt_by_match_field,
            (ADOPT_UNMARKED, ADOPT_UNVERIFIED, ADOPT_NEVER),
        ),
        search_parameters_in=_choice(
            section, "crm", "search_parameters_in", defaults.search_parameters_in, ("query", "body")
        ),
        edit_field_names=_choice(
            section,
            "crm",
            "edit_field_names",
            defaults.edit_field_names,
            ("contact_id/update_fields", "contactID/updateFields"),
        ),
        delete_id_in=_choice(section, "crm", "delete_id_in", defaults.delete_id_in, ("body", "query")),
        field_mapping=field_mapping,
        limits=_limits(section, "crm"),
    )


def _client_contacts_config(section: Mapping[str, Any]) -> ClientContactsConfig | None:
    if not section.get("enabled"):
        return None
    defaults = ClientContactsConfig(base_url="", api_key="")
    match_key = str(section.get("match_key") or defaults.match_key)
    if not _DOTTED_PATH.match(match_key):
        raise ConfigError(
            f"client_contacts.match_key {match_key!r} is not a dotted field path such as "
            "'integration_meta.external_id'."
        )
    page_size = int(section.get("page_size") or defaults.page_size)
    if not 1 <= page_size <= 100:
        raise ConfigError(f"client_contacts.page_size must be between 1 and 100, not {page_size}.")
    return ClientContactsConfig(
        base_url=_base_url(section, "client_contacts", "https://contacts.example.com/v1"),
        api_key=_api_key(section, "client_contacts"),
        auth_header=str(section.get("auth_header") or defaults.auth_header),
        auth_scheme=str(section.get("auth_scheme", defaults.auth_scheme) or ""),
        contacts_path=_path(section, "client_contacts", "contacts_path", defaults.contacts_path),
        update_method=_choice(
            section, "client_contacts", "update_method", defaults.update_method, ("PUT", "PATCH")
        ),
        match_key=match_key,
        page_size=page_size,
        field_mapping=_field_mapping(section, "client_contacts", CLIENT_CONTACT_FIELDS),
        limits=_limits(section, "client_contacts"),
    )


def _write_options(config: Mapping[str, Any]) -> WriteOptions:
    defaults = WriteOptions()
    share = float(config.get("max_rejected_share", defaults.max_rejected_share))
    if not 0 <= share <= 1:
        raise ConfigError(f"max_rejected_share must be between 0 and 1, not {share}.")
    sweep_share = float(config.get("max_sweep_share", defaults.max_sweep_share))
    if not 0 <= sweep_share <= 1:
        raise ConfigError(f"max_sweep_share must be between 0 and 1, not {sweep_share}.")
    timeout = float(config.get("request_timeout_seconds", defaults.request_timeout_seconds))
    if timeout <= 0:
        raise ConfigError(f"request_timeout_seconds must be positive, not {timeout}.")
    key_prefix = str(config.get("key_prefix") or "")
    if not _KEY_PREFIX.match(key_prefix):
        raise ConfigError(
            f"key_prefix {key_prefix!r} may hold only letters, digits and _ . : / - (at most 64), "
            "such as 'company-a:'."
        )
    return WriteOptions(
        request_timeout_seconds=timeout,
        max_retries=int(config.get("max_retries", defaults.max_retries)),
        batch_max_records=max(1, int(config.get("batch_max_records", defaults.batch_max_records))),
        batch_max_bytes=max(1024, int(config.get("batch_max_bytes", defaults.batch_max_bytes))),
        batch_max_seconds=float(config.get("batch_max_seconds", defaults.batch_max_seconds)),
        rejected_records_path=str(config.get("rejected_records_path") or ""),
        max_rejected_share=share,
        rejected_share_min_records=max(
            1, int(config.get("rejected_share_min_records", defaults.rejected_share_min_records))
        ),
        max_sweep_share=sweep_share,
        sweep_share_min_contacts=max(
            0, int(config.get("sweep_share_min_contacts", defaults.sweep_share_min_contacts))
        ),
        ignored_streams=tuple(config.get("ignored_streams", defaults.ignored_streams)),
        dry_run=bool(config.get("dry_run", False)),
        key_prefix=key_prefix,
        single_core=bool(config.get("single_core", False)),
    )


def _base_url(section: Mapping[str, Any], target: str, example: str) -> str:
    """Required: a default would send an enabled target's contacts to a server the user never chose."""
    url = str(section.get("base_url") or "").strip().rstrip("/")
    if not url:
        raise ConfigError(
            f"{target}.base_url is missing: {target} is enabled, so give the root URL of its API, "
            f"such as {example}."
        )
    if not url.startswith(("http://", "https://")):
        raise ConfigError(
            f"{target}.base_url {url!r} must start with http:// or https://, such as {example}."
        )
    return url


def _api_key(section: Mapping[str, Any], target: str) -> str:
    key = section.get("api_key")
    if not key:
        raise ConfigError(f"{target}.api_key is missing: {target} is enabled and needs its API key.")
    return str(key)


def _path(section: Mapping[str, Any], target: str, name: str, default: str) -> str:
    path = str(section.get(name) or default)
    if not path.startswith("/"):
        raise ConfigError(f"{target}.{name} {path!r} must start with '/'.")
    return path.rstrip("/") or "/"


def _choice(
    section: Mapping[str, Any], target: str, name: str, default: str, allowed: tuple[str, ...]
) -> str:
    value = str(section.get(name) or default)
    if value not in allowed:
        raise ConfigError(f"{target}.{name} is {value!r}; choose one of {', '.join(allowed)}.")
    return value


def _field_mapping(
    section: Mapping[str, Any], target: str, allowed: tuple[str, ...]
) -> dict[str, str | None]:
    mapping: dict[str, str | None] = {}
    for entry in section.get("field_mapping") or []:
        target_field = entry.get("target_field")
        if target_field not in allowed:
            raise ConfigError(
                f"{target}.field_mapping names target field {target_field!r}; "
                f"it can map {', '.join(allowed)}."
            )
        record_field = str(entry.get("record_field") or "").strip()
        mapping[target_field] = record_field or None
    return mapping


def _limits(section: Mapping[str, Any], target: str) -> TargetLimits:
    concurrency = int(section.get("max_concurrent_requests") or TargetLimits.max_concurrent_requests)
    if not 1 <= concurrency <= 128:
        raise ConfigError(f"{target}.max_concurrent_requests must be between 1 and 128, not {concurrency}.")
    rate = float(section.get("requests_per_second") or 0)
    if rate < 0:
        raise ConfigError(f"{target}.requests_per_second must be 0 (no limit) or positive, not {rate}.")
    return TargetLimits(max_concurrent_requests=concurrency, requests_per_second=rate)
