"""What a saved state may hold, and what is said when it cannot be right.

A state this source wrote is the start of a sync less the lookback window: always a time in the
past, in the stream's own format. Two kinds of state break that, and neither is ever replaced
without a word:

- one that cannot be read (another format, another type, a count of milliseconds where seconds
  are kept) fails the read with a config error that names the reset;
- one ahead of this machine's clock can be read, but reading changes since a time that has not
  come reads nothing, and every change since the sync before is skipped: the read goes on, with
  a warning that says so and how to get those changes back.

Where milliseconds end and the future begins: a UNIX time above 10^11 is milliseconds. In
seconds that is the year 5138; in milliseconds it was March 1973, before any contact this source
can read changed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_custom_contacts.dates import from_unix, rfc3339

MILLISECONDS_FROM = 10**11
RESET = "reset the stream's data in the connection to read every contact again"


def unreadable_state(
    stream_name: str, state: Mapping[str, Any], expected: str, why: str = ""
) -> AirbyteTracedException:
    message = (
        f"The saved state of stream '{stream_name}' cannot be read: expected {expected}, got "
        f"{_json(state)}{f' ({why})' if why else ''}. Fix the state, or {RESET}."
    )
    return AirbyteTracedException(
        message=message, internal_message=message, failure_type=FailureType.config_error
    )


def unix_seconds(stream_name: str, state: Mapping[str, Any], key: str) -> int:
    """The state's `key` as whole UNIX seconds, or an `unreadable_state` error naming why not."""
    expected = f'{{"{key}": <UNIX time in seconds>}}'
    value = state.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        why = "a number of seconds, not text" if isinstance(value, str) else ""
        raise unreadable_state(stream_name, state, expected, why)
    if value < 0:
        raise unreadable_state(stream_name, state, expected, "a time before 1970")
    if value >= MILLISECONDS_FROM:
        raise unreadable_state(
            stream_name,
            state,
            expected,
            f"{value} counts milliseconds: in seconds it is {value // 1000}, {rfc3339(value // 1000)}",
        )
    return value


def warn_if_ahead(
    stream_name: str, saved: datetime, now: float, next_state: datetime, logger: logging.Logger
) -> None:
    """Says so when the saved state lies ahead of this machine's clock (see the module)."""
    if saved.timestamp() <= now:
        return
    logger.warning(
        f"The saved state of stream '{stream_name}' ({rfc3339(saved)}) is ahead of this machine's "
        f"clock ({rfc3339(from_unix(now))}), so this sync reads no change and skips every change "
        f"since the sync before; the state moves back to {rfc3339(next_state)}, and to get the "
        f"skipped changes, {RESET}."
    )


def _json(state: Mapping[str, Any]) -> str:
    try:
        return json.dumps(dict(state), default=str)
    except (TypeError, ValueError):
        return repr(dict(state))
