"""A sensor's health from its latest Suricata `stats` record."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire


@strawberry.type(description="The latest stats of a Suricata sensor: uptime, packets, drops.")
class Sensor:
    sensor: str
    last_stats: datetime | None
    uptime: int
    kernel_packets: int
    kernel_drops: int
    drop_ratio: float
    decoder_packets: int
    decoder_bytes: int
    flows: int
    reports: int

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Sensor:
        def count(key: str) -> int:
            return int(data.get(key, 0) or 0)

        return cls(
            sensor=str(data.get("sensor", "")),
            last_stats=wire.timestamp(data.get("last_stats")),
            uptime=count("uptime"),
            kernel_packets=count("kernel_packets"),
            kernel_drops=count("kernel_drops"),
            drop_ratio=float(data.get("drop_ratio", 0.0) or 0.0),
            decoder_packets=count("decoder_packets"),
            decoder_bytes=count("decoder_bytes"),
            flows=count("flows"),
            reports=count("reports"),
        )
