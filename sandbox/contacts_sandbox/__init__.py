"""A local server implementing the four contact APIs, for the connectors' demo, tests and benchmarks."""

from contacts_sandbox.app import create_app
from contacts_sandbox.settings import Settings

__all__ = ["Settings", "create_app"]
