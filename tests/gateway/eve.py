"""Recent EVE events for gateway tests, and the GraphQL mutation that ingests them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson

CLIENT = "10.20.30.40"
INGEST = """mutation($ndjson: String!) {
  ingestEvents(ndjson: $ndjson) {
    __typename
    ... on IngestResult { accepted rejected errors { line reason } }
    ... on ValidationError { message }
  }
}"""


def dns_events(count: int) -> str:
    start = datetime.now(UTC) - timedelta(minutes=30)
    lines = []
    for index in range(count):
        ts = (start + timedelta(seconds=index)).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")
        event = {
            "timestamp": ts,
            "flow_id": 1000 + index,
            "event_type": "dns",
            "src_ip": CLIENT,
            "src_port": 50000 + index,
            "dest_ip": "8.8.8.8",
            "dest_port": 53,
            "proto": "UDP",
            "host": "sensor-1",
            "dns": {
                "type": "query",
                "id": index,
                "rrname": f"host{index}.example.com",
                "rrtype": "A",
            },
        }
        lines.append(orjson.dumps(event).decode())
    return "\n".join(lines) + "\n"
