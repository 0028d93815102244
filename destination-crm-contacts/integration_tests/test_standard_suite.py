"""The CDK's standard tests (spec and check) on the scenarios of acceptance-test-config.yml, against
a sandbox under each profile."""

from __future__ import annotations

from pathlib import Path

from airbyte_cdk.test.models import ConnectorTestScenario
from airbyte_cdk.test.standard_tests import DestinationTestSuiteBase

from contacts_sandbox.acceptance import destination_acceptance_configs
from contacts_sandbox.pytest_plugin import shared_sandbox
from destination_crm_contacts.destination import DestinationCrmContacts


class TestDestinationStandardSuite(DestinationTestSuiteBase):
    connector = DestinationCrmContacts
    # The suite reads its scenarios while pytest collects, before any fixture can set a profile:
    # each profile gets its own class and its own sandbox process.
    profile = "lenient"

    @classmethod
    def get_scenarios(cls) -> list[ConnectorTestScenario]:
        """The acceptance file's scenarios, each with the config it names (a file under
        secrets/sandbox/, written for `airbyte-cdk connector test`) made for this sandbox."""
        configs = destination_acceptance_configs(shared_sandbox(cls.profile).url)
        return [
            scenario.model_copy(update={"config_dict": configs[Path(str(scenario.config_path)).name]})
            for scenario in super().get_scenarios()
        ]


class TestDestinationStandardSuiteStrict(TestDestinationStandardSuite):
    profile = "strict"
