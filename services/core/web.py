"""HTTP plumbing shared by every service: JSON responses, body and query parsing, time ranges.

Parsing failures become `Invalid` errors that say which parameter or body field is wrong.
"""

from __future__ import annotations

import base64
import ipaddress
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

import orjson
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from services.core.errors import Invalid, PayloadTooLarge, UnsupportedMediaType

M = TypeVar("M", bound=BaseModel)

DEFAULT_RANGE = timedelta(hours=24)
MAX_JSON_BODY = 4 * 1024 * 1024


def _default(value: Any) -> Any:
    if isinstance(value, ipaddress.IPv6Address):
        return str(value.ipv4_mapped or value)
    if isinstance(value, ipaddress.IPv4Address | UUID):
        return str(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, default=_default, option=orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC)


class JSON(Response):
    """A JSON response rendered with orjson (datetimes as UTC ISO 8601, IPs as text)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


async def read_model(request: Request, model: type[M]) -> M:
    """Parse and validate a JSON body; errors name the field (`threat.name: field required`)."""
    content_type = request.headers.get("content-type", "")
    if content_type and "json" not in content_type:
        raise UnsupportedMediaType(f"expected a JSON body (application/json), got {content_type}")
    body = await request.body()
    if len(body) > MAX_JSON_BODY:
        raise PayloadTooLarge(f"JSON body is {len(body)} bytes; the limit is {MAX_JSON_BODY}")
    try:
        data = orjson.loads(body or b"null")
    except orjson.JSONDecodeError as exc:
        raise Invalid(f"request body is not valid JSON: {exc}") from None
    return validate(model, data)


def validate(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            {"field": ".".join(str(p) for p in err["loc"]) or "(body)", "message": err["msg"]}
            for err in exc.errors()
        ]
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        raise Invalid(f"invalid request body — {summary}", details=problems) from None


def parse_datetime(value: str, name: str) -> datetime:
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            f"parameter {name!r}: {value!r} is not an ISO 8601 date-time "
            "(e.g. 2026-11-30T12:00:00Z)"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def time_range(
    request: Request, default: timedelta = DEFAULT_RANGE, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """`from` and `to` query parameters (ISO 8601), defaulting to the last 24 hours."""
    params = request.query_params
    end = parse_datetime(params["to"], "to") if params.get("to") else (now or datetime.now(UTC))
    start = parse_datetime(params["from"], "from") if params.get("from") else end - default
    if start > end:
        raise Invalid(f"parameter 'from' ({start.isoformat()}) is after 'to' ({end.isoformat()})")
    return start, end


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(f"parameter {name!r}: {raw!r} is not an integer") from None
    if not low <= value <= high:
        raise Invalid(f"parameter {name!r}: {value} is outside {low}..{high}")
    return value


def encode_cursor(values: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(dumps(values)).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = orjson.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, orjson.JSONDecodeError):
        raise Invalid(f"parameter 'cursor': {cursor!r} is not a cursor this API issued") from None
    if not isinstance(data, dict):
        raise Invalid(f"parameter 'cursor': {cursor!r} is not a cursor this API issued")
    return data
