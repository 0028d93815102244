"""Which profile each API serves under: `lenient` (helpful extras) or `strict` (the document only).

Kept per API and switchable at run time, so one test can put a single API under `strict` while
the others stay as they are.
"""

from __future__ import annotations

from typing import Literal, get_args

from contacts_sandbox.apis import NAMES

Profile = Literal["lenient", "strict"]
PROFILES: tuple[str, ...] = get_args(Profile)
LENIENT: Profile = "lenient"
STRICT: Profile = "strict"


class Profiles:
    """The profile in force for each API; `start` is what a reset without a profile restores."""

    def __init__(self, start: Profile = LENIENT) -> None:
        self.start = start
        self._in_force: dict[str, Profile] = dict.fromkeys(NAMES, start)

    def is_strict(self, api: str) -> bool:
        return self._in_force[api] == STRICT

    def set(self, profile: Profile, api: str | None = None) -> None:
        """Sets one API's profile, or every API's when `api` is None."""
        for name in NAMES if api is None else (api,):
            self._in_force[name] = profile

    def reset(self, profile: Profile | None = None) -> None:
        self.set(self.start if profile is None else profile)

    def in_force(self) -> dict[str, Profile]:
        return dict(self._in_force)
