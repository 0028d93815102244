from __future__ import annotations

import pytest
from airbyte_cdk.models import AirbyteErrorTraceMessage, FailureType, StreamDescriptor

from source_custom_contacts.failures import sync_failed


def _error(stream: str, failure_type: FailureType) -> AirbyteErrorTraceMessage:
    return AirbyteErrorTraceMessage(
        message=f"{stream} failed.",
        failure_type=failure_type,
        stream_descriptor=StreamDescriptor(name=stream),
    )


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        ([FailureType.transient_error], FailureType.transient_error),
        ([FailureType.transient_error, FailureType.system_error], FailureType.system_error),
        ([FailureType.system_error, FailureType.config_error], FailureType.config_error),
        ([FailureType.transient_error, FailureType.transient_error], FailureType.transient_error),
    ],
)
def test_given_stream_errors_when_the_sync_fails_then_its_type_is_the_one_a_user_must_act_on_first(
    types: list[FailureType], expected: FailureType
):
    errors = [_error(f"s{i}", kind) for i, kind in enumerate(types)]

    assert sync_failed(errors).failure_type == expected


def test_given_two_failed_streams_when_the_sync_fails_then_the_message_names_each_with_its_cause():
    error = sync_failed(
        [_error("contacts", FailureType.transient_error), _error("tags", FailureType.config_error)]
    )

    assert error.message == "The sync did not finish: 'contacts' (contacts failed.); 'tags' (tags failed.)."
