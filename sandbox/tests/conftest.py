from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from contacts_sandbox import Settings, create_app

pytest_plugins = ["contacts_sandbox.pytest_plugin"]

LOOPBACK = ("127.0.0.1", 50000)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(db=":memory:", contacts=60, seed=7)


@pytest.fixture(scope="session")
def app_client(settings: Settings) -> Iterator[TestClient]:
    """The app in-process, seen from a loopback address (the admin endpoints require one)."""
    with TestClient(create_app(settings), client=LOOPBACK) as test_client:
        yield test_client


@pytest.fixture
def client(app_client: TestClient, request: pytest.FixtureRequest) -> TestClient:
    """The in-process app with its data, faults and counters reset before the test, serving the
    readings a test parametrises it with (`tests.helpers.each_reading`)."""
    readings = getattr(request, "param", {})
    app_client.post("/admin/reset", json={"readings": readings}).raise_for_status()
    return app_client


@pytest.fixture
def strict_client(app_client: TestClient) -> TestClient:
    """The in-process app reset, with every API under the strict profile."""
    app_client.post("/admin/reset", json={"profile": "strict"}).raise_for_status()
    return app_client
