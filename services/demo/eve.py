"""Suricata 8 EVE event shapes, and the time-ordered buffer that collects them.

Builders push plain dicts into an `Emitter`; the generator pops them in time order and
serializes them with orjson. Builders do no lookups beyond what they are given, so that a
million events stay cheap.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import random
import socket
import struct
import time
from collections.abc import Callable, Iterator
from typing import Any

Event = dict[str, Any]
# (src_ip, dest_ip) -> the `ether` block and `vlan` ids of the conversation (see World.layer2)
Layer2 = Callable[[str, str], tuple[Event, list[int]]]
Rule = tuple[int, int, str, str, int]  # (sid, rev, signature, category, severity)

IFACE = "eth1"
PROTO_NUMBERS = {"TCP": 6, "UDP": 17}
TCP_CLOSED = {
    "tcp_flags": "1b",
    "tcp_flags_ts": "1b",
    "tcp_flags_tc": "1b",
    "syn": True,
    "fin": True,
    "psh": True,
    "ack": True,
    "state": "closed",
}
TCP_RESET = {
    "tcp_flags": "16",
    "tcp_flags_ts": "02",
    "tcp_flags_tc": "14",
    "syn": True,
    "rst": True,
    "ack": True,
    "state": "closed",
}


class Emitter:
    """A heap of pending events keyed by time, plus the shared random source and clock."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._heap: list[tuple[float, int, Event]] = []
        self._seq = 0
        self._minutes: dict[int, str] = {}
        self._packed: dict[str, bytes] = {}
        self.layer2: Layer2 | None = None

    def stamp(self, t: float) -> str:
        """`t` (epoch seconds) in Suricata's format: 2026-11-30T23:33:30.123456+0000."""
        us = round(t * 1_000_000)
        minute = us // 60_000_000
        prefix = self._minutes.get(minute)
        if prefix is None:
            if len(self._minutes) > 4096:
                self._minutes.clear()
            prefix = time.strftime("%Y-%m-%dT%H:%M:", time.gmtime(minute * 60))
            self._minutes[minute] = prefix
        rest = us - minute * 60_000_000
        second = rest // 1_000_000
        return f"{prefix}{second:02d}.{rest - second * 1_000_000:06d}+0000"

    @property
    def pushed(self) -> int:
        """How many events were pushed so far."""
        return self._seq

    def push(self, t: float, event: Event) -> None:
        heapq.heappush(self._heap, (t, self._seq, event))
        self._seq += 1

    def pop_until(self, t: float) -> Iterator[Event]:
        """Pending events ordered before `t`, in time order."""
        heap = self._heap
        while heap and heap[0][0] < t:
            yield heapq.heappop(heap)[2]

    def discard(self) -> None:
        self._heap.clear()

    def packed(self, ip: str) -> bytes:
        found = self._packed.get(ip)
        if found is None:
            found = self._packed[ip] = socket.inet_aton(ip)
        return found


def community_id(src: bytes, dst: bytes, proto: int, sport: int, dport: int) -> str:
    """Community ID v1 (seed 0) of an IPv4 flow."""
    if (src, sport) > (dst, dport):
        src, dst, sport, dport = dst, src, dport, sport
    data = struct.pack("!H4s4sBBHH", 0, src, dst, proto, 0, sport, dport)
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode()


class Conn:
    """One flow: its 5-tuple, ids and sensor. Events of the flow share this header."""

    __slots__ = ("base", "proto")

    def __init__(
        self,
        em: Emitter,
        src: str,
        sport: int,
        dst: str,
        dport: int,
        proto: str,
        sensor: str,
        app_proto: str = "",
    ) -> None:
        self.proto = proto
        self.base: Event = {
            "timestamp": "",
            "flow_id": em.rng.getrandbits(51),
            "in_iface": IFACE,
            "event_type": "",
            "src_ip": src,
            "src_port": sport,
            "dest_ip": dst,
            "dest_port": dport,
            "proto": proto,
            "community_id": community_id(
                em.packed(src), em.packed(dst), PROTO_NUMBERS[proto], sport, dport
            ),
            "host": sensor,
        }
        if app_proto:
            self.base["app_proto"] = app_proto
        if em.layer2 is not None:
            ether, vlan = em.layer2(src, dst)
            if vlan:
                self.base["vlan"] = vlan
            self.base["ether"] = ether

    def head(self, em: Emitter, t: float, event_type: str) -> Event:
        event = self.base.copy()
        event["timestamp"] = em.stamp(t)
        event["event_type"] = event_type
        return event

    def reversed_head(self, em: Emitter, t: float, event_type: str) -> Event:
        """A header for an event logged server -> client (file transfers to the client)."""
        event = self.head(em, t, event_type)
        event["src_ip"], event["dest_ip"] = event["dest_ip"], event["src_ip"]
        event["src_port"], event["dest_port"] = event["dest_port"], event["src_port"]
        ether = event.get("ether")
        if ether is not None:
            event["ether"] = {"src_mac": ether["dest_mac"], "dest_mac": ether["src_mac"]}
        return event


def flow(
    em: Emitter,
    c: Conn,
    start: float,
    end: float,
    pkts: tuple[int, int],
    nbytes: tuple[int, int],
    *,
    state: str = "",
    alerted: bool = False,
) -> None:
    """The flow record, logged at `end` (when Suricata times it out) with its start time."""
    event = c.head(em, start, "flow")
    tcp = c.proto == "TCP"
    event["flow"] = {
        "pkts_toserver": pkts[0],
        "pkts_toclient": pkts[1],
        "bytes_toserver": nbytes[0],
        "bytes_toclient": nbytes[1],
        "start": event["timestamp"],
        "end": em.stamp(end),
        "age": int(end - start),
        "state": state or ("closed" if tcp else "established"),
        "reason": "timeout",
        "alerted": alerted,
    }
    if tcp:
        event["tcp"] = TCP_RESET if state == "reset" else TCP_CLOSED
    em.push(end + 60.0, event)


def dns(
    em: Emitter,
    c: Conn,
    t: float,
    rrname: str,
    answers: list[tuple[str, str]] | None,
    *,
    rrtype: str = "A",
    rcode: str = "NOERROR",
    rule: Rule | None = None,
) -> float:
    """A DNS query and its response (Suricata 8 v3 layout), and an alert of `rule` on the
    query if given; returns the response time."""
    dns_id = em.rng.getrandbits(16)
    queries = [{"rrname": rrname, "rrtype": rrtype}]
    request = c.head(em, t, "dns")
    request["dns"] = {
        "version": 3,
        "type": "request",
        "tx_id": 0,
        "id": dns_id,
        "flags": "100",
        "rd": True,
        "opcode": 0,
        "rcode": "NOERROR",
        "queries": queries,
    }
    em.push(t, request)
    if rule is not None:
        alert(em, c, t, rule, ("dns", request["dns"]))
    t_resp = t + 0.0005 + em.rng.random() * 0.03
    response = c.head(em, t_resp, "dns")
    body: Event = {
        "version": 3,
        "type": "response",
        "tx_id": 0,
        "id": dns_id,
        "flags": "8180" if rcode == "NOERROR" else "8183",
        "qr": True,
        "rd": True,
        "ra": True,
        "opcode": 0,
        "rcode": rcode,
        "queries": queries,
    }
    if answers:
        ttl = 60 + em.rng.getrandbits(8)
        body["answers"] = [
            {"rrname": rrname, "rrtype": kind, "ttl": ttl, "rdata": rdata}
            for kind, rdata in answers
        ]
    elif rcode == "NXDOMAIN":
        body["authorities"] = [{"rrname": rrname.split(".", 1)[-1], "rrtype": "SOA", "ttl": 900}]
    response["dns"] = body
    em.push(t_resp, response)
    return t_resp


def tls(
    em: Emitter,
    c: Conn,
    t: float,
    sni: str,
    *,
    version: str,
    ja3: str,
    ja3_hash: str,
    ja4: str,
    ja3s: str,
    ja3s_hash: str,
    cert: dict[str, Any] | None = None,
) -> None:
    """A TLS handshake; certificate fields only when the handshake shows them (TLS 1.2-)."""
    event = c.head(em, t, "tls")
    body: Event = {"sni": sni, "version": version}
    if cert:
        body.update(cert)
    body["ja3"] = {"hash": ja3_hash, "string": ja3}
    body["ja3s"] = {"hash": ja3s_hash, "string": ja3s}
    body["ja4"] = ja4
    event["tls"] = body
    em.push(t, event)


def http_body(
    hostname: str,
    url: str,
    user_agent: str,
    content_type: str,
    length: int,
    *,
    method: str = "GET",
    status: int = 200,
    server: str = "",
) -> Event:
    """An `http` block; `server` is the Server header of the response, when it sends one."""
    body: Event = {
        "hostname": hostname,
        "url": url,
        "http_user_agent": user_agent,
        "http_content_type": content_type,
        "http_method": method,
        "protocol": "HTTP/1.1",
        "status": status,
        "length": length,
    }
    if server:
        body["server"] = server
    return body


def http(em: Emitter, c: Conn, t: float, body: Event) -> None:
    event = c.head(em, t, "http")
    event["tx_id"] = 0
    event["http"] = body
    em.push(t, event)


def fileinfo(
    em: Emitter, c: Conn, t: float, app: tuple[str, Event], file: Event, *, to_client: bool
) -> None:
    """A file seen in a transfer; `app` is the app-layer record logged with it."""
    event = c.reversed_head(em, t, "fileinfo") if to_client else c.head(em, t, "fileinfo")
    event[app[0]] = app[1]
    event["fileinfo"] = file
    em.push(t, event)


def alert(em: Emitter, c: Conn, t: float, rule: Rule, app: tuple[str, Event]) -> None:
    """An alert of `rule` = (sid, rev, signature, category, severity) with its app-layer record."""
    sid, rev, signature, category, severity = rule
    event = c.head(em, t, "alert")
    event["tx_id"] = 0
    event["direction"] = "to_server"
    event["alert"] = {
        "action": "allowed",
        "gid": 1,
        "signature_id": sid,
        "rev": rev,
        "signature": signature,
        "category": category,
        "severity": severity,
    }
    if app[0]:
        event[app[0]] = app[1]
    em.push(t, event)


def record(em: Emitter, c: Conn, t: float, event_type: str, body: Event) -> None:
    """An event whose body is the app-layer record keyed by its own type (krb5, smb, ...)."""
    event = c.head(em, t, event_type)
    event[event_type] = body
    em.push(t, event)
