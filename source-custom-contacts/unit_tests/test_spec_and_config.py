"""The spec, the config parser and the example configs agree with one another."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from airbyte_cdk.models import ConnectorSpecification, FailureType
from airbyte_cdk.test.standard_tests._spec_lint import assert_spec_is_valid
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_custom_contacts import config as defaults
from source_custom_contacts.config import CompanyApiConfig, CustomApiConfig, parse_config

_PACKAGE = Path(__file__).resolve().parent.parent / "source_custom_contacts"
_EXAMPLES = Path(__file__).resolve().parent.parent.parent / "secrets.example"
_SPEC = yaml.safe_load((_PACKAGE / "spec.yaml").read_text())
_CONNECTION = _SPEC["connectionSpecification"]


def _variant(api_type: str) -> dict[str, Any]:
    variants = _CONNECTION["properties"]["api"]["oneOf"]
    return next(v for v in variants if v["properties"]["api_type"]["const"] == api_type)


def test_given_the_spec_when_linted_then_the_cdk_finds_nothing_to_fix():
    assert_spec_is_valid(ConnectorSpecification(**_SPEC), connector_name="source-custom-contacts")


def test_given_every_field_of_the_spec_when_read_then_it_has_a_title_a_description_and_a_safe_example():
    def fields(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        found = []
        for name, prop in schema.get("properties", {}).items():
            found.append((name, prop))
            for variant in prop.get("oneOf", []):
                found.extend(fields(variant))
        return found

    for name, prop in fields(_CONNECTION):
        assert prop.get("title"), name
        assert prop.get("description"), name
        if prop.get("airbyte_secret"):
            assert "examples" not in prop, f"{name}: an example of a secret shows in every spec output"
        else:
            assert "oneOf" in prop or prop.get("examples"), name


def test_given_the_spec_when_read_then_no_default_or_example_points_at_a_sandbox_or_holds_its_credentials():
    text = json.dumps(_SPEC)

    for sandbox_value in ("127.0.0.1", "localhost", "8765", "test_id", "test_secret", "company-a-key"):
        assert sandbox_value not in text, sandbox_value
    for variant in _CONNECTION["properties"]["api"]["oneOf"]:
        assert "base_url" in variant["required"]
        assert "default" not in variant["properties"]["base_url"]


# The whole-number settings: each with the parser's default (None: it has none) and its bounds.
_API_SETTINGS = (
    ("page_size", defaults.DEFAULT_PAGE_SIZE, defaults.PAGE_SIZE),
    ("lookback_window_seconds", defaults.DEFAULT_LOOKBACK_WINDOW_SECONDS, defaults.LOOKBACK_WINDOW_SECONDS),
)
_TOP_SETTINGS = (
    ("concurrent_requests", defaults.DEFAULT_CONCURRENT_REQUESTS, defaults.CONCURRENT_REQUESTS),
    ("max_requests_per_second", None, defaults.MAX_REQUESTS_PER_SECOND),
    ("request_timeout_seconds", defaults.DEFAULT_REQUEST_TIMEOUT_SECONDS, defaults.REQUEST_TIMEOUT_SECONDS),
)


@pytest.mark.parametrize(
    ("properties", "field", "default", "bounds"),
    [
        *((api_type, *setting) for api_type in ("custom", "company") for setting in _API_SETTINGS),
        *(("top", *setting) for setting in _TOP_SETTINGS),
    ],
)
def test_given_a_whole_number_setting_when_compared_then_spec_and_parser_agree_on_its_default_and_bounds(
    properties: str, field: str, default: int | None, bounds: tuple[int, int | None]
):
    schema = (_CONNECTION if properties == "top" else _variant(properties))["properties"][field]

    assert schema.get("default") == default
    assert (schema.get("minimum"), schema.get("maximum")) == bounds


@pytest.mark.parametrize("name", ["custom-api", "company-api"])
def test_given_an_example_config_when_validated_then_the_spec_accepts_it(name: str):
    example = json.loads((_EXAMPLES / f"source-custom-contacts.{name}.json").read_text())

    jsonschema.Draft7Validator(_CONNECTION).validate(example)
    parsed = parse_config(example)

    assert parsed.api.base_url.startswith("http://127.0.0.1:8765/")


def test_given_a_minimal_custom_config_when_parsed_then_defaults_fill_the_rest():
    parsed = parse_config(
        {"api": {"api_type": "custom", "base_url": "https://x/", "client_id": "i", "client_secret": "s"}}
    )

    assert parsed.api == CustomApiConfig(base_url="https://x", client_id="i", client_secret="s")
    assert parsed.http == defaults.HttpSettings()


def test_given_an_empty_search_term_when_parsed_then_no_search_is_sent():
    parsed = parse_config(
        {"api": {"api_type": "company", "base_url": "https://x", "api_key": "k", "search": "  "}}
    )

    assert isinstance(parsed.api, CompanyApiConfig)
    assert parsed.api.search is None


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ({}, "'api'"),
        ({"api": {"api_type": "other"}}, "api_type"),
        (
            {"api": {"api_type": "custom", "base_url": "https://x", "client_id": "i"}},
            "'api.client_secret' of the Custom Contact Source API is required",
        ),
        (
            {"api": {"api_type": "company", "base_url": "https://x", "api_key": "k", "page_size": 0}},
            "'api.page_size' of the Company Contacts API must be a whole number from 1 to 1000, got 0",
        ),
        (
            {
                "api": {
                    "api_type": "custom",
                    "base_url": "https://x",
                    "client_id": "i",
                    "client_secret": "s",
                    "page_size": 5000,
                }
            },
            "'api.page_size' of the Custom Contact Source API must be a whole number from 1 to 1000",
        ),
        (
            {"api": {"api_type": "company", "base_url": "host:8080", "api_key": "k"}},
            "'api.base_url' of the Company Contacts API must be an http:// or https:// URL",
        ),
        (
            {
                "api": {"api_type": "company", "base_url": "https://x", "api_key": "k"},
                "concurrent_requests": "4",
            },
            "concurrent",
        ),
    ],
)
def test_given_an_invalid_config_when_parsed_then_config_error_names_the_field(
    config: dict[str, Any], named: str
):
    with pytest.raises(AirbyteTracedException) as error:
        parse_config(config)

    assert error.value.failure_type == FailureType.config_error
    assert named in error.value.message
