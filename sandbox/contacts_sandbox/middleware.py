"""Counts every request of the four APIs and applies their faults before any route runs."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contacts_sandbox.apis import api_of
from contacts_sandbox.faults import Verdict
from contacts_sandbox.responses import error_body
from contacts_sandbox.state import Sandbox
from contacts_sandbox.stats import route_key


async def _answer(send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]) -> None:
    content = orjson.dumps(body)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})


async def drop_connection(send: Send) -> None:
    """Closes the client's connection without a byte of answer.

    ASGI has no message for this, so it reaches the server's transport through the `send` callable,
    a bound method of uvicorn's request cycle. The server then sees the connection lost and sends
    nothing more. Under a server without a transport (an in-process test client) it raises instead.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionAbortedError("connection dropped by fault injection")
    transport.close()
    # Let the loop run connection_lost, so the server knows not to answer the request itself.
    for _ in range(10):
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0)


class FaultsAndStatsMiddleware:
    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        api = api_of(scope["path"]) if scope["type"] == "http" else None
        if api is None:
            await self.app(scope, receive, send)
            return
        self.sandbox.stats.arrived(api)
        faults = self.sandbox.faults
        latency = faults.latency_seconds(api)
        if latency:
            await asyncio.sleep(latency)

        status: int | str = 500
        verdict = faults.verdict(api)
        if verdict == Verdict.DROP:
            status = "dropped"
            await drop_connection(send)
        elif verdict == Verdict.RATE_LIMITED:
            status = 429
            await _answer(
                send,
                429,
                error_body(api, "rate limit exceeded"),
                [(b"retry-after", faults.retry_after(api).encode())],
            )
        elif verdict == Verdict.ERROR:
            status = 503
            await _answer(send, 503, error_body(api, "service unavailable (injected fault)"), [])
        else:

            async def send_and_note_status(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            try:
                await self.app(scope, receive, send_and_note_status)
            finally:
                route = scope.get("route")
                template = getattr(route, "path", None)
                self.sandbox.stats.record(api, route_key(scope["method"], scope["path"], template), status)
            return
        self.sandbox.stats.record(api, route_key(scope["method"], scope["path"], None), status)
