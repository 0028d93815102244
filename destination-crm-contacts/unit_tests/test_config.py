from __future__ import annotations

import pytest

from destination_crm_contacts.config import ConfigError, DestinationConfig
from unit_tests.builders import ConfigBuilder


class TestConfig:
    def test_given_the_example_config_then_defaults_are_the_sandbox_choices(self) -> None:
        config = DestinationConfig.from_mapping(
            {"crm": {"enabled": True, "api_key": "k"}, "client_contacts": {"enabled": True, "api_key": "k"}}
        )

        assert config.crm is not None
        assert config.client_contacts is not None
        assert (config.crm.base_url, config.crm.match_field, config.crm.identity_field) == (
            "http://127.0.0.1:8765/crm",
            "email",
            "notes",
        )
        assert config.client_contacts.match_key == "integration_meta.external_id"
        assert config.crm.limits.max_concurrent_requests >= 16

    def test_given_a_disabled_target_then_it_is_left_out(self) -> None:
        config = DestinationConfig.from_mapping(ConfigBuilder().only_crm().build())
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
