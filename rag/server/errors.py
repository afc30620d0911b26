"""Errors in OpenAI's shape ``{"error": {"message", "type", "param", "code"}}``.

Validation errors are 400 (not FastAPI's 422); anything unexpected is a 500 whose body says
only that: the traceback goes to the server log, never to the client.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("rag.server")

# As OpenAI sends them: every 4xx is an invalid_request_error (the code says which).
_TYPES = {429: "rate_limit_error"}
ROUTES = (
    "This server answers GET /v1/models, POST /v1/chat/completions, "
    "GET|POST /v1/documents and DELETE /v1/documents/{id}."
)
WHOLE_BODY = "The request body must be a JSON object, sent with 'Content-Type: application/json'."


class APIError(Exception):
    """An error the client should see, with its status code."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        type: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.type = type or _TYPES.get(
            status, "server_error" if status >= 500 else "invalid_request_error"
        )


def error_body(
    message: str, type: str, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def error_response(e: APIError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        error_body(e.message, e.type, e.code, e.param), status_code=e.status, headers=headers
    )


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    errors = exc.errors()
    if not errors:
        return "Invalid request.", None
    first = errors[0]
    if first.get("type") == "json_invalid":
        return "We could not parse the JSON body of your request.", None
    if tuple(first.get("loc", ())) == ("body",):
        # The body as a whole (empty, an array, or sent as text/plain or a form): pydantic's
        # "Input should be a valid dictionary..." or "Field required" does not say what to fix.
        return WHOLE_BODY, None
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "header")]
    param = ".".join(loc) or None
    msg = str(first.get("msg", "invalid value"))
    return (f"{param}: {msg}" if param else msg), param


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, APIError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return error_response(exc, headers)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    message, param = _validation_message(exc)
    return error_response(APIError(400, message, param=param, code="invalid_value"))


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 413: "request_too_large"}.get(
        exc.status_code
    )
    detail = exc.detail if isinstance(exc.detail, str) else "Request failed."
    where = f"{request.method} {request.url.path[:200]}"
    if exc.status_code == 404 and detail == "Not Found":  # no route: say which ones there are
        detail = f"Invalid URL ({where}). {ROUTES}"
    elif exc.status_code == 405:
        detail = f"Method not allowed ({where}). {ROUTES}"
    headers = dict(exc.headers) if exc.headers else None
    return error_response(APIError(exc.status_code, detail, code=code), headers)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error(
        "unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path, exc_info=exc
    )
    return error_response(
        APIError(500, "The server had an error while processing your request.", type="server_error")
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(APIError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)
