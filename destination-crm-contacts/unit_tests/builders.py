"""Builders for configs, catalogs and the messages a source sends."""

from __future__ import annotations

import copy
from typing import Any

import requests_mock
from airbyte_cdk.models import (
    AirbyteErrorTraceMessage,
    AirbyteGlobalState,
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteStateBlob,
    AirbyteStateMessage,
    AirbyteStateType,
    AirbyteStreamState,
    AirbyteStreamStatus,
    AirbyteStreamStatusTraceMessage,
    AirbyteTraceMessage,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteCatalogSerializer,
    FailureType,
    StreamDescriptor,
    TraceType,
    Type,
)

from unit_tests.fakes import (
    CLIENT_CONTACTS_KEY,
    CLIENT_CONTACTS_URL,
    CRM_KEY,
    CRM_URL,
    WRONG_CRM_URL,
    answer_everything_under,
)
from unit_tests.s3_storage import S3Server

DELETED_AT = "2026-11-25T10:00:00Z"


class ConfigBuilder:
    def __init__(self) -> None:
        self._config: dict[str, Any] = {
            "crm": {"enabled": True, "base_url": CRM_URL, "api_key": CRM_KEY},
            "client_contacts": {
                "enabled": True,
                "base_url": CLIENT_CONTACTS_URL,
                "api_key": CLIENT_CONTACTS_KEY,
            },
            "max_retries": 2,
            "request_timeout_seconds": 5,
        }

    def only_crm(self) -> ConfigBuilder:
        self._config["client_contacts"] = {"enabled": False}
        return self

    def only_client_contacts(self) -> ConfigBuilder:
        self._config["crm"] = {"enabled": False}
        return self

    def with_crm(self, **settings: Any) -> ConfigBuilder:
        self._config["crm"].update(settings)
        return self

    def with_client_contacts(self, **settings: Any) -> ConfigBuilder:
        self._config["client_contacts"].update(settings)
        return self

    def with_option(self, **options: Any) -> ConfigBuilder:
        self._config.update(options)
        return self

    def build(self) -> dict[str, Any]:
        return copy.deepcopy(self._config)


CRM_ONLY = ConfigBuilder().only_crm().build()
CLIENT_CONTACTS_ONLY = ConfigBuilder().only_client_contacts().build()


def catalog(
    *streams: tuple[str, str], generations: tuple[int, int, int] | None = None
) -> ConfiguredAirbyteCatalog:
    """Streams as (name, destination sync mode); default one `contacts` stream in append_dedup.
    `generations`: (generation_id, minimum_generation_id, sync_id) of every stream, as Airbyte
    sends them; none by default."""
    streams = streams or (("contacts", "append_dedup"),)
    ids = {}
    if generations is not None:
        generation, minimum, sync_id = generations
        ids = {"generation_id": generation, "minimum_generation_id": minimum, "sync_id": sync_id}
    return ConfiguredAirbyteCatalogSerializer.load(
        {
            "streams": [
                {
                    "stream": {
                        "name": name,
                        "json_schema": {"type": "object"},
                        "supported_sync_modes": ["full_refresh", "incremental"],
                        "source_defined_primary_key": [["id"]],
                    },
                    "sync_mode": "incremental" if mode == "append_dedup" else "full_refresh",
                    "destination_sync_mode": mode,
                    "primary_key": [["id"]],
                    **ids,
                }
                for name, mode in streams
            ]
        }
    )


def truncate_refresh(mode: str = "append_dedup", generation: int = 4) -> ConfiguredAirbyteCatalog:
    """One `contacts` stream in `mode`, refreshed with "Refresh and remove records"."""
    return catalog(("contacts", mode), generations=(generation, generation, 812))


def merge_refresh(mode: str = "append_dedup", generation: int = 4) -> ConfiguredAirbyteCatalog:
    """One `contacts` stream in `mode`, refreshed with "Refresh and retain records"."""
    return catalog(("contacts", mode), generations=(generation, 0, 812))


def custom_contact(contact_id: str, **overrides: Any) -> dict[str, Any]:
    """A record as the Custom Contact Source API gives it."""
    record: dict[str, Any] = {
        "id": contact_id,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "company": "Analytical Engines",
        "type": "lead",
        "phones": [
            {"number": "+4420700000" + contact_id, "label": "work"},
            {"number": "+44777", "label": "mobile"},
        ],
        "emails": [{"email": f"ada{contact_id}@example.com", "label": "business"}],
        "_ab_cdc_deleted_at": None,
    }
    record.update(overrides)
    return record


def company_contact(contact_id: str, **overrides: Any) -> dict[str, Any]:
    """A record as the Company Contacts API gives it."""
    record: dict[str, Any] = {
        "id": contact_id,
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": f"grace{contact_id}@example.com",
        "phone_number": "5550100" + contact_id,
        "phone_number_lid": None,
        "profile_picture": f"https://cdn.example.com/{contact_id}.jpg",
        "created_at": "2025-08-01T10:00:00.000Z",
        "updated_at": "2025-09-15T08:30:00.000Z",
        "tags": [{"id": "42", "name": "VIP", "color": "#1156d6"}],
    }
    record.update(overrides)
    return record


def record(data: dict[str, Any], stream: str = "contacts") -> AirbyteMessage:
    return AirbyteMessage(
        type=Type.RECORD, record=AirbyteRecordMessage(stream=stream, data=data, emitted_at=1)
    )


def custom_records(*ids: object, **overrides: Any) -> list[AirbyteMessage]:
    """Records of the custom contacts `ids`, in order, each with `overrides`."""
    return [record(custom_contact(str(contact_id), **overrides)) for contact_id in ids]


def tombstone(contact_id: str, stream: str = "contacts") -> AirbyteMessage:
    return record({"id": contact_id, "_ab_cdc_deleted_at": DELETED_AT}, stream)


def state(value: int, stream: str = "contacts") -> AirbyteMessage:
    return AirbyteMessage(
        type=Type.STATE,
        state=AirbyteStateMessage(
            type=AirbyteStateType.STREAM,
            stream=AirbyteStreamState(
                stream_descriptor=StreamDescriptor(name=stream), stream_state=AirbyteStateBlob(cursor=value)
            ),
        ),
    )


def global_state(value: int) -> AirbyteMessage:
    return AirbyteMessage(
        type=Type.STATE,
        state=AirbyteStateMessage(
            type=AirbyteStateType.GLOBAL,
            global_=AirbyteGlobalState(shared_state=AirbyteStateBlob(cursor=value), stream_states=[]),
        ),
    )


def stream_status(status: AirbyteStreamStatus, stream: str = "contacts") -> AirbyteMessage:
    return AirbyteMessage(
        type=Type.TRACE,
        trace=AirbyteTraceMessage(
            type=TraceType.STREAM_STATUS,
            emitted_at=1,
            stream_status=AirbyteStreamStatusTraceMessage(
                stream_descriptor=StreamDescriptor(name=stream), status=status
            ),
        ),
    )


# The status that closes a stream read whole: what lets a sweep delete.
COMPLETE = stream_status(AirbyteStreamStatus.COMPLETE)


def source_error(message: str = "the source failed") -> AirbyteMessage:
    """The error trace a source sends when its read fails."""
    return AirbyteMessage(
        type=Type.TRACE,
        trace=AirbyteTraceMessage(
            type=TraceType.ERROR,
            emitted_at=1,
            error=AirbyteErrorTraceMessage(message=message, failure_type=FailureType.system_error),
        ),
    )


def crm_at_a_wrong_path(http: requests_mock.Mocker) -> dict[str, Any]:
    """Settings of the CRM alone at a base URL where its API is not: every request there gets 404."""
    answer_everything_under(http, WRONG_CRM_URL, status_code=404, json={"detail": "Not Found"})
    return ConfigBuilder().only_crm().with_crm(base_url=WRONG_CRM_URL).build()


def storing_in_a_new_bucket(
    s3_server: S3Server, builder: ConfigBuilder | None = None, **options: Any
) -> tuple[str, dict[str, Any]]:
    """A new bucket, and the settings of `builder` (both targets by default), with `options`, that
    store rejected records in it."""
    bucket = s3_server.new_bucket()
    storage = s3_server.storage(bucket)
    builder = ConfigBuilder() if builder is None else builder
    return bucket, builder.with_option(rejected_records_storage=storage, **options).build()
