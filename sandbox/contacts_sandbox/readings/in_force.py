"""The readings one server serves under, per point, switchable at run time."""

from __future__ import annotations

from collections.abc import Mapping

from contacts_sandbox.apis import NAMES
from contacts_sandbox.readings.catalogue import CATALOGUE, LENIENT, POINTS, PRESETS, checked, preset

MIXED = "mixed"


class ApiReadings:
    """One API's readings as attributes (`readings.crm.search_in`): plain attributes, so a route
    on a hot path pays one attribute lookup per reading."""

    def __getattr__(self, name: str) -> str:
        raise AttributeError(f"no point {name!r}")


class Readings:
    """The reading in force of every point; `start` is what a reset without a preset restores."""

    custom: ApiReadings
    company: ApiReadings
    crm: ApiReadings
    client_contacts: ApiReadings

    def __init__(self, start: str = LENIENT, start_readings: Mapping[str, str] | None = None) -> None:
        self.start = start
        self.start_readings = checked(dict(start_readings or {}))
        preset(start)
        for api in NAMES:
            setattr(self, api, ApiReadings())
        # The preset last applied to each API: its name while its readings still hold.
        self._applied: dict[str, str] = dict.fromkeys(NAMES, start)
        self.reset()

    def set(self, readings: Mapping[str, str]) -> None:
        """Sets those points only; all or none: an unknown point or value changes nothing."""
        for key, value in checked(dict(readings)).items():
            point = POINTS[key]
            setattr(getattr(self, point.api), point.name, value)

    def apply_preset(self, name: str, api: str | None = None) -> None:
        """Every point of one API (or of all four when `api` is None) read as the preset reads it."""
        readings = preset(name)
        apis = NAMES if api is None else (api,)
        self.set({key: value for key, value in readings.items() if POINTS[key].api in apis})
        for each in apis:
            self._applied[each] = name

    def reset(self, profile: str | None = None, readings: Mapping[str, str] | None = None) -> None:
        """A preset (without one: the start preset and the start readings), then `readings` on it."""
        on_top = dict(readings or {})
        checked(on_top)
        if profile is None:
            profile, on_top = self.start, {**self.start_readings, **on_top}
        self.apply_preset(profile)
        self.set(on_top)

    def in_force(self) -> dict[str, str]:
        return {point.key: getattr(getattr(self, point.api), point.name) for point in CATALOGUE}

    def profiles(self) -> dict[str, str]:
        """Each API's preset: the one last applied while its readings hold, else the first preset
        whose readings all hold, else `mixed`."""
        in_force = self.in_force()
        labels = {}
        for api in NAMES:
            mine = {key: value for key, value in in_force.items() if POINTS[key].api == api}
            candidates = (self._applied[api], *PRESETS)
            labels[api] = next(
                (
                    name
                    for name in candidates
                    if all(preset(name)[key] == value for key, value in mine.items())
                ),
                MIXED,
            )
        return labels
