"""The CDK's HTTP log lines, kept readable and free of contact data."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"""(https?://[^\s'"?]*)\?[^\s'"]*""")


class HttpLogFilter(logging.Filter):
    """Keeps the CDK's HTTP log lines readable and free of contact data. A search's URL carries
    its term (an email, a marker) in the query, so every URL loses its query. "Ignoring response"
    lines go: there is one per search a CRM answers with 404 for "no match", and the caller acts
    on those answers. The traceback of exhausted retries goes too: the sync's own message names
    the host, the failure and the setting, and the traceback would quote the URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Ignoring response for"):
            return False
        record.msg, record.args = _QUERY.sub(r"\1?...", message), None
        if message.startswith(("Retries exhausted", "Giving up")):
            record.exc_info, record.exc_text = None, None
        return True


def quiet_http_logs(*loggers: logging.Logger) -> None:
    """Puts `HttpLogFilter` on the loggers the CDK's HTTP code writes to, once each (its backoff
    handlers write to the "airbyte" logger itself, the backoff library to "backoff")."""
    for logger in (logging.getLogger("airbyte"), logging.getLogger("backoff"), *loggers):
        if not any(isinstance(existing, HttpLogFilter) for existing in logger.filters):
            logger.addFilter(HttpLogFilter())
