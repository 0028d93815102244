"""Settings of one sandbox server: where it listens, what it seeds, which credentials it accepts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from contacts_sandbox.readings import LENIENT, Preset


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8765
    db: str = ".sandbox/sandbox.db"
    contacts: int = 1000
    seed: int = 42
    token_ttl: int = 3600
    # The preset every API starts under, then single readings on it ("crm.search_in": "body"):
    # what a reset without a profile restores.
    profile: Preset = LENIENT
    readings: Mapping[str, str] = field(default_factory=dict)

    # Credentials: the defaults the connectors' example configs use.
    custom_client_id: str = "test_id"
    custom_client_secret: str = "test_secret"
    jwt_secret: str = "contacts-sandbox-jwt-signing-key"
    company_keys: tuple[str, ...] = ("company-a-key", "company-b-key")
    crm_key: str = "crm-test-key"
    client_contacts_key: str = "client-contacts-test-key"

    # Clients allowed on /admin. Loopback only: the admin endpoints have no auth.
    admin_hosts: frozenset[str] = field(default_factory=lambda: frozenset({"127.0.0.1", "::1", "localhost"}))
