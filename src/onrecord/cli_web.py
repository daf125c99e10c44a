"""The ``serve`` command: the web UI and REST API. ``register(app)`` adds it to the ``onrecord`` app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["LOOPBACK", "register", "serve"]

#: Addresses that only this machine can reach; binding anything else prints a warning.
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(
    db: Annotated[
        Path,
        typer.Option("--db", envvar="ONRECORD_DB", help="The corpus database (made by ingest)."),
    ] = Path("onrecord.db"),
    host: Annotated[
        str,
        typer.Option(help="Address to listen on. Only this machine can reach 127.0.0.1."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8765,
    allow_analyze: Annotated[
        bool,
        typer.Option(
            "--allow-analyze",
            help="Enable POST /api/analyze and the analyse page (runs the pipeline on uploads).",
        ),
    ] = False,
    max_body: Annotated[
        int, typer.Option(min=1, help="Largest request body accepted, in bytes (else 413).")
    ] = 2 * 1024 * 1024,
) -> None:
    """Serve the corpus as web pages and a REST API (read-only), at http://127.0.0.1:8765.

    The database is opened read-only; an `onrecord ingest` may run meanwhile. The API is
    described at /openapi.json; see docs/WEB.md.
    """
    from .errors import OnrecordError
    from .web.app import LOCAL_HOSTS, create_app

    loopback = host in LOOPBACK
    try:
        app = create_app(
            db,
            allow_analyze=allow_analyze,
            max_body=max_body,
            allowed_hosts=LOCAL_HOSTS if loopback else ("*",),
        )
    except OnrecordError as exc:
        typer.echo(f"onrecord: error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    if not loopback:
        typer.echo(
            f"onrecord: warning: listening on {host}, not 127.0.0.1: other machines can reach "
            "this server (there is no authentication)",
            err=True,
        )
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"onrecord: serving {db} at http://{shown}:{port}/ (Ctrl-C to stop)", err=True)
    _run(app, host=host, port=port)


def _run(app: Any, *, host: str, port: int) -> None:
    """Run uvicorn (one place, so tests can stand in for it)."""
    import uvicorn

    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        server_header=False,
        proxy_headers=False,
        access_log=False,
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("serve")(serve)
