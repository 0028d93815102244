"""`rejected_records_storage`: where rejected records go beyond the job log and the local file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from destination_crm_contacts.config import ConfigError

DEFAULT_PREFIX = "rejected-records"
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class S3Settings:
    bucket: str
    prefix: str = DEFAULT_PREFIX
    region: str = DEFAULT_REGION
    # Empty for AWS itself; the URL of any other S3-compatible server (MinIO, Ceph, R2, ...).
    endpoint: str = ""
    # Both empty: boto3's own chain (environment, instance role) finds the credentials.
    access_key_id: str = ""
    secret_access_key: str = ""


def s3_settings(config: Mapping[str, Any]) -> S3Settings | None:
    """The S3 settings, or None when rejected records are not stored in S3."""
    section = config.get("rejected_records_storage") or {}
    kind = str(section.get("storage_type") or "none").lower()
    if kind == "none":
        return None
    if kind != "s3":
        raise ConfigError(f"rejected_records_storage.storage_type is {kind!r}; choose none or s3.")
    if config.get("rejected_records_path"):
        raise ConfigError(
            "rejected_records_path and rejected_records_storage are both set: keep rejected records in "
            "one place (leave rejected_records_path empty to use the storage)."
        )
    bucket = str(section.get("bucket") or "").strip()
    if not bucket:
        raise ConfigError("rejected_records_storage.bucket is missing: name the bucket for rejected records.")
    endpoint = str(section.get("endpoint") or "").strip().rstrip("/")
    if endpoint and not endpoint.startswith(("http://", "https://")):
        raise ConfigError(
            f"rejected_records_storage.endpoint {endpoint!r} must start with http:// or https://, "
            "such as http://minio:9000 (leave it empty for AWS S3)."
        )
    key_id = str(section.get("access_key_id") or "")
    secret = str(section.get("secret_access_key") or "")
    if bool(key_id) != bool(secret):
        raise ConfigError(
            "rejected_records_storage needs both access_key_id and secret_access_key, or neither "
            "(then the environment's AWS credentials are used)."
        )
    return S3Settings(
        bucket=bucket,
        prefix=str(section.get("prefix", DEFAULT_PREFIX) or "").strip("/"),
        region=str(section.get("region") or DEFAULT_REGION),
        endpoint=endpoint,
        access_key_id=key_id,
        secret_access_key=secret,
    )
