"""How an answer of either target API is read: its JSON, the short reason of a refusal, and what a
refused write means (the one record rejected, or the settings wrong).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
import requests
from airbyte_cdk.models import FailureType

from destination_crm_contacts.errors import RecordRejectedError, TargetError

# Answers that refuse what a request carries: the one record is rejected, the sync goes on.
CONTENT_REFUSALS = frozenset({400, 409, 413, 422})


def refusal(target: str, method: str, path: str, response: requests.Response, settings: str) -> Exception:
    """What a 4xx answer to a write means: a rejected record when it refuses the record's content,
    otherwise a config error naming `settings`, the ones that shape the refused request. A 2xx
    handed here is one whose body says it failed (`success: false`): a refusal of the content."""
    if response.status_code in CONTENT_REFUSALS or response.ok:
        return RecordRejectedError(error_reason(response))
    if response.status_code in (404, 405):
        what = "no such path" if response.status_code == 404 else "method not allowed at this path"
        problem = f"{what}, so this is not the API's {method} {path}"
    else:
        problem = "an answer no record's content can cause"
    return TargetError(
        f"{target}: {method} {path} answered {error_reason(response)} ({problem}): check {settings}.",
        FailureType.config_error,
    )


def json_body(response: requests.Response) -> Any:
    """The answer's JSON, or its text when it is not JSON (the CRM answers deletes in plain text)."""
    try:
        # orjson rather than `response.json()`: every answer is parsed, and JSON is UTF-8.
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return response.text


def error_reason(response: requests.Response) -> str:
    """A short reason for a refused request, from the usual error fields or the body."""
    body = json_body(response)
    if isinstance(body, Mapping):
        for key in ("error", "message", "detail", "errors"):
            if body.get(key):
                return f"HTTP {response.status_code}: {body[key]}"
    text = str(body).strip()
    return f"HTTP {response.status_code}: {text[:300]}" if text else f"HTTP {response.status_code}"
