"""An HTTP ingest body, checked whole before anything is stored.

The body is streamed from the client, decompressed as it arrives (`Content-Encoding: gzip`) and
spooled (memory up to a few MiB, then a temporary file), counting both the received and the
decompressed bytes against `max_body_bytes`. Only a body that is complete, within the limit and
valid gzip is handed to the ingest, so a rejected request writes nothing. Decompression is
bounded per step, so a gzip bomb never inflates more than one step past the limit.
"""

from __future__ import annotations

import hashlib
import tempfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO, cast

from starlette.requests import Request

from services.core.errors import Invalid, PayloadTooLarge, UnsupportedMediaType

MEDIA_TYPES = {
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
    "application/x-jsonlines",
    "application/json",
    "text/plain",
}
ENCODINGS = {"", "identity", "gzip", "x-gzip"}
SPOOL_MEMORY = 8 << 20
INFLATE_STEP = 1 << 20


def check_headers(request: Request, max_bytes: int) -> bool:
    """Validate content type, encoding and declared length; return whether the body is gzip."""
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type and media_type not in MEDIA_TYPES:
        raise UnsupportedMediaType(
            f"Content-Type {content_type!r} is not NDJSON; send application/x-ndjson "
            "(application/json or text/plain with one EVE event per line also work)"
        )
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding not in ENCODINGS:
        raise UnsupportedMediaType(
            f"Content-Encoding {encoding!r} is not supported; send the body plain or gzip"
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(_too_large(int(declared), max_bytes, "body"))
    return encoding in ("gzip", "x-gzip")


def _too_large(size: int, max_bytes: int, what: str) -> str:
    return (
        f"the {what} is {size if size else 'over'} bytes; the limit is {max_bytes} "
        "(SIGHTLINE_MAX_BODY_BYTES): split it into several requests"
    )


@dataclass(frozen=True)
class Body:
    """A whole (decompressed) request body, positioned at 0."""

    stream: BinaryIO
    size: int
    sha256: str  # hex digest of the decompressed bytes


class _Spool:
    def __init__(self, max_bytes: int) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115
        self.max_bytes = max_bytes
        self.size = 0
        self.digest = hashlib.sha256()

    def write(self, data: bytes, what: str) -> None:
        self.size += len(data)
        if self.size > self.max_bytes:
            self.file.close()
            raise PayloadTooLarge(_too_large(0, self.max_bytes, what))
        self.file.write(data)
        self.digest.update(data)


async def spool(request: Request, max_bytes: int) -> Body:
    """The whole (decompressed) body; errors before any write."""
    gzipped = check_headers(request, max_bytes)
    out = _Spool(max_bytes)
    received = 0
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes:
                raise PayloadTooLarge(_too_large(0, max_bytes, "body"))
            if inflater is None:
                out.write(chunk, "body")
            else:
                inflater = _inflate(inflater, chunk, out)
        if inflater is not None:
            out.write(inflater.flush(), "decompressed body")
            _finish_gzip(inflater, received)
    except zlib.error as exc:
        out.file.close()
        raise Invalid(f"the body is not valid gzip (Content-Encoding: gzip): {exc}") from None
    except BaseException:
        out.file.close()
        raise
    if out.size == 0:
        out.file.close()
        raise Invalid("the body is empty; send EVE events as NDJSON, one JSON object per line")
    out.file.seek(0)
    return Body(cast(BinaryIO, out.file), out.size, out.digest.hexdigest())


def _inflate(inflater: zlib._Decompress, chunk: bytes, out: _Spool) -> zlib._Decompress:
    data = chunk
    while data:
        out.write(inflater.decompress(data, INFLATE_STEP), "decompressed body")
        data = inflater.unconsumed_tail
        if inflater.eof and inflater.unused_data:
            # concatenated gzip members are one gzip stream
            data = inflater.unused_data
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return inflater


def _finish_gzip(inflater: zlib._Decompress, received: int) -> None:
    if received == 0:
        return
    if not inflater.eof:
        raise Invalid("the gzip body is truncated (the stream ends before the gzip trailer)")
