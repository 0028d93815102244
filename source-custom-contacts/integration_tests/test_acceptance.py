"""The CDK's standard source tests, driven by the top-level acceptance-test-config.yml."""

from pathlib import Path

import pytest
from airbyte_cdk.test.models import ConnectorTestScenario
from airbyte_cdk.test.standard_tests import SourceTestSuiteBase

from contacts_sandbox.acceptance import source_acceptance_configs
from contacts_sandbox.pytest_plugin import shared_sandbox
from contacts_sandbox.testing import SandboxProcess


class TestSourceCustomContactsAcceptance(SourceTestSuiteBase):
    @classmethod
    def get_scenarios(cls) -> list[ConnectorTestScenario]:
        """The acceptance file's scenarios, each with the config it names (a file under
        secrets/sandbox/, written for `airbyte-cdk connector test`) made for this process's
        sandbox: test processes run side by side, so none of them may share a config file."""
        configs = source_acceptance_configs(shared_sandbox().url)
        return [
            scenario.model_copy(update={"config_dict": configs[Path(str(scenario.config_path)).name]})
            for scenario in super().get_scenarios()
        ]

    @pytest.fixture(autouse=True)
    def under_each_profile(self, sandbox: SandboxProcess) -> None:
        """The configs point at the session's sandbox; `sandbox` resets it under one profile per run,
        so every scenario runs under each (test ids begin `[lenient-` and `[strict-`)."""
