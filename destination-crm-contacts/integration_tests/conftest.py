"""The package's integration tests run against the sandbox as a real process.

Every test that takes `sandbox` runs under each profile of the sandbox: `lenient` (helpful
extras) and `strict` (only what the API documents show). The sandbox's pytest plugin gives the
fixtures and `shared_sandbox()`, which the standard suite calls while pytest collects.
"""

# The sandbox's fixtures are imported here, not named in the root conftest's `pytest_plugins`, so
# that unit tests neither import nor start a sandbox; pytest refuses `pytest_plugins` in a conftest
# below the root.
from contacts_sandbox.pytest_plugin import sandbox, sandbox_process, sandbox_profile  # noqa: F401
