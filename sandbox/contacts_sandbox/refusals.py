"""How an API refuses a request, under the readings in force.

`crm.refusal`: invalid content is a 400 (what the sandbox names), a 422 (a framework's validation
status), or a 500 whose body says nothing useful, as a server whose validation error goes
unhandled answers. `client_contacts.errors`: a refusal carries its 4xx status, or comes as a 200
whose body says `success: false`, as some APIs answer every handled error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import PlainTextResponse, Response

from contacts_sandbox.responses import json_response
from contacts_sandbox.state import Sandbox

UNHANDLED = "Internal Server Error"


def refusal(
    sandbox: Sandbox, api: str | None, status_code: int, body: Any, headers: Mapping[str, str] | None = None
) -> Response:
    if api == "crm" and status_code == 400:
        reading = sandbox.readings.crm.refusal
        if reading == "500":
            return PlainTextResponse(UNHANDLED, 500)
        return json_response(body, int(reading), headers)
    success_false = api == "client_contacts" and sandbox.readings.client_contacts.errors == "success_false"
    if success_false and status_code in (400, 404):
        return json_response(body, 200, headers)
    return json_response(body, status_code, headers)
