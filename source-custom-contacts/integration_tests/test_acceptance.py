"""The CDK's standard source tests, driven by the top-level acceptance-test-config.yml."""

from airbyte_cdk.test.standard_tests import SourceTestSuiteBase


class TestSourceCustomContactsAcceptance(SourceTestSuiteBase):
    pass
