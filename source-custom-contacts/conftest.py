"""Plugins for this connector's tests: the sandbox fixtures and the CDK's standard-test hooks."""

pytest_plugins = ["contacts_sandbox.pytest_plugin", "airbyte_cdk.test.standard_tests.pytest_hooks"]
