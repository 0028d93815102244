# The CDK's standard tests (integration_tests/test_standard_suite.py) are parametrized by its hooks.
pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]

# The S3-compatible server of the tests of rejected records, for unit and integration tests alike.
from unit_tests.s3_storage import s3_server  # noqa: E402, F401
