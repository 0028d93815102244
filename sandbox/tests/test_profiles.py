"""Profiles: chosen at start, switched per API or for all at run time, restored by a reset."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from contacts_sandbox import Settings, create_app
from contacts_sandbox.cli import parse_args
from contacts_sandbox.testing import PROFILES, SandboxProcess
from tests.conftest import LOOPBACK

ALL_LENIENT = {"custom": "lenient", "company": "lenient", "crm": "lenient", "client_contacts": "lenient"}
ALL_STRICT = dict.fromkeys(ALL_LENIENT, "strict")


def test_given_the_testing_module_when_listing_profiles_then_lenient_first_then_strict() -> None:
    assert PROFILES == ("lenient", "strict")


class TestCommandLine:
    def test_given_no_profile_flag_when_parsing_then_lenient(self) -> None:
        settings, _ = parse_args([])
        assert settings.profile == "lenient"

    def test_given_the_strict_flag_when_parsing_then_the_settings_carry_it(self) -> None:
        settings, _ = parse_args(["--profile", "strict"])
        assert settings.profile == "strict"

    def test_given_an_unknown_profile_when_parsing_then_the_parser_refuses_it(self) -> None:
        with pytest.raises(SystemExit):
            parse_args(["--profile", "kind"])


class TestSwitching:
    def test_given_a_fresh_server_when_asking_then_every_api_is_lenient(self, client: TestClient) -> None:
        assert client.get("/admin/profile").json() == ALL_LENIENT

    def test_given_one_api_set_strict_when_asking_then_only_that_api_changed(
        self, client: TestClient
    ) -> None:
        answer = client.put("/admin/profile/crm", json={"profile": "strict"})
        assert answer.status_code == 200
        assert answer.json() == {**ALL_LENIENT, "crm": "strict"}
        assert client.get("/admin/profile").json() == {**ALL_LENIENT, "crm": "strict"}

    def test_given_all_set_strict_then_one_set_lenient_when_asking_then_the_last_word_holds(
        self, client: TestClient
    ) -> None:
        assert client.put("/admin/profile", json={"profile": "strict"}).json() == ALL_STRICT
        answer = client.put("/admin/profile/company", json={"profile": "lenient"}).json()
        assert answer == {**ALL_STRICT, "company": "lenient"}

    @pytest.mark.parametrize(
        ("path", "body", "status"),
        [
            ("/admin/profile", {"profile": "kind"}, 400),
            ("/admin/profile", {}, 400),
            ("/admin/profile/crm", {"profile": "kind"}, 400),
            ("/admin/profile/billing", {"profile": "strict"}, 404),
        ],
        ids=["unknown-profile", "no-profile", "unknown-profile-one-api", "unknown-api"],
    )
    def test_given_a_bad_switch_when_putting_then_refused_and_nothing_changes(
        self, client: TestClient, path: str, body: dict[str, str], status: int
    ) -> None:
        assert client.put(path, json=body).status_code == status
        assert client.get("/admin/profile").json() == ALL_LENIENT

    def test_given_a_strict_api_when_resetting_without_a_profile_then_the_start_profile_is_back(
        self, client: TestClient
    ) -> None:
        client.put("/admin/profile/crm", json={"profile": "strict"})
        client.post("/admin/reset")
        assert client.get("/admin/profile").json() == ALL_LENIENT

    def test_given_a_profile_in_the_reset_when_resetting_then_every_api_takes_it(
        self, client: TestClient
    ) -> None:
        client.put("/admin/profile/crm", json={"profile": "lenient"})
        assert client.post("/admin/reset", json={"profile": "strict"}).status_code == 200
        assert client.get("/admin/profile").json() == ALL_STRICT
        assert client.post("/admin/reset", json={"profile": "kind"}).status_code == 400


def test_given_a_server_started_strict_when_reset_then_strict_is_what_comes_back(settings: Settings) -> None:
    strict_settings = Settings(
        db=":memory:", contacts=settings.contacts, seed=settings.seed, profile="strict"
    )
    with TestClient(create_app(strict_settings), client=LOOPBACK) as strict:
        assert strict.get("/admin/profile").json() == ALL_STRICT
        strict.put("/admin/profile", json={"profile": "lenient"})
        strict.post("/admin/reset")
        assert strict.get("/admin/profile").json() == ALL_STRICT


def test_given_a_strict_process_when_driven_by_its_admin_client_then_profiles_switch_and_reset() -> None:
    with SandboxProcess(contacts=5, seed=3, profile="strict") as sandbox:
        assert sandbox.admin.profiles() == ALL_STRICT
        assert sandbox.admin.set_profile("lenient", api="custom") == {**ALL_STRICT, "custom": "lenient"}
        assert sandbox.admin.set_profile("lenient") == ALL_LENIENT
        sandbox.admin.reset()
        assert sandbox.admin.profiles() == ALL_STRICT
        sandbox.admin.reset(profile="lenient")
        assert sandbox.admin.profiles() == ALL_LENIENT


def test_given_the_plugins_sandbox_when_a_test_runs_then_every_api_is_under_that_tests_profile(
    sandbox: SandboxProcess, sandbox_profile: str
) -> None:
    assert sandbox_profile in PROFILES
    assert sandbox.admin.profiles() == dict.fromkeys(ALL_LENIENT, sandbox_profile)
