"""Everything one app instance owns: settings, data, readings, faults, counters, token signer."""

from __future__ import annotations

import random
from collections.abc import Mapping

from fastapi import Request

from contacts_sandbox.faults import FaultInjector
from contacts_sandbox.readings import Readings
from contacts_sandbox.settings import Settings
from contacts_sandbox.stats import RequestStats
from contacts_sandbox.store import Store
from contacts_sandbox.tokens import TokenIssuer


class Sandbox:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.db, settings.company_keys, settings.seed)
        self.faults = FaultInjector(settings.seed)
        self.readings = Readings(settings.profile, settings.readings)
        self.stats = RequestStats()
        self.tokens = TokenIssuer(settings.jwt_secret)
        self.churn_rng = random.Random(f"churn:{settings.seed}")
        self.crm_id_rng = random.Random(f"crm-ids:{settings.seed}")
        if self.store.is_empty():
            self.store.reset(settings.seed, settings.contacts)

    def reset(
        self,
        seed: int | None = None,
        contacts: int | None = None,
        profile: str | None = None,
        readings: Mapping[str, str] | None = None,
    ) -> None:
        # First: an unknown reading refuses the whole reset before anything changes.
        self.readings.reset(profile, readings)
        seed = self.settings.seed if seed is None else seed
        self.store.reset(seed, self.settings.contacts if contacts is None else contacts)
        self.faults.clear(seed)
        self.stats.reset()
        self.churn_rng = random.Random(f"churn:{seed}")
        self.crm_id_rng = random.Random(f"crm-ids:{seed}")

    def new_crm_id(self) -> str:
        """A CRM id: 20 digits, drawn from the seed so a run's ids are reproducible."""
        while True:
            candidate = str(self.crm_id_rng.randrange(10**19, 10**20))
            if candidate not in self.store.crm:
                return candidate

    def close(self) -> None:
        self.store.close()


def sandbox_from(request: Request) -> Sandbox:
    """The sandbox of the app serving the request (a plain call: cheaper than a dependency)."""
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


async def sandbox_of(request: Request) -> Sandbox:
    """The same, as a dependency."""
    return sandbox_from(request)
