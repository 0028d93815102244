"""The readings: the catalogue and its presets, set at start, through admin, and from tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from contacts_sandbox import Settings, create_app
from contacts_sandbox.cli import parse_args
from contacts_sandbox.pytest_plugin import CATALOGUE as PLUGIN_CATALOGUE
from contacts_sandbox.pytest_plugin import PRESETS as PLUGIN_PRESETS
from contacts_sandbox.readings import CATALOGUE, EVERY_READING, POINTS, PRESETS, preset
from contacts_sandbox.testing import PROFILES, SandboxProcess
from tests.conftest import LOOPBACK
from tests.helpers import CRM, JOHN

# Every point the shared naming contract lists; the catalogue may hold more.
CONTRACT_POINTS = {
    "crm": (
        "search_in", "absent_filter", "no_match", "read_answer", "match", "edit_spelling",
        "other_spelling", "phone", "edit_name", "refusal", "delete_id_in", "list_cap", "nulls",
    ),
    "client_contacts": (
        "nulls", "empty_strings", "put", "errors", "unknown_filters", "default_order", "per_page_cap",
    ),
    "custom": (
        "order", "token_exp", "expired_status", "limit_cap", "empty_page_more", "updated_and_deleted",
        "updated_new", "timestamp",
    ),
    "company": ("times", "page_order", "limit_cap"),
}  # fmt: skip
EXAMPLES_DIFFER_FROM_STRICT = {
    "crm.search_in": "body",
    "crm.edit_spelling": "example",
    "crm.delete_id_in": "body",
}


class TestCatalogue:
    def test_given_the_contract_when_listing_points_then_every_one_is_in_the_catalogue(self) -> None:
        for api, names in CONTRACT_POINTS.items():
            for name in names:
                assert f"{api}.{name}" in POINTS

    def test_given_the_presets_when_listing_then_lenient_strict_examples_everywhere(self) -> None:
        assert PRESETS == PLUGIN_PRESETS == ("lenient", "strict", "examples")
        assert PLUGIN_CATALOGUE == CATALOGUE
        assert PROFILES == ("lenient", "strict")

    def test_given_every_reading_when_put_one_by_one_then_each_is_served(self, client: TestClient) -> None:
        assert len(EVERY_READING) == sum(len(point.values) for point in CATALOGUE)
        for key, value in EVERY_READING:
            assert client.put("/admin/readings", json={key: value}).json()[key] == value

    def test_given_the_lenient_preset_when_reading_it_then_each_points_first_value(self) -> None:
        assert preset("lenient") == {point.key: point.values[0] for point in CATALOGUE}

    def test_given_the_examples_preset_when_compared_with_strict_then_only_the_examples_forms_differ(
        self,
    ) -> None:
        strict, examples = preset("strict"), preset("examples")
        assert {key: value for key, value in examples.items() if strict[key] != value} == (
            EXAMPLES_DIFFER_FROM_STRICT
        )


class TestAdmin:
    def test_given_a_fresh_server_when_asking_then_every_point_read_as_lenient(
        self, client: TestClient
    ) -> None:
        assert client.get("/admin/readings").json() == preset("lenient")

    def test_given_some_readings_when_putting_then_only_those_change(self, client: TestClient) -> None:
        wanted = {"crm.search_in": "body", "custom.order": "unstable"}
        answer = client.put("/admin/readings", json=wanted)
        assert answer.status_code == 200
        assert answer.json() == {**preset("lenient"), **wanted}
        assert client.get("/admin/readings").json() == {**preset("lenient"), **wanted}

    @pytest.mark.parametrize(
        "body",
        [
            {"crm.shoe_size": "big"},
            {"crm.search_in": "header"},
            {"billing.search_in": "body"},
            {"crm.search_in": "body", "crm.match": "fuzzy"},
            {"crm.search_in": 3},
            ["crm.search_in"],
        ],
        ids=["unknown-point", "unknown-value", "unknown-api", "one-bad-of-two", "not-text", "not-an-object"],
    )
    def test_given_an_unknown_point_or_value_when_putting_then_400_and_nothing_changes(
        self, client: TestClient, body: object
    ) -> None:
        response = client.put("/admin/readings", json=body)
        assert response.status_code == 400
        assert "error" in response.json()
        assert client.get("/admin/readings").json() == preset("lenient")

    def test_given_a_preset_and_readings_in_a_reset_when_resetting_then_the_readings_on_the_preset(
        self, client: TestClient
    ) -> None:
        body = {"profile": "strict", "readings": {"crm.phone": "integer"}}
        assert client.post("/admin/reset", json=body).status_code == 200
        assert client.get("/admin/readings").json() == {**preset("strict"), "crm.phone": "integer"}
        assert client.get("/admin/profile").json() == {
            "custom": "strict",
            "company": "strict",
            "crm": "mixed",
            "client_contacts": "strict",
        }

    def test_given_readings_without_a_preset_in_a_reset_then_they_go_on_the_start_preset(
        self, client: TestClient
    ) -> None:
        client.put("/admin/profile", json={"profile": "strict"})
        client.post("/admin/reset", json={"readings": {"crm.match": "exact"}})
        assert client.get("/admin/readings").json() == {**preset("lenient"), "crm.match": "exact"}

    def test_given_an_unknown_reading_in_a_reset_when_resetting_then_400_and_nothing_reset(
        self, client: TestClient
    ) -> None:
        client.post("/crm/contacts", json=JOHN, headers=CRM)
        response = client.post("/admin/reset", json={"profile": "strict", "readings": {"crm.match": "fuzzy"}})
        assert response.status_code == 400
        assert len(client.get("/admin/dump/crm").json()) == 1
        assert client.get("/admin/readings").json() == preset("lenient")

    def test_given_the_examples_preset_when_put_then_every_api_reads_as_the_examples(
        self, client: TestClient
    ) -> None:
        answer = client.put("/admin/profile", json={"profile": "examples"}).json()
        assert answer == dict.fromkeys(("custom", "company", "crm", "client_contacts"), "examples")
        assert client.get("/admin/readings").json() == preset("examples")
        body_search = {"searchby": "email", "search": JOHN["email"]}
        contact_id = client.post("/crm/contacts", json=JOHN, headers=CRM).json()["id"]
        assert client.request("GET", "/crm/contacts", json=body_search, headers=CRM).json() == {
            "id": contact_id
        }
        assert client.get("/crm/contacts", params=body_search, headers=CRM).status_code == 400


class TestStart:
    def test_given_readings_on_the_command_line_when_parsing_then_the_settings_carry_them(self) -> None:
        settings, _ = parse_args(
            ["--profile", "examples", "--reading", "crm.search_in=body", "--reading", "crm.phone=integer"]
        )
        assert (settings.profile, dict(settings.readings)) == (
            "examples",
            {"crm.search_in": "body", "crm.phone": "integer"},
        )

    @pytest.mark.parametrize("reading", ["crm.search_in", "crm.search_in=header", "crm.nothing=x"])
    def test_given_a_bad_reading_on_the_command_line_when_parsing_then_refused(self, reading: str) -> None:
        with pytest.raises(SystemExit):
            parse_args(["--reading", reading])

    def test_given_a_server_started_with_readings_when_reset_then_they_come_back(
        self, settings: Settings
    ) -> None:
        started = Settings(
            db=":memory:", contacts=settings.contacts, seed=settings.seed, readings={"crm.match": "exact"}
        )
        with TestClient(create_app(started), client=LOOPBACK) as client:
            assert client.get("/admin/readings").json()["crm.match"] == "exact"
            client.put("/admin/readings", json={"crm.match": "substring"})
            client.post("/admin/reset")
            assert client.get("/admin/readings").json()["crm.match"] == "exact"
            client.post("/admin/reset", json={"profile": "lenient"})
            assert client.get("/admin/readings").json()["crm.match"] == "substring"


def test_given_a_process_with_readings_when_driven_by_its_admin_client_then_readings_set_and_reset() -> None:
    with SandboxProcess(contacts=5, seed=3, profile="examples", readings={"crm.phone": "integer"}) as sandbox:
        admin = sandbox.admin
        assert admin.readings() == {**preset("examples"), "crm.phone": "integer"}
        assert admin.set_readings({"crm.search_in": "query"})["crm.search_in"] == "query"
        admin.reset()
        assert admin.readings() == {**preset("examples"), "crm.phone": "integer"}
        admin.reset(profile="lenient", readings={"custom.order": "unstable"})
        assert admin.readings() == {**preset("lenient"), "custom.order": "unstable"}
