"""What a failing API does to a read, the same for every stream: what is retried, and what each
failure that stays says. Each stream's own failures (its credentials, its envelope) are in its
own file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse
from airbyte_cdk.test.mock_http.response_builder import RecordBuilder

from contacts_sandbox.fakes import FakeTime
from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.helpers import NOW, given_token, read_stream, record_ids
from unit_tests.integration.request_builder import RequestBuilder
from unit_tests.integration.response_builder import (
    CompanyPage,
    ContactsPage,
    company_contact,
    contact,
    contact_tag,
    error_response,
)


@dataclass(frozen=True)
class StreamUnderTest:
    api_name: str
    stream: str
    config: Callable[[], ConfigBuilder]
    first_page: Callable[[], HttpRequest]
    # A first and last page holding one record of this id.
    page_of: Callable[[str], HttpResponse]
    asks_a_token: bool

    def given(self, http_mocker: HttpMocker, *answers: HttpResponse) -> HttpRequest:
        """The stream's credentials are accepted, and its first page answers `answers` in turn."""
        if self.asks_a_token:
            given_token(http_mocker)
        request = self.first_page()
        http_mocker.get(request, list(answers))
        return request

    def read(self, config: ConfigBuilder | None = None, fake: FakeTime | None = None) -> EntrypointOutput:
        config = config or self.config()
        return read_stream(config.build(), self.stream, SyncMode.full_refresh, fake=fake)

    def read_failing(self, config: ConfigBuilder | None = None) -> EntrypointOutput:
        config = config or self.config()
        return read_stream(config.build(), self.stream, SyncMode.full_refresh, expecting_failure=True)


def _company_stream(
    stream: str, first_page: Callable[[], HttpRequest], record: Callable[[str], RecordBuilder]
) -> StreamUnderTest:
    return StreamUnderTest(
        "Company Contacts API",
        stream,
        ConfigBuilder.company,
        first_page,
        lambda record_id: CompanyPage().with_record(record(record_id)).build(),
        asks_a_token=False,
    )


STREAMS = [
    StreamUnderTest(
        "Custom Contact Source API",
        "contacts",
        ConfigBuilder.custom,
        lambda: RequestBuilder.contacts(page=1).build(),
        lambda contact_id: ContactsPage().with_record(contact(contact_id)).build(),
        asks_a_token=True,
    ),
    _company_stream("contacts", lambda: RequestBuilder.company_contacts(1).build(), company_contact),
    _company_stream("contact_tags", lambda: RequestBuilder.company_tags(1).build(), contact_tag),
]
IDS = ["custom-contacts", "company-contacts", "company-contact-tags"]
every_stream = pytest.mark.parametrize("under_test", STREAMS, ids=IDS)


# The `with` form of HttpMocker leaves the check that every mock was used to the test: each
# test asserts how often its page was asked, which says what was retried.


@every_stream
@pytest.mark.parametrize("status", [500, 502, 503])
def test_given_a_server_error_then_success_when_read_then_the_request_is_retried(
    under_test: StreamUnderTest, status: int
) -> None:
    with HttpMocker() as http_mocker:
        page = under_test.given(http_mocker, error_response(status), under_test.page_of("1"))

        output = under_test.read()

        http_mocker.assert_number_of_calls(page, 2)
    assert record_ids(output) == ["1"]


@every_stream
def test_given_rate_limited_with_retry_after_when_read_then_the_request_waits_it_and_is_retried(
    under_test: StreamUnderTest,
) -> None:
    fake = FakeTime(NOW)
    with HttpMocker() as http_mocker:
        page = under_test.given(
            http_mocker, error_response(429, {"Retry-After": "3"}), under_test.page_of("1")
        )

        output = under_test.read(fake=fake)

        http_mocker.assert_number_of_calls(page, 2)
    assert record_ids(output) == ["1"]
    # The CDK adds a second to every Retry-After.
    assert fake.slept == [4.0]


@every_stream
@pytest.mark.parametrize("status", [500, 503])
def test_given_server_errors_persist_when_read_then_every_trace_is_transient_and_says_the_api_failed(
    under_test: StreamUnderTest, status: int
) -> None:
    with HttpMocker() as http_mocker:
        page = under_test.given(http_mocker, error_response(status), error_response(status))

        output = under_test.read_failing()

        http_mocker.assert_number_of_calls(page, 2)
    first, closing = output.errors[0].trace.error, output.errors[-1].trace.error
    assert first.failure_type == FailureType.transient_error
    assert first.message == (
        f"The {under_test.api_name} answered HTTP {status}, a failure on its side: the sync can be "
        "retried later, and the API's owner told if it persists. Every retry failed the same way."
    )
    assert first.stream_descriptor.name == under_test.stream
    assert closing.failure_type == FailureType.transient_error
    assert closing.message == f"The sync did not finish: '{under_test.stream}' ({first.message})."


@every_stream
def test_given_the_rate_limit_outlasts_every_retry_when_read_then_transient_error_names_the_setting(
    under_test: StreamUnderTest,
) -> None:
    with HttpMocker() as http_mocker:
        page = under_test.given(http_mocker, error_response(429, {"Retry-After": "0.01"}))

        output = under_test.read_failing(under_test.config().with_max_requests_per_second(5))

        http_mocker.assert_number_of_calls(page, 2)
    error = output.errors[0].trace.error
    assert error.failure_type == FailureType.transient_error
    assert f"The {under_test.api_name} kept answering HTTP 429" in error.message
    assert "set 'max_requests_per_second' (now 5) below the API's limit" in error.message
    assert output.errors[-1].trace.error.failure_type == FailureType.transient_error


@every_stream
@pytest.mark.parametrize(
    ("answer", "failure_type", "says"),
    [
        (error_response(404), FailureType.config_error, "base URL"),
        (HttpResponse("<html>gateway</html>", 200), FailureType.system_error, "JSON object"),
    ],
    ids=["wrong-path", "not-json"],
)
def test_given_an_answer_retrying_cannot_fix_when_read_then_the_error_says_what_to_check_at_once(
    under_test: StreamUnderTest, answer: HttpResponse, failure_type: FailureType, says: str
) -> None:
    with HttpMocker() as http_mocker:
        page = under_test.given(http_mocker, answer)

        output = under_test.read_failing()

        http_mocker.assert_number_of_calls(page, 1)
    assert output.errors[0].trace.error.failure_type == failure_type
    assert says in output.errors[0].trace.error.message
