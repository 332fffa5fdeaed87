"""The one error hierarchy of Sightline, and the handler that renders it.

Every error a client can cause is a `SightlineError` with an HTTP status, a stable code, a
message that says what and where, and optional details. Apps render them as
`{"error": {"code": ..., "message": ..., "details": ...}}`.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class SightlineError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class Invalid(SightlineError):
    status = 400
    code = "invalid"


class Unauthorized(SightlineError):
    status = 401
    code = "unauthorized"


class Forbidden(SightlineError):
    status = 403
    code = "forbidden"


class NotFound(SightlineError):
    status = 404
    code = "not_found"


class Conflict(SightlineError):
    status = 409
    code = "conflict"


class PayloadTooLarge(SightlineError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(SightlineError):
    status = 415
    code = "unsupported_media_type"


class Unavailable(SightlineError):
    status = 503
    code = "unavailable"


def sightline_error_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SightlineError)
    headers = {"WWW-Authenticate": "Token"} if isinstance(exc, Unauthorized) else None
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


def http_error_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    body = {"error": {"code": "http_error", "message": str(exc.detail)}}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


EXCEPTION_HANDLERS = {
    SightlineError: sightline_error_response,
    HTTPException: http_error_response,
}
