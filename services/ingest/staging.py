"""One batch of lines staged in the engine, parsed there, enriched and stored.

The engine parses the JSON (`extraction.py`): Python only frames the lines, answers the
enrichment lookups for the batch's *distinct* names and IPs, and words the reasons of refused
lines. Per batch, in per-batch in-memory tables that are dropped at the end:

1. `lines`: the raw lines with their line numbers and byte offsets (one Arrow insert);
2. `parsed`: every line parsed once (`extraction.COLUMNS`, `ACCEPTED`, the lookup keys);
3. `names` and `ips`: the domain breakdowns and network placements of the batch's distinct
   names, referers and IP strings, computed in Python (cached) and read with `joinGet`;
4. the inserts into `events`, `sensor_stats` (Suricata `stats` events: sensor health) and the
   reads of what Python needs back: refused lines, counts per (sensor, event type).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import pyarrow as pa

from services.core import clickhouse
from services.core.clickhouse import Client
from services.ingest import domains, extraction, writer
from services.ingest.networks import NetworkMap

STATS = "stats"

# The staged lines are kept in blocks of `writer.BLOCK_ROWS` rows, as they arrive: squashing
# them into one block (the default for inserts) cost ~150 ms per 50,000 lines, and in blocks of
# 65,536 rows (the Arrow reader's default) the JSON parse of a batch ran on one core. In blocks
# of 8,192 it runs on both: the load of 50,000 lines 210 -> 131 ms (docs/PERFORMANCE.md).
STAGE_SETTINGS = {
    "min_insert_block_size_rows": 0,
    "min_insert_block_size_bytes": 0,
    "max_block_size": writer.BLOCK_ROWS,
}
# the later steps read a staged batch on as many threads as it has blocks, up to the cores
PARALLEL = {"max_threads": 0, "max_insert_threads": 2}

_HOSTNAME_INFO = (
    "host",
    "subdomain",
    "domain",
    "domain_private",
    "tld",
    "domain_without_tld",
)
_REFER_INFO = ("host", "subdomain", "domain", "tld", "domain_without_tld")


class StagedBatch:
    """The per-batch tables of one batch (`stage()` creates them, `drop()` drops them)."""

    def __init__(self, ch: Client, batch_id: UUID) -> None:
        self.ch = ch
        suffix = batch_id.hex
        self.lines = f"ingest_lines_{suffix}"
        self.parsed = f"ingest_parsed_{suffix}"
        self.names = f"ingest_names_{suffix}"
        self.ips = f"ingest_ips_{suffix}"

    def sql(self, template: str) -> str:
        """A statement template with this batch's table names filled in."""
        return (
            template.replace("__LINES__", self.lines)
            .replace("__PARSED__", self.parsed)
            .replace("__NAMES__", self.names)
            .replace("__IPS__", self.ips)
        )

    def load(self, raws: Sequence[bytes], offsets: Sequence[int], numbers: Sequence[int]) -> None:
        """Stage the raw lines and parse them (one JSON parse per line, in the engine)."""
        table = pa.table(
            {
                "line_no": pa.array(numbers, pa.uint64()),
                "source_offset": pa.array(offsets, pa.uint64()),
                "raw": writer.binary_array(raws),
            }
        )
        writer.insert_arrow(self.ch, self.lines, table, STAGE_SETTINGS)

    def parse(self, max_line_bytes: int) -> None:
        """Compute the events columns of every staged line; the lines table is freed after."""
        self.ch.command(
            self.sql(CREATE_PARSED),
            parameters={"max_line_bytes": max_line_bytes},
            settings=PARALLEL,
        )
        self.ch.command(self.sql(DROP_LINES))

    def enrich(self, networks: NetworkMap) -> None:
        """Answer the batch's lookups: domain breakdowns and network placements."""
        names, refers, ips = self.ch.query(self.sql(LOOKUPS)).result_rows[0]
        writer.insert_arrow(self.ch, self.names, name_table(names, refers))
        writer.insert_arrow(self.ch, self.ips, ip_table(ips, networks))

    def store(self, constants: dict[str, str]) -> None:
        """Insert the accepted events and sensor stats of the batch."""
        self.ch.command(
            self.sql(STORE_EVENTS),
            parameters=constants,
            settings=writer.INSERT_SETTINGS | PARALLEL,
        )
        self.ch.command(
            self.sql(STORE_STATS), parameters=constants, settings=writer.INSERT_SETTINGS
        )

    def refused(self) -> list[tuple[int, int, bytes]]:
        """(line number, byte offset, raw bytes) of the lines not accepted, in order."""
        rows = self.ch.query(
            self.sql(REFUSED),
            column_formats={"raw": "bytes"},
        ).result_rows
        return [(int(n), int(o), bytes(r)) for n, o, r in rows]

    def spans(self) -> list[tuple[str, str, int, Any, Any]]:
        """(sensor, event type, accepted, first ts, last ts) of the accepted lines."""
        return [
            (str(s), str(t), int(n), low, high)
            for s, t, n, low, high in self.ch.query(self.sql(SPANS)).result_rows
        ]

    def create(self) -> None:
        for statement in (CREATE_LINES, CREATE_NAMES, CREATE_IPS):
            self.ch.command(self.sql(statement))

    def drop(self) -> None:
        """Drop the batch's tables and give the engine's freed memory back."""
        for statement in DROP_ALL:
            self.ch.command(self.sql(statement))
        clickhouse.release_memory(self.ch)


def stage(ch: Client, batch_id: UUID) -> StagedBatch:
    """The per-batch tables of `batch_id`, created; the caller drops them (`StagedBatch.drop`)
    whatever happens."""
    batch = StagedBatch(ch, batch_id)
    try:
        batch.create()
    except BaseException:
        batch.drop()
        raise
    return batch


def name_table(names: Sequence[str], refers: Sequence[str]) -> pa.Table:
    """The domain breakdown of each name, and of each referer URL's host."""
    keys = list(dict.fromkeys([*names, *refers]))
    infos = [domains.hostname_info(key) for key in keys]
    refer_infos = [domains.hostname_info(domains.url_host(key)) for key in keys]
    return pa.table(
        {
            "key": keys,
            "name": [_fields(info, _HOSTNAME_INFO) | {"is_ip": info.is_ip} for info in infos],
            "refer": [_fields(info, _REFER_INFO) for info in refer_infos],
        }
    )


def _fields(info: domains.HostnameInfo, fields: Sequence[str]) -> dict[str, Any]:
    return {field: getattr(info, field) for field in fields}


def ip_table(ips: Sequence[str], networks: NetworkMap) -> pa.Table:
    """The canonical text and named network of each distinct IP string."""
    places = [networks.lookup(ip) for ip in ips]
    return pa.table(
        {
            "key": list(ips),
            "place": [
                {"ip": p.ip, "net": p.net, "department": p.department, "internal": p.internal}
                for p in places
            ],
        }
    )


def _select_list(expressions: dict[str, str]) -> str:
    return ",\n    ".join(f"{sql} AS {name}" for name, sql in expressions.items())


PARSE_SELECT = (
    "WITH\n    "
    + _select_list(extraction.ALIASES)
    + "\nSELECT\n    line_no, source_offset, raw,\n    "
    + _select_list(extraction.COLUMNS)
    + ",\n    "
    + _select_list(extraction.LOOKUP_KEYS)
    + f",\n    {extraction.ACCEPTED} AS accepted\nFROM __LINES__"
)

REFUSED = "SELECT line_no, source_offset, raw FROM __PARSED__ WHERE NOT accepted ORDER BY line_no"
SPANS = """
    SELECT sensor, event_type, count(), min(ts), max(ts) FROM __PARSED__
    WHERE accepted GROUP BY sensor, event_type ORDER BY sensor, event_type
"""
LOOKUPS = """
    SELECT groupUniqArrayIf(name, name != ''),
           groupUniqArrayIf(http_refer, http_refer != ''),
           groupUniqArrayArray([src_text, dest_text])
    FROM __PARSED__ WHERE accepted
"""

NAME_INFO = "Tuple(" + ", ".join(f"{f} String" for f in _HOSTNAME_INFO) + ", is_ip Bool)"
REFER_INFO = "Tuple(" + ", ".join(f"{f} String" for f in _REFER_INFO) + ")"
PLACE = "Tuple(ip String, net String, department String, internal Bool)"

# The per-batch tables (`StagedBatch.sql` fills in their names; nothing else is interpolated).
CREATE_LINES = "CREATE TABLE __LINES__ (" + extraction.LINE_COLUMNS + ") ENGINE = Memory"
CREATE_PARSED = "CREATE TABLE __PARSED__ ENGINE = Memory AS " + PARSE_SELECT
CREATE_NAMES = (
    "CREATE TABLE __NAMES__ (key String, name " + NAME_INFO + ", refer " + REFER_INFO + ")"
    " ENGINE = Join(ANY, LEFT, key)"
)
CREATE_IPS = "CREATE TABLE __IPS__ (key String, place " + PLACE + ") ENGINE = Join(ANY, LEFT, key)"
DROP_LINES = "DROP TABLE IF EXISTS __LINES__"
DROP_ALL = tuple(
    "DROP TABLE IF EXISTS " + table for table in ("__LINES__", "__PARSED__", "__NAMES__", "__IPS__")
)

# one lookup per key and row; the columns read the tuple it returns
_LOOKUPS = {
    "name_info": "joinGet('__NAMES__', 'name', name)",
    "refer_info": "joinGet('__NAMES__', 'refer', http_refer)",
    "src_place": "joinGet('__IPS__', 'place', src_text)",
    "dest_place": "joinGet('__IPS__', 'place', dest_text)",
}
_ENRICHED = {
    **{f"hostname_info_{f}": f"name_info.{f}" for f in (*_HOSTNAME_INFO, "is_ip")},
    **{f"http_refer_info_{f}": f"refer_info.{f}" for f in _REFER_INFO},
    "src_ip": "toIPv6OrDefault(src_place.ip)",
    "dest_ip": "toIPv6OrDefault(dest_place.ip)",
    "src_net": "src_place.net",
    "dest_net": "dest_place.net",
    "src_dept": "src_place.department",
    "dest_dept": "dest_place.department",
    "src_internal": "src_place.internal",
    "dest_internal": "dest_place.internal",
}
_STORED = {
    "tenant": "{tenant:String}",
    "source": "{source:String}",
    "ingest_batch": "{ingest_batch:UUID}",
    "source_offset": "source_offset",
    "raw": "raw",
    **{column: column for column in extraction.COLUMNS},
    **_ENRICHED,
}
STORE_EVENTS = (
    f"INSERT INTO events ({', '.join(_STORED)})\nWITH\n    "
    + _select_list(_LOOKUPS)
    + "\nSELECT\n    "
    + ",\n    ".join(_STORED.values())
    + f"\nFROM __PARSED__ WHERE accepted AND event_type != '{STATS}'"
)

STORE_STATS = (
    "INSERT INTO sensor_stats (tenant, source, ingest_batch, source_offset, raw, ts, sensor,"
    " uptime, kernel_packets, kernel_drops, decoder_packets, decoder_bytes, flows)\n"
    "WITH JSONExtract(raw, 'stats', 'Tuple(uptime UInt64,"
    " capture Tuple(kernel_packets UInt64, kernel_drops Int64),"
    " decoder Tuple(pkts UInt64, bytes UInt64),"
    " flow Tuple(total Nullable(UInt64), tcp UInt64, udp UInt64, icmpv4 UInt64,"
    " icmpv6 UInt64))') AS s\n"
    "SELECT {tenant:String}, {source:String}, {ingest_batch:UUID}, source_offset, raw, ts,"
    " sensor, s.uptime, s.capture.kernel_packets, s.capture.kernel_drops, s.decoder.pkts,"
    " s.decoder.bytes,"
    " ifNull(s.flow.total, s.flow.tcp + s.flow.udp + s.flow.icmpv4 + s.flow.icmpv6)\n"
    f"FROM __PARSED__ WHERE accepted AND event_type = '{STATS}'"
)
