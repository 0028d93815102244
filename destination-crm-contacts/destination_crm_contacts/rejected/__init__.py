"""Where rejected records go, beside the job log: nowhere else, a local file (`local_file.py`), or
S3-compatible storage (`s3.py`), each behind `RejectedStore`. `s3.py` is imported only when the
storage is configured, so the connector starts without boto3."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from airbyte_cdk.models import ConfiguredAirbyteCatalog

from destination_crm_contacts.rejected.local_file import LocalFile, unwritable
from destination_crm_contacts.rejected.settings import s3_settings
from destination_crm_contacts.rejected.store import RejectedStore, StorageError

__all__ = ["RejectedStore", "StorageError", "open_store", "storage_problem", "sync_folder"]

# Outside Airbyte, or on a platform that sends no sync id, the attempts gather here.
NO_SYNC_ID = "no-sync-id"


def sync_folder(
    catalog: ConfiguredAirbyteCatalog, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> str:
    """`<sync id>/<attempt>`: the sync id every stream of the catalog carries, then this attempt's
    start (UTC, to the second) and a few random letters, so attempts of one sync never share a folder."""
    sync_id = next((stream.sync_id for stream in catalog.streams if stream.sync_id is not None), None)
    attempt = f"{now():%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    return f"{NO_SYNC_ID if sync_id is None else sync_id}/{attempt}"


def open_store(config: Mapping[str, Any], path: str, folder: str) -> RejectedStore | None:
    """The store the config names (`path` is `rejected_records_path`), or None for the log alone."""
    settings = s3_settings(config)
    if settings is not None:
        from destination_crm_contacts.rejected.s3 import S3Store

        return S3Store(settings, folder)
    return LocalFile(path) if path else None


def storage_problem(config: Mapping[str, Any], path: str) -> str | None:
    """Why rejected records could not be kept where the config says, as `check` words it; None when
    they can. S3 is proven by an object written and deleted."""
    settings = s3_settings(config)
    if settings is None:
        problem = unwritable(path) if path else None
        return None if problem is None else f"Invalid config: {problem}"
    from destination_crm_contacts.rejected.s3 import CHECK_CONFIG, S3Store

    store = S3Store(settings, "", CHECK_CONFIG)
    try:
        store.probe()
    except StorageError as error:
        return error.message
    finally:
        store.close()
    return None
