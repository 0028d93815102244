"""Rejected records in S3-compatible storage, where a user reads them after the container is gone.

An S3 object cannot be appended to, so each flush that has rejections is one JSON Lines object:
`<prefix>/<sync>/<attempt>/<stream>/<n>.jsonl`, and the sync's report is `.../<attempt>/report.json`.
`<sync>` is the sync id Airbyte puts in the configured catalog; `<attempt>` is when this process
started, since Airbyte retries a failed attempt under the same sync id and the retry's objects
must not replace the rejected records of the attempts before it.

This module imports boto3 and is imported only when the storage is configured: boto3 costs
a tenth of the connector's start-up.
"""

from __future__ import annotations

import uuid
from collections import Counter

import boto3
from airbyte_cdk.models import FailureType
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from destination_crm_contacts.rejected.settings import S3Settings
from destination_crm_contacts.rejected.store import StorageError

# A sync waits out a slow or briefly failing storage; check answers within seconds.
SYNC_CONFIG = Config(connect_timeout=10, read_timeout=60, retries={"mode": "standard", "max_attempts": 5})
CHECK_CONFIG = Config(connect_timeout=4, read_timeout=4, retries={"mode": "standard", "max_attempts": 1})
# Answers that no retry mends: the bucket, the region or the credentials are wrong.
_CONFIG_ERRORS = frozenset({400, 401, 403, 404, 301})


class S3Store:
    def __init__(self, settings: S3Settings, folder: str, config: Config = SYNC_CONFIG) -> None:
        self._settings = settings
        self._folder = "/".join(part for part in (settings.prefix, folder) if part)
        self._objects: Counter[str] = Counter()
        self._client = boto3.client(
            "s3",
            region_name=settings.region,
            endpoint_url=settings.endpoint or None,
            aws_access_key_id=settings.access_key_id or None,
            aws_secret_access_key=settings.secret_access_key or None,
            config=config,
        )

    def put(self, stream: str, lines: bytes) -> str:
        self._objects[stream] += 1
        return self._put(f"{self._folder}/{stream}/{self._objects[stream]:05d}.jsonl", lines)

    def put_report(self, report: bytes) -> str | None:
        return self._put(f"{self._folder}/report.json", report, "application/json")

    def probe(self) -> None:
        """Writes and deletes one object under the prefix, as `check` proves the settings."""
        key = f"{self._settings.prefix}/check-{uuid.uuid4().hex}.probe".lstrip("/")
        self._put(key, b"written by check, deleted at once")
        try:
            self._client.delete_object(Bucket=self._settings.bucket, Key=key)
        except (BotoCoreError, ClientError) as error:
            raise self._failure("delete", key, error) from None

    def close(self) -> None:
        self._client.close()

    def _put(self, key: str, body: bytes, content_type: str = "application/x-ndjson") -> str:
        try:
            self._client.put_object(
                Bucket=self._settings.bucket, Key=key, Body=body, ContentType=content_type
            )
        except (BotoCoreError, ClientError) as error:
            raise self._failure("write", key, error) from None
        return f"s3://{self._settings.bucket}/{key}"

    def _failure(self, verb: str, key: str, error: BotoCoreError | ClientError) -> StorageError:
        where = f"s3://{self._settings.bucket}/{key}"
        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "")
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if status in _CONFIG_ERRORS or code in ("NoSuchBucket", "AccessDenied", "InvalidAccessKeyId"):
                return StorageError(
                    f"Could not {verb} {where} for rejected records: the storage answered {status} {code}. "
                    "Check rejected_records_storage (bucket, region, endpoint, access_key_id and "
                    "secret_access_key, which must allow s3:PutObject and s3:DeleteObject under the prefix).",
                    FailureType.config_error,
                )
            problem = f"it answered {status} {code}"
        else:
            problem = type(error).__name__
        return StorageError(
            f"Could not {verb} {where} for rejected records ({problem}), after retries: the sync stops "
            "before confirming any later state, so a retry writes them again. Check that "
            "rejected_records_storage.endpoint answers.",
            FailureType.transient_error,
        )
