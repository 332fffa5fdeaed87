"""EVE lines for the ingest I/O tests, stamped near now (events past the retention TTL would be
dropped by the engine)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def dns_line(index: int, sensor: str = "sensor-a", event_type: str = "dns") -> bytes:
    ts = NOW + timedelta(milliseconds=index)
    event = {
        "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S.%f+0000"),
        "event_type": event_type,
        "host": sensor,
        "src_ip": "10.0.0.5",
        "src_port": 53000 + index % 1000,
        "dest_ip": "8.8.8.8",
        "dest_port": 53,
        "proto": "UDP",
        "dns": {"type": "query", "id": index % 65536, "rrname": "www.example.com", "rrtype": "A"},
    }
    return orjson.dumps(event)


def stats_line(sensor: str = "sensor-a", uptime: int = 100, drops: int = 5) -> bytes:
    event = {
        "timestamp": NOW.strftime("%Y-%m-%dT%H:%M:%S.%f+0000"),
        "event_type": "stats",
        "host": sensor,
        "stats": {
            "uptime": uptime,
            "capture": {"kernel_packets": 1000, "kernel_drops": drops},
            "decoder": {"pkts": 1000, "bytes": 64000},
            "flow": {"memuse": 1},
        },
    }
    return orjson.dumps(event)


def ndjson(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in lines)


def write_lines(path: Path, count: int, start: int = 0) -> Path:
    with path.open("ab") as handle:
        for index in range(start, start + count):
            handle.write(dns_line(index) + b"\n")
    return path
