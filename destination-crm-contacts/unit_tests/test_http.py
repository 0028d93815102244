"""The HTTP layer: parsing of answers, the even schedule and the session."""

from __future__ import annotations

import bisect
import itertools
import logging
import threading
import time

import pytest

from destination_crm_contacts.clients.base import build_session
from destination_crm_contacts.clients.client_contacts import parse_page
from destination_crm_contacts.clients.crm import Shape, parse_contacts, shape_of
from destination_crm_contacts.clients.pacing import EvenPacing
from destination_crm_contacts.clients.rate_limit import PacedBudget, pacing_for
from destination_crm_contacts.config import TargetLimits
from unit_tests.fakes import FakeTime


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


class TestEvenPacing:
    def test_given_calls_at_once_then_each_waits_for_its_own_slot(self) -> None:
        fake = FakeTime(10.0)
        starts = []
        pacing = EvenPacing(4.0, clock=fake.clock, sleep=fake.sleep)

        for _ in range(4):
            now = fake.now
            pacing.try_acquire(object(), weight=1)
            starts.append(round(fake.now - now, 6))
            fake.now = now  # the four callers arrived together

        assert starts == [0.0, 0.25, 0.5, 0.75]

    def test_given_an_idle_spell_then_the_next_call_goes_at_once_without_a_burst(self) -> None:
        fake = FakeTime(10.0)
        pacing = EvenPacing(2.0, clock=fake.clock, sleep=fake.sleep)
        pacing.try_acquire(object(), weight=1)

        fake.now = 60.0
        pacing.try_acquire(object(), weight=1)
        pacing.try_acquire(object(), weight=1)

        assert fake.slept == [0.5]

    def test_given_workers_that_wake_late_then_no_second_holds_more_than_the_rate(self) -> None:
        def late_sleep(seconds: float) -> None:
            # Every third sleep overshoots, as on a busy machine: the calls behind it pile up.
            late = next(lateness)
            time.sleep(seconds + late)

        # The time a call leaves is the policy's last clock reading in that thread, taken under its
        # lock when it grants the call: reading the clock after try_acquire returns would add the
        # thread scheduler's delays, which bunch calls on a busy machine and make the test flaky.
        last_reading = threading.local()

        def clock() -> float:
            last_reading.value = time.monotonic()
            return last_reading.value

        lateness = itertools.cycle([0.0, 0.0, 0.15])
        pacing = EvenPacing(100.0, clock=clock, sleep=late_sleep)
        sent: list[float] = []

        def worker() -> None:
            for _ in range(10):
                pacing.try_acquire(object(), weight=1)
                sent.append(last_reading.value)

        threads = [threading.Thread(target=worker) for _ in range(15)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        sent.sort()
        busiest = max(bisect.bisect_left(sent, start + 1.0) - index for index, start in enumerate(sent))
        assert len(sent) == 150
        assert busiest <= 100


class TestSession:
    def test_given_proxy_and_ca_bundle_in_the_environment_then_the_session_uses_them(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
        monkeypatch.setenv("NO_PROXY", "crm.local")
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/company.pem")

        budget = PacedBudget(pacing_for("crm", TargetLimits(), logging.getLogger("test")))
        proxied = build_session("https://crm.example.com/api", TargetLimits(), budget)
        bypassed = build_session("https://crm.local/api", TargetLimits(), budget)

        assert proxied.proxies["https"] == "http://proxy.internal:3128"
        assert proxied.verify == "/etc/ssl/company.pem"
        assert "https" not in bypassed.proxies
