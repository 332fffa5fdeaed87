"""Wire models of the hunts service: filter sets, reference lists, events and hunt results."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

StamusContent = list[dict[str, Any]]


class FilterSetCreate(BaseModel):
    """A saved filter set: a text `query` and/or Stamus `content` (both given: both match)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    query: str | None = Field(default=None, max_length=20000)
    content: StamusContent | None = None
    facets: list[str] = Field(default_factory=list, max_length=20)
    category: str = Field(default="", max_length=100)
    shared: bool = False
    page: str = Field(default="DASHBOARDS", max_length=40)


class FilterSetUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=4000)
    query: str | None = Field(default=None, max_length=20000)
    content: StamusContent | None = None
    facets: list[str] | None = Field(default=None, max_length=20)
    category: str | None = Field(default=None, max_length=100)
    shared: bool | None = None


class FilterSetRead(BaseModel):
    id: str
    source: Literal["catalog", "saved"]
    name: str
    category: str
    description: str
    query: str | None
    content: StamusContent | None
    facets: list[str]
    shared: bool
    owner: str
    read_only: bool
    mitre: list[str] = Field(default_factory=list)
    event_types: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None


class FilterSetPage(BaseModel):
    items: list[FilterSetRead]
    total: int
    next_offset: int | None = None


class StamusFilterSet(BaseModel):
    """One Stamus (Scirius) filter set as exported / imported."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=200)
    content: StamusContent
    page: str = "DASHBOARDS"
    description: str = ""
    share: str | None = None


class CatalogCategory(BaseModel):
    name: str
    count: int


class CatalogPage(BaseModel):
    categories: list[CatalogCategory]
    items: list[FilterSetRead]
    total: int


class ListRead(BaseModel):
    name: str
    description: str
    source: str
    item_count: int
    version: int
    updated_at: datetime | None
    shipped: bool
    editable: bool
    kind: str


class ListItemRead(BaseModel):
    value: str
    kind: str
    match: str
    attrs: dict[str, str]


class ListItemPage(BaseModel):
    list_: ListRead = Field(alias="list")
    items: list[ListItemRead]
    next_offset: int | None = None


class ListUpdate(BaseModel):
    """Items as text (`10.0.0.53`, `10.0.0.0/8`, `corp.example.com`, `*.example.com`) or
    `{value, match?, attrs?}` objects."""

    model_config = ConfigDict(extra="forbid")

    items: list[str | dict[str, Any]] = Field(max_length=100_000)
    description: str = Field(default="", max_length=4000)


class Bucket(BaseModel):
    time: datetime
    count: int


class Timeline(BaseModel):
    interval: str
    interval_seconds: int
    buckets: list[Bucket]


class FacetValue(BaseModel):
    value: Any
    count: int


class Facet(BaseModel):
    field: str
    buckets: list[FacetValue]


class HuntRun(BaseModel):
    filter_set: FilterSetRead
    start: datetime
    end: datetime
    count: int
    timeline: Timeline
    facets: list[Facet]
