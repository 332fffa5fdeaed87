"""A synthetic Suricata-7-style EVE generator for benchmarks (not demo data).

The mix follows the reference measurements: ~50% dns, 20% flow, 15% tls, 10% http, 5% alert,
with hosts, names and fields shaped like real sensor output (~900 bytes a line).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import orjson

NAMES = [
    "www.suricata.io",
    "prottahobarta.com",
    "www.bbc.co.uk",
    "myhome.duckdns.org",
    "someone.blogspot.com",
    "login.microsoftonline.com",
    "xpaywalletcdn.azureedge.net",
    "www.bing.com",
    "corsproxy.io",
    "static.programme-tv.net",
    "api.github.com",
    "update.googleapis.com",
]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36",
    "curl/8.5.0",
    "Microsoft-CryptoAPI/10.0",
]
CLIENTS = 2000
SERVERS = 5000
SIGNATURES = [
    (2027865, "ET INFO Observed DNS Query to .cloud TLD", "Potentially Bad Traffic"),
    (2013028, "ET POLICY curl User-Agent Outbound", "Attempted Information Leak"),
    (2210054, "SURICATA STREAM excessive retransmissions", "Generic Protocol Command Decode"),
]


def eve_lines(count: int, seed: int = 7) -> Iterator[bytes]:
    """Yield `count` EVE lines (without newline), deterministic for a seed. Like a real site,
    a few thousand internal hosts talk to a few thousand outside servers."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 30, tzinfo=UTC)
    kinds = ["dns"] * 50 + ["flow"] * 20 + ["tls"] * 15 + ["http"] * 10 + ["alert"] * 5
    clients = [
        f"10.{rng.randrange(4)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        for _ in range(CLIENTS)
    ]
    servers = [
        f"{rng.randrange(1, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.7"
        for _ in range(SERVERS)
    ]
    for i in range(count):
        ts = start + timedelta(microseconds=i * 997)
        event = _event(rng, rng.choice(kinds), ts, rng.choice(clients), rng.choice(servers))
        yield orjson.dumps(event)


def _event(
    rng: random.Random, kind: str, ts: datetime, client: str, server: str
) -> dict[str, object]:
    name = rng.choice(NAMES)
    event: dict[str, object] = {
        "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S.%f+0000"),
        "flow_id": rng.randrange(1 << 51),
        "in_iface": "eth0",
        "event_type": kind,
        "src_ip": client,
        "src_port": rng.randrange(1024, 65535),
        "dest_ip": server,
        "dest_port": 443,
        "proto": "TCP",
        "community_id": "1:PbdLzcghZUCpSOyqAJFdyhEnhm8=",
        "host": f"sensor-{rng.randrange(3)}",
    }
    if kind == "dns":
        event.update(dest_ip="10.0.0.53", dest_port=53, proto="UDP", app_proto="dns")
        event["dns"] = _dns(rng, name)
    elif kind == "flow":
        event["app_proto"] = rng.choice(["tls", "http", "dns", "failed"])
        event["flow"] = {
            "pkts_toserver": rng.randrange(1, 900),
            "pkts_toclient": rng.randrange(1, 900),
            "bytes_toserver": rng.randrange(60, 900_000),
            "bytes_toclient": rng.randrange(60, 9_000_000),
            "start": event["timestamp"],
            "end": event["timestamp"],
            "age": rng.randrange(0, 300),
            "state": "closed",
            "reason": "timeout",
            "alerted": False,
        }
        event["tcp"] = {"tcp_flags": "1b", "tcp_flags_ts": "1b", "tcp_flags_tc": "1b", "syn": True}
    elif kind == "tls":
        event["app_proto"] = "tls"
        event["tls"] = {
            "subject": f"CN={name}",
            "issuerdn": "C=US, O=Let's Encrypt, CN=R3",
            "serial": "04:5A:2B:9C:11:0E:7F:22:AB:CD",
            "fingerprint": "7b:b6:98:38:69:70:36:3d:29:19:cc:57:72:84:69:84:ff:d4:a8:89",
            "sni": name,
            "version": "TLS 1.3",
            "notbefore": "2026-01-01T00:00:00",
            "notafter": "2026-12-31T00:00:00",
            "ja3": {"hash": "1fe4c7a3544eb27afec2adfb3a3dbf60", "string": "771,4865-4866,0-23"},
            "ja3s": {"hash": "5d79edf64e03689ff559a54e9d9487bc", "string": "771,4865,43-51"},
            "ja4": "t13d1516h2_8daaf6152771_02713d6af862",
        }
    elif kind == "http":
        event.update(dest_port=80, app_proto="http", tx_id=rng.randrange(4))
        event["http"] = {
            "hostname": name,
            "url": f"/path/{rng.randrange(10_000)}/index.html?q={rng.randrange(99)}",
            "http_user_agent": rng.choice(AGENTS),
            "http_content_type": "text/html",
            "http_refer": f"https://{rng.choice(NAMES)}/start",
            "http_method": "GET",
            "protocol": "HTTP/1.1",
            "status": rng.choice([200, 200, 301, 404]),
            "length": rng.randrange(100, 90_000),
        }
    else:
        sid, signature, category = rng.choice(SIGNATURES)
        event["app_proto"] = "http"
        event["alert"] = {
            "action": "allowed",
            "gid": 1,
            "signature_id": sid,
            "rev": 3,
            "signature": signature,
            "category": category,
            "severity": 2,
            "metadata": {"created_at": ["2019_01_01"], "updated_at": ["2024_01_01"]},
        }
        event["http"] = {"hostname": name, "url": "/", "http_method": "GET", "status": 200}
        event["flow"] = {"pkts_toserver": 4, "pkts_toclient": 3, "bytes_toserver": 500}
    return event


def _dns(rng: random.Random, name: str) -> dict[str, object]:
    if rng.random() < 0.5:
        return {
            "type": "query",
            "id": rng.randrange(65536),
            "rrname": name,
            "rrtype": "A",
            "tx_id": 0,
            "opcode": 0,
        }
    answers = [
        f"{rng.randrange(1, 223)}.{rng.randrange(256)}.1.{rng.randrange(256)}"
        for _ in range(rng.randrange(1, 4))
    ]
    return {
        "version": 2,
        "type": "answer",
        "id": rng.randrange(65536),
        "flags": "8180",
        "qr": True,
        "rd": True,
        "ra": True,
        "opcode": 0,
        "rrname": name,
        "rrtype": "A",
        "rcode": "NOERROR",
        "answers": [{"rrname": name, "rrtype": "A", "ttl": 300, "rdata": a} for a in answers],
        "grouped": {"A": answers},
    }
