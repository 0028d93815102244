"""The HTTP layer: parsing of answers, the even schedule and the session."""

from __future__ import annotations

import http.server
import json
import logging
import threading
from collections.abc import Iterator

import pytest
import requests
import requests_mock
from airbyte_cdk.models import FailureType

from destination_crm_contacts.clients.auth import ApiKeyAuthenticator
from destination_crm_contacts.clients.base import TargetError, TargetHttp, Transport
from destination_crm_contacts.clients.client_contacts import parse_page
from destination_crm_contacts.clients.crm_answers import Shape, parse_contacts, shape_of
from destination_crm_contacts.clients.session import TargetSession, build_session
from destination_crm_contacts.config import TargetLimits
from destination_crm_contacts.transport.calls import paced_budget
from unit_tests.fakes import FakeTime

LOGGER = logging.getLogger("test")
BASE_URL = "https://crm.test/api"


class TestCrmAnswers:
    def test_given_a_list_then_each_contact_keeps_its_fields(self) -> None:
        [contact] = parse_contacts([{"id": "7", "email": "a@b.c", "notes": "[source-id:1]"}])
        assert (contact.id, contact.fields) == ("7", {"email": "a@b.c", "notes": "[source-id:1]"})

    def test_given_one_object_with_an_id_then_it_is_one_contact_without_fields(self) -> None:
        [contact] = parse_contacts({"id": "12345678901234567890"})
        assert (contact.id, contact.fields) == ("12345678901234567890", None)

    def test_given_an_envelope_then_its_contacts_are_read(self) -> None:
        assert [c.id for c in parse_contacts({"data": [{"id": 1}, {"_id": "2"}, {"name": "no id"}]})] == [
            "1",
            "2",
        ]

    def test_given_text_or_an_empty_object_then_there_are_no_contacts(self) -> None:
        assert parse_contacts("Document deleted successfully") == []
        assert parse_contacts({}) == []


class TestCrmAnswerShapes:
    @pytest.mark.parametrize(
        ("body", "shape"),
        [
            ([{"id": "1"}], Shape.LIST),
            ([], Shape.LIST),
            ({"data": [{"id": "1"}]}, Shape.LIST),
            ({"data": [{"id": "1"}], "next_page": None, "total": 1}, Shape.LIST),
            ({"data": [{"id": "1"}], "next_page": 2}, Shape.PAGE),
            ({"data": [{"id": "1"}], "total": 40}, Shape.PAGE),
            ({"contacts": [{"id": "1"}], "pagination": {"total_page": 3}}, Shape.PAGE),
            ({"results": [{"id": "1"}], "has_more": True}, Shape.PAGE),
            ({"id": "12345678901234567890"}, Shape.OBJECT),
            ({"data": {"id": "1"}}, Shape.OBJECT),
            ({}, Shape.OBJECT),
        ],
    )
    def test_given_an_answer_then_its_shape_says_whether_it_lists_every_match(
        self, body: object, shape: Shape
    ) -> None:
        assert shape_of(body) == shape


class TestClientContactPages:
    def test_given_total_pages_then_the_last_page_ends_the_listing(self) -> None:
        body = {"success": True, "data": [{"_id": "a"}], "pagination": {"page": 2, "total_page": 2}}
        page = parse_page(body, 2, 100)
        assert (page.has_next, page.total_pages) == (False, 2)

    def test_given_next_page_only_then_it_decides(self) -> None:
        assert parse_page({"data": [{"_id": "a"}], "pagination": {"next_page": 3}}, 2, 100).has_next

    def test_given_no_pagination_then_a_short_page_is_the_last(self) -> None:
        assert not parse_page([{"_id": "a"}], 1, 100).has_next
        assert parse_page([{"_id": str(i)} for i in range(100)], 1, 100).has_next


class TestSession:
    def test_given_proxy_and_ca_bundle_in_the_environment_then_the_session_uses_them(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
        monkeypatch.setenv("NO_PROXY", "crm.local")
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/company.pem")

        budget = paced_budget("crm", None, logging.getLogger("test"))
        proxied = build_session("https://crm.example.com/api", TargetLimits(), budget)
        bypassed = build_session("https://crm.local/api", TargetLimits(), budget)

        assert proxied.proxies["https"] == "http://proxy.internal:3128"
        assert proxied.verify == "/etc/ssl/company.pem"
        assert "https" not in bypassed.proxies

    @pytest.mark.parametrize("base_url", ["https://crm.example.com/api", "https://crm.local/api"])
    def test_given_the_environment_then_each_request_gets_the_settings_requests_would_merge(
        self, monkeypatch: pytest.MonkeyPatch, base_url: str
    ) -> None:
        monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
        monkeypatch.setenv("NO_PROXY", "crm.local")
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/company.pem")
        budget = paced_budget("crm", None, logging.getLogger("test"))
        session = build_session(base_url, TargetLimits(), budget)
        url = f"{base_url}/contacts"

        settings = session.merge_environment_settings(url, {}, None, None, None)

        # What a plain session that reads the environment on every request would send.
        assert settings == requests.Session().merge_environment_settings(url, {}, None, None, None)

    @pytest.mark.parametrize(
        "request_",
        [
            requests.Request(
                "GET", "https://crm.example.com/api/contacts", params={"value": "a b", "page": 2}
            ),
            requests.Request("GET", "https://crm.example.com/api/contacts", params={"id": ["1", "2"]}),
            requests.Request("post", "https://crm.example.com/api/contacts", json={"email": "é@example.com"}),
            requests.Request(
                "PUT", "https://crm.example.com/api/contacts/1", headers={"X-Extra": "1"}, json={}
            ),
        ],
        ids=["query", "repeated-query", "json-body", "extra-header"],
    )
    def test_given_a_request_then_it_is_prepared_as_requests_would(self, request_: requests.Request) -> None:
        budget = paced_budget("crm", None, logging.getLogger("test"))
        session = build_session("https://crm.example.com/api", TargetLimits(), budget)
        session.auth = ApiKeyAuthenticator("x-api-key", "secret")
        plain = requests.Session()
        plain.headers.update(session.headers)
        plain.auth = session.auth

        ours, theirs = session.prepare_request(request_), plain.prepare_request(request_)

        assert (ours.method, ours.url, dict(ours.headers), ours.body) == (
            theirs.method,
            theirs.url,
            dict(theirs.headers),
            theirs.body,
        )

    def test_given_settings_on_the_request_then_they_are_merged_over_the_session(self) -> None:
        budget = paced_budget("crm", None, logging.getLogger("test"))
        session = build_session("https://crm.example.com/api", TargetLimits(), budget)
        assert isinstance(session, TargetSession)

        settings = session.merge_environment_settings(
            "https://crm.example.com/api/contacts", {"https": "http://other:8080"}, None, False, None
        )

        assert settings["proxies"]["https"] == "http://other:8080"
        assert settings["verify"] is False


class TestRequests:
    """What each request carries, as the server sees it."""

    @pytest.fixture
    def target(self) -> Iterator[tuple[TargetHttp, requests_mock.Mocker]]:
        with requests_mock.Mocker() as mocker:
            mocker.register_uri(requests_mock.ANY, requests_mock.ANY, json={})
            transport = Transport(max_retries=0, timeout_seconds=5)
            authenticator = ApiKeyAuthenticator("x-api-key", "secret", scheme="Key")
            target = TargetHttp(
                "crm", "https://crm.example.com/api", authenticator, TargetLimits(), transport, LOGGER
            )
            yield target, mocker

    def test_given_a_search_then_its_query_the_key_and_the_session_headers_are_sent(
        self, target: tuple[TargetHttp, requests_mock.Mocker]
    ) -> None:
        http_target, mocker = target

        http_target.send("GET", "/contacts", params={"field": "notes", "value": "[source-id:1 2]", "page": 2})

        sent = mocker.last_request
        assert (
            sent.url == "https://crm.example.com/api/contacts?field=notes&value=%5Bsource-id%3A1+2%5D&page=2"
        )
        assert (sent.headers["x-api-key"], sent.headers["User-Agent"]) == (
            "Key secret",
            requests.utils.default_user_agent(),
        )
        assert sent.body is None

    @pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
    def test_given_a_json_body_then_it_is_sent_with_any_method(
        self, target: tuple[TargetHttp, requests_mock.Mocker], method: str
    ) -> None:
        http_target, mocker = target

        http_target.send(method, "/contacts", json={"contact_id": "7"})

        sent = mocker.last_request
        assert (sent.method, sent.json(), sent.headers["Content-Type"]) == (
            method,
            {"contact_id": "7"},
            "application/json",
        )


class _CookieServer(http.server.BaseHTTPRequestHandler):
    """Sets a cookie on /login and answers every request with the Cookie header it got."""

    def do_GET(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer()

    def _answer(self) -> None:
        body = json.dumps({"cookie": self.headers.get("Cookie")}).encode()
        self.send_response(200)
        if self.path == "/login":
            self.send_header("Set-Cookie", "affinity=b2; Path=/")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_given_a_cookie_the_server_set_then_later_requests_carry_it() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CookieServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        authenticator = ApiKeyAuthenticator("x-api-key", "secret")
        transport = Transport(max_retries=0, timeout_seconds=5)
        target = TargetHttp("crm", base_url, authenticator, TargetLimits(), transport, LOGGER)

        target.send("GET", "/login")
        answer = target.send("DELETE", "/contacts", json={"contact_id": "7"})

        assert answer.json() == {"cookie": "affinity=b2"}
    finally:
        server.shutdown()
        server.server_close()


class TestBoundedWait:
    def test_given_a_retry_after_past_the_bound_then_the_request_fails_naming_the_api_and_its_rate(
        self,
    ) -> None:
        fake = FakeTime()
        http = TargetHttp(
            "crm",
            BASE_URL,
            ApiKeyAuthenticator("x-api-key", "key"),
            TargetLimits(),
            Transport(max_retries=6, timeout_seconds=5),
            LOGGER,
            clock=fake.clock,
            sleep=fake.sleep,
        )
        with requests_mock.Mocker() as mocker:
            mocker.post(f"{BASE_URL}/contacts", status_code=429, headers={"Retry-After": "3600"}, json={})
            with pytest.raises(TargetError) as raised:
                http.send_once("POST", "/contacts", json={"first_name": "Ada"})

        assert str(raised.value).startswith("crm: POST /contacts on crm.test stayed rate limited (HTTP 429)")
        assert "crm.requests_per_second" in str(raised.value)
        assert raised.value.failure_type == FailureType.transient_error
        assert mocker.call_count == 1
