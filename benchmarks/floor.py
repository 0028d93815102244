"""The floor: the least a full read of the Custom Contact Source API can cost in Python.

One `requests` session fetches a token, then every page of `/contacts` in order, and writes each
contact as an Airbyte RECORD line with orjson. No validation, no normalisation, no concurrency:
whatever a connector adds on top of this is its overhead.

    python -m benchmarks.floor --base-url URL --client-id ID --client-secret SECRET --page-size N
"""

from __future__ import annotations

import argparse
import sys
import time

import orjson
import requests


def read_all(base_url: str, client_id: str, client_secret: str, page_size: int) -> int:
    out = sys.stdout.buffer
    session = requests.Session()
    token = session.get(f"{base_url}/token", auth=(client_id, client_secret), timeout=60).json()["token"]
    session.headers["Authorization"] = f"Bearer {token}"
    written = 0
    page = 1
    while True:
        response = session.get(f"{base_url}/contacts", params={"limit": page_size, "page": page}, timeout=60)
        response.raise_for_status()
        body = response.json()
        emitted_at = int(time.time() * 1000)
        for contact in body["contacts"]:
            message = {
                "type": "RECORD",
                "record": {"stream": "contacts", "data": contact, "emitted_at": emitted_at},
            }
            out.write(orjson.dumps(message) + b"\n")
            written += 1
        if not body["has_more"]:
            break
        page += 1
    out.flush()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8765/custom")
    parser.add_argument("--client-id", default="test_id")
    parser.add_argument("--client-secret", default="test_secret")
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    read_all(args.base_url.rstrip("/"), args.client_id, args.client_secret, args.page_size)


if __name__ == "__main__":
    main()
