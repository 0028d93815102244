"""The CDK's standard tests (spec and check) on the scenarios of acceptance-test-config.yml, against
a sandbox under each profile."""

from __future__ import annotations

from typing import Any

from airbyte_cdk.test.models import ConnectorTestScenario
from airbyte_cdk.test.standard_tests import DestinationTestSuiteBase

from destination_crm_contacts.destination import DestinationCrmContacts
from integration_tests.conftest import shared_sandbox

SANDBOX_DEFAULT = "http://127.0.0.1:8765"


def _retarget(config: dict[str, Any], url: str) -> dict[str, Any]:
    for target in ("crm", "client_contacts"):
        section = config.get(target) or {}
        if "base_url" in section:
            section["base_url"] = section["base_url"].replace(SANDBOX_DEFAULT, url)
    return config


class TestDestinationStandardSuite(DestinationTestSuiteBase):
    connector = DestinationCrmContacts
    # The suite reads its scenarios while pytest collects, before any fixture can set a profile:
    # each profile gets its own class and its own sandbox process.
    profile = "lenient"

    @classmethod
    def get_scenarios(cls) -> list[ConnectorTestScenario]:
        url = shared_sandbox(cls.profile).url
        root = cls.get_connector_root_dir()
        return [
            scenario.model_copy(
                update={
                    "config_dict": _retarget(
                        scenario.get_config_dict(connector_root=root, empty_if_missing=True), url
                    )
                }
            )
            for scenario in super().get_scenarios()
        ]


class TestDestinationStandardSuiteStrict(TestDestinationStandardSuite):
    profile = "strict"
