"""Fault injection, per API: latency, 5xx, rate limiting, dropped connections, late creates, tokens.

Every draw comes from a random generator per API seeded from the server's seed, so the same
requests in the same order meet the same faults. Setting, clearing or resetting faults reseeds.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from contacts_sandbox.apis import NAMES


class ApiFaults(BaseModel):
    """The faults of one API. Every field is optional; zero or null means off."""

    model_config = ConfigDict(extra="forbid")

    latency_ms: float = Field(default=0, ge=0, description="Added to every request of that API.")
    error_rate: float = Field(default=0, ge=0, le=1, description="Share of requests answered 503.")
    rate_limit_per_second: int | None = Field(
        default=None, ge=0, description="Requests allowed per second; beyond it: 429 with Retry-After."
    )
    retry_after_seconds: float = Field(default=1, ge=0, description="The Retry-After of a 429.")
    rate_limited_share: float = Field(
        default=0,
        ge=0,
        le=1,
        description="Share of requests answered 429 with Retry-After whatever the rate (a shared quota).",
    )
    drop_rate: float = Field(default=0, ge=0, le=1, description="Share of requests closed with no answer.")
    late_create_rate: float = Field(
        default=0,
        ge=0,
        le=1,
        description="Share of creates that commit, then answer only after late_create_delay_s.",
    )
    late_create_delay_s: float = Field(default=5, ge=0, description="How late a late create answers.")
    token_ttl_seconds: int | None = Field(
        default=None, ge=0, description="Custom API only: time to live of tokens issued from now on."
    )
    outage_from_request: int | None = Field(
        default=None,
        ge=1,
        description=(
            "The n-th request of that API from now on, and every one after it, is answered 503 "
            "(an outage that stops a read part-way, the same request on every run); clearing the "
            "faults ends it."
        ),
    )
    revoke_tokens_at_request: int | None = Field(
        default=None,
        ge=0,
        description=(
            "Custom API only: the n-th request with a bearer token from now on revokes every token "
            "issued so far (as a rotated signing key would), once; it and later requests with an "
            "old token get 401, a new token works."
        ),
    )


class Verdict:
    """What the faults decide for one request, in the order they apply."""

    PASS = "pass"
    DROP = "drop"
    RATE_LIMITED = "rate_limited"
    ERROR = "error"


@dataclass
class _ApiFaultState:
    faults: ApiFaults
    rng: random.Random
    # Late creates draw from their own generator, so that turning them on does not shift the other draws.
    create_rng: random.Random
    window_start: float = 0.0
    window_count: int = 0
    token_requests: int = 0
    requests: int = 0


class FaultInjector:
    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._state: dict[str, _ApiFaultState] = {}
        self.clear()

    def _fresh(self, api: str, faults: ApiFaults) -> _ApiFaultState:
        return _ApiFaultState(
            faults=faults,
            rng=random.Random(f"faults:{self._seed}:{api}"),
            create_rng=random.Random(f"late-creates:{self._seed}:{api}"),
        )

    def clear(self, seed: int | None = None) -> None:
        if seed is not None:
            self._seed = seed
        self._state = {api: self._fresh(api, ApiFaults()) for api in NAMES}

    def set(self, api: str, faults: ApiFaults) -> None:
        self._state[api] = self._fresh(api, faults)

    def get(self, api: str) -> ApiFaults:
        return self._state[api].faults

    def in_force(self) -> dict[str, dict[str, object]]:
        return {api: state.faults.model_dump(exclude_defaults=True) for api, state in self._state.items()}

    def latency_seconds(self, api: str) -> float:
        return self._state[api].faults.latency_ms / 1000

    def verdict(self, api: str, now: float | None = None) -> str:
        state = self._state[api]
        faults = state.faults
        state.requests += 1
        if faults.outage_from_request and state.requests >= faults.outage_from_request:
            return Verdict.ERROR
        if faults.drop_rate and state.rng.random() < faults.drop_rate:
            return Verdict.DROP
        if faults.rate_limit_per_second:  # zero, like null, means no limit
            moment = time.monotonic() if now is None else now
            if moment - state.window_start >= 1.0:
                state.window_start, state.window_count = moment, 0
            state.window_count += 1
            if state.window_count > faults.rate_limit_per_second:
                return Verdict.RATE_LIMITED
        if faults.rate_limited_share and state.rng.random() < faults.rate_limited_share:
            return Verdict.RATE_LIMITED
        if faults.error_rate and state.rng.random() < faults.error_rate:
            return Verdict.ERROR
        return Verdict.PASS

    def retry_after(self, api: str) -> str:
        return str(math.ceil(self._state[api].faults.retry_after_seconds))

    def late_create_delay(self, api: str) -> float:
        """Seconds to hold back the answer of a create that has already committed; 0 for most."""
        state = self._state[api]
        if state.faults.late_create_rate and state.create_rng.random() < state.faults.late_create_rate:
            return state.faults.late_create_delay_s
        return 0.0

    def token_ttl(self, default: int) -> int:
        return self._state["custom"].faults.token_ttl_seconds or default

    def revokes_tokens_now(self) -> bool:
        """Counts one request with a bearer token; True for the one that revokes the tokens issued so far."""
        state = self._state["custom"]
        at = state.faults.revoke_tokens_at_request
        if not at:
            return False
        state.token_requests += 1
        return state.token_requests == at
