"""Auth of each API, as router dependencies: Basic then JWT for the custom API, keys for the others."""

from __future__ import annotations

import base64
import binascii
import hmac

from fastapi import Request

from contacts_sandbox.responses import ApiError
from contacts_sandbox.state import sandbox_from

EXPIRED = "token expired"


def _credentials(request: Request, scheme: str) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    given_scheme, _, value = header.partition(" ")
    if given_scheme.lower() != scheme.lower() or not value.strip():
        return None
    return value.strip()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


async def require_basic_client(request: Request) -> str:
    sandbox = sandbox_from(request)
    encoded = _credentials(request, "Basic")
    unauthorized = ApiError(
        "custom", 401, "invalid client credentials", {"WWW-Authenticate": 'Basic realm="custom"'}
    )
    if encoded is None:
        raise unauthorized
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise unauthorized from None
    settings = sandbox.settings
    if not (_same(user, settings.custom_client_id) and _same(password, settings.custom_client_secret)):
        raise unauthorized
    return user


async def require_custom_token(request: Request) -> None:
    sandbox = sandbox_from(request)
    token = _credentials(request, "Bearer")
    if token is not None and sandbox.faults.revokes_tokens_now():
        sandbox.tokens.revoke_all()
    problem = "missing bearer token" if token is None else sandbox.tokens.check(token)
    if problem == EXPIRED and sandbox.readings.custom.expired_status == "403":
        raise ApiError("custom", 403, problem)
    if problem is not None:
        raise ApiError("custom", 401, problem, {"WWW-Authenticate": "Bearer"})


async def require_company_key(request: Request) -> str:
    sandbox = sandbox_from(request)
    """The company the API key belongs to: every read is scoped to it."""
    key = _credentials(request, "Bearer")
    if key is None or key not in sandbox.settings.company_keys:
        raise ApiError("company", 401, "missing or invalid API key", {"WWW-Authenticate": "Bearer"})
    return key


async def require_crm_key(request: Request) -> None:
    sandbox = sandbox_from(request)
    key = request.headers.get("x-api-key")
    if key is None or not _same(key, sandbox.settings.crm_key):
        raise ApiError("crm", 401, "missing or invalid x-api-key")


async def require_client_contacts_key(request: Request) -> None:
    sandbox = sandbox_from(request)
    key = _credentials(request, "Bearer")
    if key is None or not _same(key, sandbox.settings.client_contacts_key):
        raise ApiError("client_contacts", 401, "missing or invalid API key", {"WWW-Authenticate": "Bearer"})


async def require_loopback(request: Request) -> None:
    sandbox = sandbox_from(request)
    host = request.client.host if request.client else None
    if host not in sandbox.settings.admin_hosts:
        raise ApiError(None, 403, "the admin endpoints answer loopback clients only")
