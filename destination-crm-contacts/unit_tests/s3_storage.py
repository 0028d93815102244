"""moto's S3-compatible server, a real HTTP server on a free port of 127.0.0.1, for the tests of
rejected records in S3: one per pytest process (so one per xdist worker), each test in a bucket
of its own."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from threading import Thread
from typing import Any

import boto3
import pytest

REGION = "us-east-1"
KEY_ID, SECRET = "test-key-id", "test-secret-access-key"


class S3Server:
    def __init__(self, threaded: bool = True) -> None:
        # Imported here: moto takes a second to import, and only these tests need it.
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        # One log line per request would bury the connector's own lines in a failing test's output.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server("127.0.0.1", 0, app, threaded, request_handler=MotoRequestHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.client = boto3.client(
            "s3",
            region_name=REGION,
            endpoint_url=self.url,
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
        )

    def new_bucket(self) -> str:
        bucket = f"rejected-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(Bucket=bucket)
        return bucket

    def storage(self, bucket: str, **settings: Any) -> dict[str, Any]:
        """The `rejected_records_storage` setting for `bucket` on this server."""
        return {
            "storage_type": "s3",
            "bucket": bucket,
            "endpoint": self.url,
            "region": REGION,
            "access_key_id": KEY_ID,
            "secret_access_key": SECRET,
            **settings,
        }

    def objects(self, bucket: str) -> dict[str, bytes]:
        """Every object of `bucket`, by key."""
        listed = self.client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {
            item["Key"]: self.client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            for item in listed
        }

    def delete_bucket(self, bucket: str) -> None:
        for key in self.objects(bucket):
            self.client.delete_object(Bucket=bucket, Key=key)
        self.client.delete_bucket(Bucket=bucket)

    def stop(self) -> None:
        """No answer from here on: the listening socket is closed, not just left unserved."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    server = S3Server()
    yield server
    server.stop()
