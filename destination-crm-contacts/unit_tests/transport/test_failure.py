"""What a failed request last met, read from its type and status."""

from __future__ import annotations

import logging

import pytest
import requests

from destination_crm_contacts.transport.calls import Cause, Failure, RecordingErrorHandler, what_failed


def answer(status: int) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    return response


@pytest.mark.parametrize(
    ("last", "failure"),
    [
        (answer(429), Failure(Cause.RATE_LIMITED, 429)),
        (answer(503), Failure(Cause.ANSWERED, 503)),
        (requests.ReadTimeout("read timed out"), Failure(Cause.NO_ANSWER)),
        (requests.ConnectTimeout("connect timed out"), Failure(Cause.NOT_ACCEPTED)),
        (requests.ConnectionError("Read timed out."), Failure(Cause.NOT_ACCEPTED)),
        (
            requests.ConnectionError("Failed to resolve: Name or service not known"),
            Failure(Cause.UNREACHABLE, problem="the host name does not resolve"),
        ),
        (
            requests.ConnectionError("[Errno 111] Connection refused"),
            Failure(
                Cause.UNREACHABLE,
                problem="the connection was refused (nothing listens at that host and port)",
            ),
        ),
        (
            requests.exceptions.SSLError("bad handshake"),
            Failure(Cause.UNREACHABLE, problem="the TLS handshake failed"),
        ),
        (
            requests.exceptions.ChunkedEncodingError("cut"),
            Failure(Cause.UNREACHABLE, problem="the connection failed"),
        ),
        (None, Failure(Cause.UNKNOWN)),
        (ValueError("ours"), Failure(Cause.UNKNOWN)),
    ],
)
def test_given_the_last_answer_or_exception_then_the_failure_names_its_cause(
    last: requests.Response | Exception | None, failure: Failure
) -> None:
    assert what_failed(last) == failure


def test_given_answers_judged_then_the_handler_keeps_the_last_one() -> None:
    handler = RecordingErrorHandler(logging.getLogger("test"))
    first, second = answer(500), answer(404)

    handler.interpret_response(first)
    handler.interpret_response(second)

    assert handler.last is second
