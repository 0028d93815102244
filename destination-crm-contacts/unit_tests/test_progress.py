"""Progress lines a person can follow in a job log, and rejections visible there."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

import pytest
import requests_mock
from airbyte_cdk.models import AirbyteMessage

from destination_crm_contacts.clients.base import Traffic
from destination_crm_contacts.config import DestinationConfig
from destination_crm_contacts.destination import build_targets, concurrency_of
from destination_crm_contacts.writers.progress import PROGRESS_SECONDS, Progress
from destination_crm_contacts.writers.rejections import LOGGED_ONE_BY_ONE, RejectedRecords
from destination_crm_contacts.writers.stats import Totals
from destination_crm_contacts.writers.writer import ContactWriter
from unit_tests.builders import CRM_ONLY, ConfigBuilder, catalog, custom_contact, record, state, tombstone
from unit_tests.conftest import write, write_one_contact
from unit_tests.fakes import CRM_URL, FakeClientContacts, FakeCrm

LOGGER = logging.getLogger("airbyte")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def progress_lines(log_records: pytest.LogCaptureFixture, target: str) -> list[str]:
    return [
        r.getMessage()
        for r in log_records.records
        if r.getMessage().startswith(f"{target}: ") and "batches" in r.getMessage()
    ]


def write_batches(
    config: dict, clock: Clock, batches: list[list[AirbyteMessage]], seconds_apart: float
) -> None:
    parsed = DestinationConfig.from_mapping(config)
    traffic: dict[str, Callable[[], Traffic]] = {}
    targets = build_targets(parsed, LOGGER, traffic=traffic)
    writer = ContactWriter(
        targets,
        concurrency_of(parsed),
        catalog(),
        parsed.options,
        RejectedRecords(None, LOGGER),
        LOGGER,
        clock=clock,
        traffic=traffic,
    )

    def messages() -> Iterator[AirbyteMessage]:
        for number, batch in enumerate(batches, start=1):
            clock.now += seconds_apart
            yield from batch
            yield state(number)

    list(writer.write(messages()))


class TestProgressLines:
    def test_given_batches_further_apart_than_the_interval_then_each_target_logs_one_line_per_batch(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
    ) -> None:
        clock = Clock()
        write(ConfigBuilder().build(), catalog(), [record(custom_contact("9")), state(0)])
        batches = [
            [record(custom_contact("1")), record(custom_contact("2", emails=[]))],
            [record(custom_contact("1", first_name="Augusta")), tombstone("9")],
        ]

        write_batches(ConfigBuilder().build(), clock, batches, seconds_apart=PROGRESS_SECONDS)

        crm_lines = progress_lines(log_records, "crm")
        assert [line.split("; ")[0] for line in crm_lines] == [
            "crm: 1 batches, 2 contacts so far: 1 created, 0 updated, 0 unchanged, 0 deleted, 1 rejected",
            "crm: 2 batches, 4 contacts so far: 1 created, 1 updated, 0 unchanged, 1 deleted, 1 rejected",
        ]
        assert all(re.search(r"; \d+\.\d requests/s, not rate limited$", line) for line in crm_lines)
        assert len(progress_lines(log_records, "client_contacts")) == 2

    def test_given_batches_closer_than_the_interval_then_lines_come_only_every_interval(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
    ) -> None:
        clock = Clock()
        batches = [[record(custom_contact(str(n)))] for n in range(1, 8)]

        write_batches(CRM_ONLY, clock, batches, seconds_apart=PROGRESS_SECONDS / 3)

        # Batches are written at 3.3, 6.7, 10, 13.3, 16.7, 20 and 23.3 s: lines at 10 s and 20 s.
        assert [line.split(",")[0] for line in progress_lines(log_records, "crm")] == [
            "crm: 3 batches",
            "crm: 6 batches",
        ]

    @pytest.mark.parametrize(
        ("traffic", "pace"),
        [
            (Traffic(500, 0, None), "not rate limited"),
            (Traffic(500, 3, 12.5), "paced at 12.5/s after 3 answers of 429 (rate limit)"),
            (Traffic(500, 0, 9.0), "paced at 9.0/s (requests_per_second), no 429 so far"),
        ],
    )
    def test_given_the_target_traffic_then_the_line_says_whether_429s_pace_it(
        self, traffic: Traffic, pace: str
    ) -> None:
        progress = Progress(Totals(["crm"]), {"crm": lambda: traffic}, LOGGER, Clock())

        assert progress.line("crm", traffic, 41.25).endswith(f"; 41.2 requests/s, {pace}")


class TestRejectionsInTheLog:
    def test_given_many_rejections_then_each_of_the_first_is_one_warn_line_and_a_summary_counts_the_rest(
        self, crm: FakeCrm, log_records: pytest.LogCaptureFixture
    ) -> None:
        config = ConfigBuilder().only_crm().with_option(max_rejected_share=1.0).build()
        count = LOGGED_ONE_BY_ONE + 5
        records = [record(custom_contact(str(n), emails=[])) for n in range(count)]

        write(config, catalog(), [*records, state(1)])

        warnings = [r.getMessage() for r in log_records.records if r.levelno == logging.WARNING]
        one_by_one = [line for line in warnings if "rejected record of stream" in line]
        assert len(one_by_one) == LOGGED_ONE_BY_ONE
        shape = r"crm: rejected record of stream 'contacts', primary key '\d+': the CRM requires email and"
        assert all(re.match(shape, line) for line in one_by_one)
        assert warnings[-1] == (
            f"{count} records were rejected in all; the first {LOGGED_ONE_BY_ONE} are logged above with "
            "their reasons, 5 more are not (set rejected_records_storage to keep every one with its "
            "record in S3-compatible storage, or rejected_records_path in a file when the connector runs "
            "outside Airbyte)"
        )
        assert not any("Ada" in line or "Lovelace" in line for line in warnings)

    def test_given_an_api_reason_that_quotes_the_record_then_the_log_line_leaves_the_values_out(
        self, http: requests_mock.Mocker, crm: FakeCrm, log_records: pytest.LogCaptureFixture
    ) -> None:
        http.post(
            f"{CRM_URL}/contacts",
            status_code=400,
            json={"error": "email 'ada1@example.com' of Ada is refused"},
        )

        write_one_contact(CRM_ONLY)

        assert (
            "crm: rejected record of stream 'contacts', primary key '1': "
            "HTTP 400: email '<redacted>' of <redacted> is refused"
        ) in log_records.text
        assert "ada1@example.com" not in log_records.text
