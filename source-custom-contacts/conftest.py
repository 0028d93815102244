# The CDK's standard tests (integration_tests/test_acceptance.py) are parametrized by its hooks, which
# also add its command-line options: pytest takes those only from a root conftest or a plugin. The
# sandbox's fixtures are loaded by integration_tests/conftest.py alone, so unit tests never start one.
pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]
