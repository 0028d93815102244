# The CDK's standard tests (integration_tests/test_standard_suite.py) are parametrized by its hooks.
pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]
