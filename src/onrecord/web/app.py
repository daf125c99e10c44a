"""The FastAPI application of ``onrecord serve``: ``create_app(db_path, ...)``.

Read-only by default: the corpus is opened with ``mode=ro`` and the only route that
takes a body, ``POST /api/analyze``, answers 403 unless ``allow_analyze``. Every
response carries security headers (a Content-Security-Policy without inline script,
``frame-ancestors 'none'``, ``nosniff``, ``no-referrer``); bodies over ``max_body``
bytes are refused with 413; requests whose Host is not allowed (DNS rebinding) with
400; a cross-origin POST with 403. Errors are JSON ``{"error": {"code", "message"}}``,
never a traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import OnrecordError
from .deps import CorpusPool

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "DEFAULT_MAX_BODY",
    "LOCAL_HOSTS",
    "SECURITY_HEADERS",
    "create_app",
    "error_body",
]

logger = logging.getLogger("onrecord.web")

#: Bodies larger than this are refused with 413 (``--max-body``).
DEFAULT_MAX_BODY = 2 * 1024 * 1024
#: The Host names a server bound to the loopback interface answers (DNS rebinding guard).
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "testserver")
STATIC_DIR = Path(__file__).resolve().parent / "static"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)

_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "internal",
    503: "unavailable",
}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def error_body(code: str, message: str) -> dict[str, Any]:
    """The JSON of every error response."""
    return {"error": {"code": code, "message": message}}


class BodyTooLarge(StarletteHTTPException):
    """Raised while reading a body that grows past the limit (a chunked upload)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


class Guard:
    """Pure ASGI middleware: Host and Origin checks, the body cap, security headers, and a
    last-resort JSON 500 (the traceback goes to the log, never to the client)."""

    def __init__(self, app: ASGIApp, *, max_body: int, allowed_hosts: Sequence[str]) -> None:
        self.app = app
        self.max_body = max_body
        self.any_host = "*" in allowed_hosts
        self.allowed_hosts = {h.lower().strip("[]") for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.decode("latin-1").lower() for k, _ in message.get("headers", [])}
                extra = [
                    (k.encode("latin-1"), v.encode("latin-1"))
                    for k, v in SECURITY_HEADERS
                    if k not in present
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        async def refuse(status: int, code: str, message: str) -> None:
            response = JSONResponse(error_body(code, message), status_code=status)
            await response(scope, receive, send_with_headers)

        if not self.any_host and _hostname(headers.get("host", "")) not in self.allowed_hosts:
            await refuse(400, "bad_host", "this server does not answer for that Host")
            return
        method = scope.get("method", "GET")
        if method not in ("GET", "HEAD", "OPTIONS"):
            origin = headers.get("origin")
            if origin is not None and not _same_origin(origin, headers.get("host", "")):
                await refuse(403, "forbidden", "cross-origin requests are refused")
                return
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                await refuse(400, "bad_request", "the Content-Length header is not a number")
                return
            if int(length) > self.max_body:
                await refuse(
                    413, "too_large", f"the request body is larger than {self.max_body} bytes"
                )
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge as exc:
            if not started:
                await refuse(413, "too_large", str(exc.detail))
        except Exception:
            logger.exception("unexpected error on %s %s", method, scope.get("path"))
            if not started:
                await refuse(500, "internal", "internal server error")


def _hostname(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _same_origin(origin: str, host: str) -> bool:
    scheme, _, rest = origin.partition("://")
    return scheme in ("http", "https") and rest.rstrip("/").lower() == host.strip().lower()


def _store_message(exc: OnrecordError, path: str) -> str:
    """The error's message without the server's path to the database."""
    message = exc.message
    for prefix in (f"{path}: ", f"{os.path.basename(path)}: "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message.replace(path, "the database")


def _install_handlers(app: FastAPI, db_path: str) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return JSONResponse(
            error_body(code, message), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors()[:5]:
            where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
            problems.append(f"{where}: {error.get('msg', 'invalid')}" if where else error["msg"])
        return JSONResponse(error_body("invalid", "; ".join(problems)), status_code=422)

    @app.exception_handler(OnrecordError)
    async def onrecord_error(request: Request, exc: OnrecordError) -> JSONResponse:
        status = 503 if "locked" in exc.message or "cannot open" in exc.message else 400
        return JSONResponse(error_body(exc.code, _store_message(exc, db_path)), status_code=status)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse(error_body("internal", "internal server error"), status_code=500)


def create_app(
    db_path: str | os.PathLike[str],
    *,
    allow_analyze: bool = False,
    max_body: int = DEFAULT_MAX_BODY,
    allowed_hosts: Sequence[str] = LOCAL_HOSTS,
    pool_size: int = 8,
    warm_up: bool = True,
) -> FastAPI:
    """The web app on the corpus at ``db_path`` (opened read-only).

    Raises ``StoreError`` when ``db_path`` is not an onrecord database. ``allow_analyze``
    enables ``POST /api/analyze``; ``max_body`` caps request bodies (bytes);
    ``allowed_hosts``: the Host names answered (``("*",)`` for any); ``warm_up``: work
    out the costlier answers in a background thread once the app has started, and
    again after the corpus changes (``web/warm.py``; ``app.state.warmer``).
    """
    from .api import ERROR_RESPONSES
    from .api import router as api_router
    from .warm import Warmer

    pool = CorpusPool(db_path, size=pool_size)
    warmer = Warmer(pool) if warm_up else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warmer is not None:
            warmer.start()
        yield
        if warmer is not None:
            warmer.stop()
        pool.close()

    from .. import __version__

    app = FastAPI(
        title="onrecord",
        version=__version__,
        summary="Who said what, on the record: a corpus of source-attributed news records.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        responses=ERROR_RESPONSES,
        lifespan=lifespan,
    )
    app.state.pool = pool
    app.state.warmer = warmer
    app.state.corpus_path = pool.path
    app.state.allow_analyze = allow_analyze
    app.state.max_body = max_body
    _install_handlers(app, pool.path)
    app.include_router(api_router)
    if importlib.util.find_spec(f"{__package__}.pages") is not None:
        pages = importlib.import_module(f"{__package__}.pages")
        app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    app.add_middleware(Guard, max_body=max_body, allowed_hosts=tuple(allowed_hosts))
    return app
