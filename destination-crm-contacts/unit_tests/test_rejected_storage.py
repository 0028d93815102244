"""Rejected records kept in S3-compatible storage (moto's server, a real one), written before the
STATE that covers them; a storage that fails stops the sync before any later STATE."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys

import pytest
from airbyte_cdk.models import FailureType, Status, Type
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.destination import DestinationCrmContacts
from unit_tests.builders import ConfigBuilder, catalog, custom_contact, record, state, storing_in_a_new_bucket
from unit_tests.conftest import states_of, write
from unit_tests.fakes import FakeClientContacts, FakeCrm
from unit_tests.s3_storage import S3Server

LOGGER = logging.getLogger("airbyte")
SYNC_812 = catalog(generations=(1, 0, 812))
# <prefix>/<sync id>/<attempt: UTC start and six letters>/<stream>/<n>.jsonl
OBJECT_KEY = re.compile(r"^rejected-records/812/\d{8}T\d{6}Z-[0-9a-f]{6}/contacts/(\d{5})\.jsonl$")


def no_email(contact_id: str) -> dict:
    return custom_contact(contact_id, emails=[])


def lines_of(objects: dict[str, bytes]) -> dict[str, list[dict]]:
    return {
        key: [json.loads(line) for line in body.splitlines()]
        for key, body in sorted(objects.items())
        if key.endswith(".jsonl")
    }


class TestRejectedRecordsInS3:
    def test_given_rejections_in_two_flushes_when_the_sync_ends_then_each_is_one_object_of_a_line_a_record(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, s3_server: S3Server
    ) -> None:
        bucket, config = storing_in_a_new_bucket(s3_server)

        output = write(
            config,
            SYNC_812,
            [record(no_email("1")), record(custom_contact("2")), state(1), record(no_email("3")), state(2)],
        )

        assert len(states_of(output)) == 2
        objects = lines_of(s3_server.objects(bucket))
        assert [OBJECT_KEY.match(key).group(1) for key in objects] == ["00001", "00002"]  # type: ignore[union-attr]
        first, second = objects.values()
        assert [(line["target"], line["primary_key"]) for line in first + second] == [
            ("crm", "1"),
            ("crm", "3"),
        ]
        assert first[0]["reason"] == "the CRM requires email and the record has none"
        assert first[0]["stream"] == "contacts"
        assert first[0]["record"] == no_email("1")

    def test_given_a_rejection_when_its_state_comes_out_then_its_object_is_already_stored(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, s3_server: S3Server
    ) -> None:
        bucket, config = storing_in_a_new_bucket(s3_server)
        output = DestinationCrmContacts().write(config, SYNC_812, iter([record(no_email("1")), state(1)]))

        first = next(message for message in output if message.type == Type.STATE)

        assert first.state.destinationStats.rejectedRecordCount == 1  # type: ignore[union-attr]
        assert len(lines_of(s3_server.objects(bucket))) == 1

    def test_given_records_of_a_stream_not_in_the_catalog_then_they_are_stored_before_the_state(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, s3_server: S3Server
    ) -> None:
        bucket, config = storing_in_a_new_bucket(s3_server)
        output = DestinationCrmContacts().write(
            config, SYNC_812, iter([record(custom_contact("1"), stream="people"), state(1)])
        )

        next(message for message in output if message.type == Type.STATE)

        [(key, [line])] = lines_of(s3_server.objects(bucket)).items()
        assert key.endswith("/people/00001.jsonl")
        assert (line["target"], line["reason"]) == (
            "all targets",
            "stream 'people' is not in the configured catalog",
        )

    def test_given_a_catalog_without_sync_id_then_the_objects_are_under_no_sync_id(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, s3_server: S3Server
    ) -> None:
        bucket = s3_server.new_bucket()
        storage = s3_server.storage(bucket, prefix="")
        config = ConfigBuilder().with_option(rejected_records_storage=storage).build()

        write(config, catalog(), [record(no_email("1")), state(1)])

        assert sorted(key.split("/")[0] for key in s3_server.objects(bucket)) == ["no-sync-id", "no-sync-id"]

    def test_given_a_missing_bucket_then_the_sync_fails_naming_it_before_any_state(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, s3_server: S3Server
    ) -> None:
        storage = s3_server.storage("no-such-bucket")
        config = ConfigBuilder().with_option(rejected_records_storage=storage).build()
        output: list = []

        with pytest.raises(AirbyteTracedException) as failure:
            output.extend(write(config, SYNC_812, [record(no_email("1")), state(1)]))

        assert states_of(output) == []
        assert failure.value.failure_type == FailureType.config_error
        assert failure.value.message.startswith("Could not write s3://no-such-bucket/rejected-records/812/")
        assert "answered 404 NoSuchBucket. Check rejected_records_storage" in failure.value.message

    def test_given_the_bucket_deleted_after_a_state_then_the_sync_stops_before_the_next_state(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, s3_server: S3Server
    ) -> None:
        bucket, config = storing_in_a_new_bucket(s3_server)
        messages = iter([record(no_email("1")), state(1), record(no_email("2")), state(2)])
        output = DestinationCrmContacts().write(config, SYNC_812, messages)
        next(message for message in output if message.type == Type.STATE)
        s3_server.delete_bucket(bucket)

        later: list = []

        with pytest.raises(AirbyteTracedException) as failure:
            later.extend(output)

        assert states_of(later) == []
        assert "NoSuchBucket" in failure.value.message

    def test_given_the_server_stopped_after_a_state_then_the_sync_stops_before_the_next_state(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from destination_crm_contacts.rejected import s3

        # One try, no backoff: what is tested is where the sync stops, not how long it retries.
        monkeypatch.setattr(s3, "SYNC_CONFIG", s3.CHECK_CONFIG)
        server = S3Server(threaded=False)  # no handler outlives the server on a kept-alive connection
        bucket = server.new_bucket()
        config = ConfigBuilder().with_option(rejected_records_storage=server.storage(bucket)).build()
        messages = iter([record(no_email("1")), state(1), record(no_email("2")), state(2)])
        output = DestinationCrmContacts().write(config, SYNC_812, messages)
        next(message for message in output if message.type == Type.STATE)
        server.stop()

        later: list = []

        with pytest.raises(AirbyteTracedException) as failure:
            later.extend(output)

        assert states_of(later) == []
        assert failure.value.failure_type == FailureType.transient_error
        assert "(EndpointConnectionError), after retries: the sync stops" in failure.value.message


class TestCheck:
    def test_given_s3_storage_when_checked_then_it_succeeds_and_leaves_no_object(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, s3_server: S3Server
    ) -> None:
        bucket, config = storing_in_a_new_bucket(s3_server)

        status = DestinationCrmContacts().check(LOGGER, config)

        assert status.status == Status.SUCCEEDED, status.message
        assert s3_server.objects(bucket) == {}

    def test_given_a_missing_bucket_when_checked_then_it_fails_before_any_target_request(
        self, crm: FakeCrm, client_contacts: FakeClientContacts, s3_server: S3Server
    ) -> None:
        config = (
            ConfigBuilder().with_option(rejected_records_storage=s3_server.storage("no-such-bucket")).build()
        )

        status = DestinationCrmContacts().check(LOGGER, config)

        assert status.status == Status.FAILED
        assert status.message.startswith("Could not write s3://no-such-bucket/rejected-records/check-")
        assert (crm.calls, client_contacts.calls) == ([], [])


class TestSettings:
    @pytest.mark.parametrize(
        ("options", "problem"),
        [
            (
                {"rejected_records_path": "r.jsonl"},
                "rejected_records_path and rejected_records_storage are both set",
            ),
            (
                {"rejected_records_storage": {"access_key_id": ""}},
                "needs both access_key_id and secret_access_key",
            ),
            ({"rejected_records_storage": {"endpoint": "minio:9000"}}, "must start with http:// or https://"),
        ],
    )
    def test_given_storage_settings_that_cannot_work_then_check_names_the_setting(
        self, s3_server: S3Server, options: dict, problem: str
    ) -> None:
        storage = {**s3_server.storage("any-bucket"), **options.pop("rejected_records_storage", {})}
        config = ConfigBuilder().with_option(rejected_records_storage=storage, **options).build()

        status = DestinationCrmContacts().check(LOGGER, config)

        assert status.status == Status.FAILED
        assert problem in status.message


class TestStartUp:
    def test_when_the_connector_is_imported_then_boto3_is_not(self) -> None:
        code = (
            "import sys, destination_crm_contacts.run; "
            "print(sorted({'boto3', 'botocore'} & set(sys.modules)))"
        )

        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

        assert done.stdout.strip() == "[]"
