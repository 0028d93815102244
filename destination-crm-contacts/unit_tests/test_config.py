from __future__ import annotations

import json
from pathlib import Path

import pytest

from destination_crm_contacts.config import ConfigError, DestinationConfig
from unit_tests.builders import CRM_ONLY, ConfigBuilder

PACKAGE = Path(__file__).parents[1] / "destination_crm_contacts"
REPOSITORY = Path(__file__).parents[2]


class TestConfig:
    def test_given_the_example_config_then_it_holds_the_sandbox_urls_and_the_documented_defaults(
        self,
    ) -> None:
        example = json.loads((REPOSITORY / "secrets.example" / "destination-crm-contacts.json").read_text())

        config = DestinationConfig.from_mapping(example)

        assert config.crm is not None
        assert config.client_contacts is not None
        assert (config.crm.base_url, config.client_contacts.base_url) == (
            "http://127.0.0.1:8765/crm",
            "http://127.0.0.1:8765/client-contacts",
        )
        assert (config.crm.match_field, config.crm.identity_field) == ("email", "notes")
        assert config.client_contacts.match_key == "integration_meta.external_id"
        assert config.crm.limits.max_concurrent_requests >= 16

    @pytest.mark.parametrize("target", ["crm", "client_contacts"])
    def test_given_an_enabled_target_without_base_url_then_the_error_names_it_and_the_fix(
        self, target: str
    ) -> None:
        config = {target: {"enabled": True, "api_key": "k"}}

        with pytest.raises(
            ConfigError, match=rf"^{target}.base_url is missing: {target} is enabled, so give the root"
        ):
            DestinationConfig.from_mapping(config)

    def test_given_the_spec_then_every_property_has_a_title_and_a_description_and_no_url_default(
        self,
    ) -> None:
        spec = json.loads((PACKAGE / "spec.json").read_text())["connectionSpecification"]

        def properties(schema: dict, path: str = "") -> list[tuple[str, dict]]:
            found = []
            for name, prop in schema.get("properties", {}).items():
                found.append((path + name, prop))
                found += properties(prop, f"{path}{name}.")
                found += properties(prop.get("items") or {}, f"{path}{name}[].")
            return found

        every = properties(spec)
        assert len(every) > 40
        assert [name for name, prop in every if not (prop.get("title") and prop.get("description"))] == []
        assert [name for name, prop in every if "://" in str(prop.get("default", ""))] == []

    def test_given_a_disabled_target_then_it_is_left_out(self) -> None:
        config = DestinationConfig.from_mapping(CRM_ONLY)
        assert config.client_contacts is None

    @pytest.mark.parametrize(
        ("settings", "message"),
        [
            (
                {"field_mapping": [{"target_field": "company_name", "record_field": "company"}]},
                "company_name",
            ),
            ({"base_url": "crm.example.com"}, "must start with http:// or https://"),
            ({"contacts_path": "contacts"}, "crm.contacts_path 'contacts' must start with '/'"),
            ({"match_field": "notes"}, "crm.match_field is 'notes'; choose one of"),
            ({"max_concurrent_requests": 500}, "between 1 and 128"),
            (
                {"field_mapping": [{"target_field": "notes", "record_field": "type"}]},
                r"crm.field_mapping maps notes, which holds the connector's marker \(crm.identity_field\)",
            ),
            ({"adopt_by_match_field": "yes"}, "crm.adopt_by_match_field is 'yes'; choose one of"),
        ],
    )
    def test_given_a_bad_crm_setting_then_the_error_names_it(self, settings: dict, message: str) -> None:
        with pytest.raises(ConfigError, match=message):
            DestinationConfig.from_mapping(ConfigBuilder().with_crm(**settings).build())

    @pytest.mark.parametrize("prefix", ["company a:", "[a]", "x" * 65])
    def test_given_a_key_prefix_a_marker_cannot_hold_then_the_error_names_it(self, prefix: str) -> None:
        with pytest.raises(ConfigError, match=r"key_prefix .* may hold only letters"):
            DestinationConfig.from_mapping(ConfigBuilder().with_option(key_prefix=prefix).build())

    def test_given_a_match_key_that_is_not_a_path_then_the_error_names_it(self) -> None:
        config = ConfigBuilder().with_client_contacts(match_key="integration meta").build()
        with pytest.raises(ConfigError, match=r"client_contacts\.match_key 'integration meta'"):
            DestinationConfig.from_mapping(config)

    def test_given_no_sweep_settings_then_a_sweep_of_a_fifth_is_allowed_from_100_contacts(self) -> None:
        options = DestinationConfig.from_mapping(ConfigBuilder().build()).options

        assert (options.max_sweep_share, options.sweep_share_min_contacts) == (0.2, 100)

    @pytest.mark.parametrize("share", [-0.1, 1.5])
    def test_given_a_sweep_share_outside_0_and_1_then_the_error_names_it(self, share: float) -> None:
        with pytest.raises(ConfigError, match=r"max_sweep_share must be between 0 and 1"):
            DestinationConfig.from_mapping(ConfigBuilder().with_option(max_sweep_share=share).build())
