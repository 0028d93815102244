"""`contacts-sandbox`: serve the four APIs from one process on one port."""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys

import uvicorn
import uvloop

from contacts_sandbox.app import create_app
from contacts_sandbox.readings import PRESETS, UnknownReadingError, parse_assignment
from contacts_sandbox.settings import Settings


def parse_args(argv: list[str] | None = None) -> tuple[Settings, str]:
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="contacts-sandbox", description=__doc__)
    parser.add_argument("--host", default=defaults.host, help="address to bind")
    parser.add_argument("--port", type=int, default=defaults.port, help="port to bind; 0 picks a free one")
    parser.add_argument("--db", default=defaults.db, help="SQLite file, or :memory:")
    parser.add_argument("--contacts", type=int, default=defaults.contacts, help="contacts seeded per source")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="seed of the data and of the faults")
    parser.add_argument(
        "--token-ttl", type=int, default=defaults.token_ttl, help="JWT time to live, in seconds"
    )
    parser.add_argument(
        "--profile",
        choices=PRESETS,
        default=defaults.profile,
        help="the preset every API starts under: lenient (every documented form, helpful extras), "
        "strict (only what each document shows), examples (each open point read as the documents' "
        "examples show it); see the README",
    )
    parser.add_argument(
        "--reading",
        action="append",
        default=[],
        metavar="API.POINT=VALUE",
        help="one reading over the preset, e.g. crm.search_in=body; repeat for several",
    )
    parser.add_argument("--log-level", default="warning", help="uvicorn log level")
    args = parser.parse_args(argv)
    readings = {}
    for assignment in args.reading:
        try:
            key, value = parse_assignment(assignment)
        except UnknownReadingError as error:
            parser.error(f"--reading {assignment}: {error}")
        readings[key] = value
    return Settings(
        host=args.host,
        port=args.port,
        db=args.db,
        contacts=args.contacts,
        seed=args.seed,
        token_ttl=args.token_ttl,
        profile=args.profile,
        readings=readings,
    ), args.log_level


def serve(settings: Settings, log_level: str = "warning") -> None:
    # Bind first, so that --port 0 can report the port it got before serving.
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.host, settings.port))
    port = sock.getsockname()[1]
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        loop="uvloop",
        http="httptools",
        log_level=log_level,
        access_log=False,
        lifespan="on",
        backlog=2048,
        proxy_headers=False,
        server_header=False,
        # A late create sleeps past its client's timeout: do not let one hold up a shutdown for long.
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)

    async def run() -> None:
        started = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not started.done():
            await asyncio.sleep(0.01)
        if server.started:
            print(f"contacts-sandbox listening on http://{settings.host}:{port}", flush=True)
        await started

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run())


def main(argv: list[str] | None = None) -> None:
    settings, log_level = parse_args(argv)
    try:
        serve(settings, log_level)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
