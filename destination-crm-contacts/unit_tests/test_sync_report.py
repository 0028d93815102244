"""The report at the end of every sync: totals per target, and each reason records were rejected
for, with its count and where they are kept; beside the records too, where storage is set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.writers.report import LOGGED_PLACES
from unit_tests.builders import ConfigBuilder, catalog, custom_contact, record, state, storing_in_a_new_bucket
from unit_tests.conftest import write
from unit_tests.fakes import FakeClientContacts, FakeCrm
from unit_tests.s3_storage import S3Server

SYNC_812 = catalog(generations=(1, 0, 812))
NO_EMAIL = "the CRM requires email and the record has none"


def two_reasons() -> list:
    """Two records the CRM refuses for want of an email, one both targets refuse for its type."""
    return [
        record(custom_contact("1", emails=[])),
        record(custom_contact("2", emails=[])),
        record(custom_contact("3", first_name=42)),
        state(1),
    ]


def report_line(log_records: pytest.LogCaptureFixture) -> dict:
    [line] = [
        r.message for r in log_records.records if r.message.startswith('{"event":"crm_contacts_totals"')
    ]
    return json.loads(line)  # type: ignore[no-any-return]


def reason_lines(log_records: pytest.LogCaptureFixture) -> list[str]:
    return [r.message for r in log_records.records if " rejected because " in r.message]


class TestReportWithStorage:
    @pytest.mark.usefixtures("crm", "client_contacts")
    def test_given_two_reasons_then_each_has_its_count_and_the_objects_of_its_records(
        self,
        s3_server: S3Server,
        log_records: pytest.LogCaptureFixture,
    ) -> None:
        bucket, config = storing_in_a_new_bucket(s3_server)

        write(config, SYNC_812, two_reasons())

        objects = s3_server.objects(bucket)
        [records_key] = [key for key in objects if key.endswith(".jsonl")]
        [report_key] = [key for key in objects if key.endswith("/report.json")]
        assert report_key == records_key.replace("contacts/00001.jsonl", "report.json")
        where = f"s3://{bucket}/{records_key}"
        rejections = {
            (r["target"], r["reason"]): (r["count"], r["stored_in"])
            for r in report_line(log_records)["rejections"]
        }
        assert rejections[("crm", NO_EMAIL)] == (2, [where])
        assert rejections[("crm", "field first_name is a number, expected text")] == (1, [where])
        assert f"crm: 2 rejected because {NO_EMAIL}; records in {where}" in reason_lines(log_records)
        stored = json.loads(objects[report_key])
        assert stored["rejections"] == report_line(log_records)["rejections"]
        assert stored["targets"]["crm"]["rejected"] == 3
        assert f"This report is also kept in s3://{bucket}/{report_key}" in log_records.text

    @pytest.mark.usefixtures("crm", "client_contacts")
    def test_given_more_objects_than_the_log_names_then_the_log_counts_the_rest_and_the_report_has_all(
        self,
        s3_server: S3Server,
        log_records: pytest.LogCaptureFixture,
    ) -> None:
        bucket, config = storing_in_a_new_bucket(
            s3_server, ConfigBuilder().only_crm(), batch_max_records=1, max_rejected_share=1.0
        )
        count = LOGGED_PLACES + 2

        write(
            config, SYNC_812, [*(record(custom_contact(str(n), emails=[])) for n in range(count)), state(1)]
        )

        [logged] = report_line(log_records)["rejections"]
        assert (logged["count"], len(logged["stored_in"]), logged["more_places"]) == (count, LOGGED_PLACES, 2)
        assert reason_lines(log_records)[0].endswith("and 2 more objects beside them")
        [report] = [
            json.loads(body) for key, body in s3_server.objects(bucket).items() if key.endswith(".json")
        ]
        assert len(report["rejections"][0]["stored_in"]) == count

    def test_given_too_many_rejections_then_the_sync_fails_and_its_records_and_report_are_still_kept(
        self, crm: FakeCrm, s3_server: S3Server, log_records: pytest.LogCaptureFixture
    ) -> None:
        bucket, config = storing_in_a_new_bucket(
            s3_server, ConfigBuilder().only_crm(), max_rejected_share=0.1, rejected_share_min_records=2
        )

        with pytest.raises(AirbyteTracedException):
            write(config, SYNC_812, two_reasons())

        keys = sorted(key.rsplit("/", 1)[-1] for key in s3_server.objects(bucket))
        assert keys == ["00001.jsonl", "report.json"]
        assert report_line(log_records)["targets"]["crm"]["rejected"] == 3


class TestReportWithoutStorage:
    def test_given_no_storage_then_each_reason_says_how_to_keep_its_records(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
    ) -> None:
        write(ConfigBuilder().build(), catalog(), two_reasons())

        assert (
            f"crm: 2 rejected because {NO_EMAIL}; not stored: set rejected_records_storage to keep "
            "rejected records with their reasons"
        ) in reason_lines(log_records)
        assert "This report is also kept" not in log_records.text

    @pytest.mark.usefixtures("crm", "client_contacts")
    def test_given_a_local_file_then_each_reason_names_the_file(
        self,
        log_records: pytest.LogCaptureFixture,
        tmp_path: Path,
    ) -> None:
        path = str(tmp_path / "rejected.jsonl")

        write(ConfigBuilder().with_option(rejected_records_path=path).build(), catalog(), two_reasons())

        assert f"crm: 2 rejected because {NO_EMAIL}; records in {path}" in reason_lines(log_records)
        assert len(Path(path).read_text().splitlines()) == 4  # one line a target that refused

    def test_given_no_rejection_then_the_report_lists_none(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
    ) -> None:
        write(ConfigBuilder().build(), catalog(), [record(custom_contact("1")), state(1)])

        assert report_line(log_records)["rejections"] == []
        assert reason_lines(log_records) == []
