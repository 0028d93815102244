"""The sandbox application: four APIs and the admin endpoints, on one FastAPI app per server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp

from contacts_sandbox.apis import api_of
from contacts_sandbox.middleware import FaultsAndStatsMiddleware
from contacts_sandbox.refusals import refusal
from contacts_sandbox.responses import ApiError, error_body, json_response
from contacts_sandbox.routers import admin, client_contacts, company_contacts, crm, custom_contacts
from contacts_sandbox.settings import Settings
from contacts_sandbox.state import Sandbox, sandbox_from


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    body = error_body(error.api, error.message)
    return refusal(sandbox_from(request), error.api, error.status_code, body, error.headers)


async def _http_error(request: Request, error: Exception) -> Response:
    # 404 and 405 from routing, in the error shape of the API the path belongs to.
    assert isinstance(error, HTTPException)
    return json_response(
        error_body(api_of(request.url.path), str(error.detail)), error.status_code, error.headers
    )


async def _invalid_request(request: Request, error: Exception) -> Response:
    # The APIs answer 400 (not FastAPI's 422) and name the parameter.
    assert isinstance(error, RequestValidationError)
    problems = []
    for problem in error.errors():
        location = ".".join(str(part) for part in problem.get("loc", ())[1:]) or "body"
        problems.append(f"{location}: {problem.get('msg', 'invalid')}")
    api = api_of(request.url.path)
    return refusal(sandbox_from(request), api, 400, error_body(api, "; ".join(problems)))


class SandboxApp(FastAPI):
    """FastAPI with the faults and counters outermost, even outside Starlette's error middleware.

    There they see every answer (500s included) and get the server's own `send`, which a dropped
    connection needs (see middleware.drop_connection).
    """

    def build_middleware_stack(self) -> ASGIApp:
        return FaultsAndStatsMiddleware(super().build_middleware_stack(), self.state.sandbox)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    sandbox = Sandbox(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        sandbox.close()

    app = SandboxApp(
        title="contacts-sandbox",
        version="0.1.0",
        description="Local implementations of the Custom Contact Source, Company Contacts, CRM and "
        "Client Contacts APIs, with admin endpoints to reset, churn, inspect and inject faults.",
        lifespan=lifespan,
    )
    app.state.sandbox = sandbox
    for router in (
        custom_contacts.token_router,
        custom_contacts.data_router,
        company_contacts.router,
        crm.router,
        client_contacts.router,
        admin.router,
    ):
        app.include_router(router)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    return app
