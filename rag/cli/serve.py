"""``python -m rag serve --host 127.0.0.1 --port 8000``: the OpenAI-compatible HTTP API
(rag/server) on uvicorn.

Bearer tokens come from ``RAG_API_KEYS`` (comma-separated). Without them the server starts
only on a loopback host (with a warning), or anywhere with ``--insecure-no-auth``.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
from typing import Any

from rag.cli.output import epilog
from rag.settings import Settings, load_settings

log = logging.getLogger("rag.cli")


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def auth_problem(settings: Settings, host: str, insecure: bool) -> str | None:
    """Why the server must not start (None: it may), warning when it runs without tokens."""
    if settings.server_api_keys:
        return None
    if is_loopback(host):
        log.warning("RAG_API_KEYS is not set: the API on %s accepts every request", host)
        return None
    if insecure:
        log.warning("--insecure-no-auth: the API on %s accepts every request from anyone", host)
        return None
    return (
        f"refusing to serve on {host} without RAG_API_KEYS (set bearer tokens, bind "
        "127.0.0.1, or pass --insecure-no-auth)"
    )


def cmd_serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    problem = auth_problem(settings, args.host, args.insecure_no_auth)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    import uvicorn

    from rag.engine import Engine
    from rag.server import create_app

    engine = Engine(settings)
    engine.ensure_demo()
    app = create_app(settings, engine)
    auth = (
        f"{len(settings.server_api_keys)} bearer token(s)" if settings.server_api_keys else "none"
    )
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"serving http://{shown}:{args.port}/v1 (auth: {auth})", file=sys.stderr, flush=True)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=["warning", "info", "debug"][min(2, args.verbose)],
        proxy_headers=False,
        server_header=False,
    )
    return 0


def add_parsers(sub: Any) -> None:
    help = "serve the OpenAI-compatible HTTP API (chat completions, models, documents)"
    sp = sub.add_parser(
        "serve",
        help=help,
        description=help,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=epilog(
            """python -m rag serve --port 8000               # http://127.0.0.1:8000/v1
            RAG_API_KEYS=secret python -m rag serve --host 0.0.0.0
            It has no --json: it prints one line (the address) on stderr and serves."""
        ),
    )
    sp.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    sp.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    sp.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="allow a non-loopback host without RAG_API_KEYS (anyone can use the API)",
    )
    sp.set_defaults(func=cmd_serve, json=False)
