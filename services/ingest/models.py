"""Wire models of the ingest API."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from services.core.errors import Invalid
from services.ingest.networks import INTERNET, Network, parse_cidr


class LineError(BaseModel):
    line: int
    reason: str


class IngestResultRead(BaseModel):
    """The answer to an HTTP ingest: what was stored, and why lines were rejected."""

    accepted: int
    rejected: int
    stats: int
    errors: list[LineError]
    errors_total: int
    errors_truncated: bool
    batch_id: UUID | None
    batch_ids: list[UUID]


class RejectRead(BaseModel):
    received_at: datetime
    source: str
    offset: int
    line: int
    reason: str
    raw: str
    raw_bytes: int
    raw_truncated: bool


class RejectPage(BaseModel):
    items: list[RejectRead]
    next_cursor: str | None


class NetworkItem(BaseModel):
    name: str
    cidrs: list[str]
    department: str = ""
    home: bool = True

    @classmethod
    def from_domain(cls, network: Network) -> NetworkItem:
        return cls(
            name=network.name,
            cidrs=list(network.cidrs),
            department=network.department,
            home=network.home,
        )

    def to_domain(self) -> Network:
        return Network(
            name=self.name.strip(),
            cidrs=tuple(c.strip() for c in self.cidrs),
            department=self.department.strip(),
            home=self.home,
        )


class NetworksRead(BaseModel):
    networks: list[NetworkItem]
    default: bool = Field(description="true when the tenant defined none and the defaults apply")


class NetworksUpdate(BaseModel):
    """`{"networks": [...]}`, or the bare list."""

    networks: list[NetworkItem]

    @model_validator(mode="before")
    @classmethod
    def _bare_list(cls, data: Any) -> Any:
        return {"networks": data} if isinstance(data, list) else data

    def checked(self) -> list[Network]:
        """The networks, or `Invalid` naming every bad item (`networks[2].cidrs[0]: ...`)."""
        problems: list[dict[str, str]] = []
        first_seen: dict[str, int] = {}
        for index, item in enumerate(self.networks):
            where = f"networks[{index}]"
            name = item.name.strip()
            if not name:
                problems.append({"field": f"{where}.name", "message": "must not be blank"})
            elif name == INTERNET:
                problems.append(
                    {
                        "field": f"{where}.name",
                        "message": f'"{INTERNET}" is reserved for external addresses',
                    }
                )
            elif name in first_seen:
                problems.append(
                    {
                        "field": f"{where}.name",
                        "message": f'"{name}" is defined twice (first at '
                        f"networks[{first_seen[name]}])",
                    }
                )
            else:
                first_seen[name] = index
            if not item.cidrs:
                problems.append({"field": f"{where}.cidrs", "message": "needs at least one CIDR"})
            for position, cidr in enumerate(item.cidrs):
                try:
                    parse_cidr(cidr, name)
                except Invalid:
                    problems.append(
                        {
                            "field": f"{where}.cidrs[{position}]",
                            "message": f'"{cidr}" is not a CIDR',
                        }
                    )
        if problems:
            summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
            raise Invalid(f"invalid networks — {summary}", details=problems)
        return [item.to_domain() for item in self.networks]
