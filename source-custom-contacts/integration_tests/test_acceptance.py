"""The CDK's standard source tests, driven by the top-level acceptance-test-config.yml."""

import pytest
from airbyte_cdk.test.standard_tests import SourceTestSuiteBase

from contacts_sandbox.testing import SandboxProcess


class TestSourceCustomContactsAcceptance(SourceTestSuiteBase):
    @pytest.fixture(autouse=True)
    def under_each_profile(self, sandbox: SandboxProcess) -> None:
        """The configs point at the session's sandbox; `sandbox` resets it under one profile per run,
        so every scenario runs under each (test ids begin `[lenient-` and `[strict-`)."""
