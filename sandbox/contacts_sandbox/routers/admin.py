"""Admin endpoints for tests and demos: reset, readings and presets, churn, dumps, counters and faults.

Loopback only.
"""

from __future__ import annotations

import random
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from contacts_sandbox.apis import NAMES
from contacts_sandbox.auth import require_loopback
from contacts_sandbox.churn import churn_company, churn_custom
from contacts_sandbox.faults import ApiFaults
from contacts_sandbox.readings import Preset, UnknownReadingError
from contacts_sandbox.responses import ApiError, json_response
from contacts_sandbox.state import Sandbox, sandbox_of

SandboxDep = Annotated[Sandbox, Depends(sandbox_of)]
ApiName = Literal["custom", "company", "crm", "client_contacts"]
router = APIRouter(prefix="/admin", tags=["Admin"], dependencies=[Depends(require_loopback)])


class ResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: int | None = None
    contacts: int | None = Field(default=None, ge=0)
    profile: Preset | None = Field(
        default=None,
        description="A preset for every API; otherwise the preset and readings the server started with.",
    )
    readings: dict[str, str] | None = Field(
        default=None, description='Single readings on top of the preset, e.g. {"crm.search_in": "body"}.'
    )


class ProfileRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    profile: Preset


def _refused(error: UnknownReadingError) -> ApiError:
    return ApiError(None, 400, str(error))


class ChurnRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    api: Literal["custom", "company"]
    create: int = Field(default=0, ge=0)
    update: int = Field(default=0, ge=0)
    delete: int = Field(default=0, ge=0)
    seed: int | None = Field(
        default=None, description="Seeds this churn's draws; otherwise the server's own sequence."
    )
    company: str | None = Field(
        default=None, description="Company API key, for api=company; the first company by default."
    )
    seconds_ago: float = Field(
        default=0,
        ge=0,
        description="Dates the changes this long before now, as changes made well before a sync are.",
    )


@router.get("/health")
async def health() -> Response:
    return json_response({"status": "ok"})


@router.post(
    "/reset", summary="Empty every store, reseed both sources, clear faults and counters, reset readings"
)
async def reset(sandbox: SandboxDep, request: ResetRequest | None = None) -> Response:
    request = request or ResetRequest()
    try:
        sandbox.reset(request.seed, request.contacts, request.profile, request.readings)
    except UnknownReadingError as error:
        raise _refused(error) from None
    return json_response({"status": "reset", "contacts": len(sandbox.store.custom)})


@router.get("/readings", summary="The reading in force of every point, as api.point: value")
async def readings(sandbox: SandboxDep) -> Response:
    return json_response(sandbox.readings.in_force())


@router.put("/readings", summary="Set some points' readings (all or none); answers every reading in force")
async def set_readings(sandbox: SandboxDep, request: dict[str, str]) -> Response:
    try:
        sandbox.readings.set(request)
    except UnknownReadingError as error:
        raise _refused(error) from None
    return json_response(sandbox.readings.in_force())


@router.get("/profile", summary="The preset each API serves under (mixed: single readings changed)")
async def profiles(sandbox: SandboxDep) -> Response:
    return json_response(sandbox.readings.profiles())


@router.put("/profile", summary="Put every API under one preset")
async def set_profiles(sandbox: SandboxDep, request: ProfileRequest) -> Response:
    sandbox.readings.apply_preset(request.profile)
    return json_response(sandbox.readings.profiles())


@router.put("/profile/{api}", summary="Put one API under a preset")
async def set_profile(sandbox: SandboxDep, api: str, request: ProfileRequest) -> Response:
    # A plain string, not ApiName: an unknown API is a missing resource (404), not a bad value (400).
    if api not in NAMES:
        raise ApiError(None, 404, f"unknown api {api!r}; one of: {', '.join(NAMES)}")
    sandbox.readings.apply_preset(request.profile, api)
    return json_response(sandbox.readings.profiles())


@router.post("/churn", summary="Create, update and delete source contacts now")
async def churn(sandbox: SandboxDep, request: ChurnRequest) -> Response:
    rng = sandbox.churn_rng if request.seed is None else random.Random(request.seed)
    if request.api == "custom":
        result = churn_custom(
            sandbox.store, rng, request.create, request.update, request.delete, request.seconds_ago
        )
    else:
        company = request.company or sandbox.settings.company_keys[0]
        if company not in sandbox.settings.company_keys:
            raise ApiError(None, 400, f"unknown company {company!r}")
        result = churn_company(
            sandbox.store, rng, company, request.create, request.update, request.delete, request.seconds_ago
        )
    return json_response(asdict(result))


@router.get("/dump/{api}", summary="Every record of one API's store")
async def dump(sandbox: SandboxDep, api: ApiName) -> Response:
    store = sandbox.store
    dumps: dict[str, Any] = {
        "custom": store.custom.dump,
        "company": store.company.dump,
        "crm": store.crm.all,
        "client_contacts": store.client_contacts.all,
    }
    return json_response(dumps[api]())


@router.get("/stats", summary="Request counters by API and route, and by API and status")
async def stats(sandbox: SandboxDep) -> Response:
    return json_response(sandbox.stats.snapshot())


@router.post("/stats/reset", summary="Zero the request counters")
async def reset_stats(sandbox: SandboxDep) -> Response:
    sandbox.stats.reset()
    return json_response({"status": "reset"})


@router.get("/faults", summary="The faults in force")
async def faults(sandbox: SandboxDep) -> Response:
    return json_response(sandbox.faults.in_force())


@router.put("/faults/{api}", summary="Set the faults of one API (replaces its previous faults)")
async def set_faults(sandbox: SandboxDep, api: ApiName, faults: ApiFaults) -> Response:
    sandbox.faults.set(api, faults)
    return json_response(sandbox.faults.in_force())


@router.delete("/faults", summary="Clear every fault")
async def clear_faults(sandbox: SandboxDep) -> Response:
    sandbox.faults.clear()
    return json_response({api: {} for api in NAMES})
