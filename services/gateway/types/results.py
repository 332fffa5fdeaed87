"""Result unions of mutations: the object, or the expected failure the caller can show."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from services.gateway import wire
from services.gateway.types.deleted import Deleted
from services.gateway.types.delivery import Delivery
from services.gateway.types.errors import NotFoundError, ValidationError
from services.gateway.types.filter_set import FilterSet
from services.gateway.types.incident import Incident
from services.gateway.types.ingest_result import IngestResult
from services.gateway.types.job import Job
from services.gateway.types.network import Network
from services.gateway.types.policy import Policy
from services.gateway.types.reference_list_info import ReferenceListInfo
from services.gateway.types.threat import Threat
from services.gateway.types.webhook import Webhook


@strawberry.type(description="The tenant's named networks; `isDefault` when none are defined.")
class NetworkList:
    networks: list[Network]
    is_default: bool

    @classmethod
    def from_json(cls, data: Any) -> NetworkList:
        page = data if isinstance(data, dict) else {}
        return cls(
            networks=[Network.from_json(item) for item in wire.items(data, "networks")],
            is_default=bool(page.get("default", False)),
        )


@strawberry.type(description="The filter sets an import created.")
class FilterSetList:
    filter_sets: list[FilterSet]


DeleteResult = Annotated[
    Deleted | NotFoundError | ValidationError, strawberry.union("DeleteResult")
]
FilterSetResult = Annotated[
    FilterSet | ValidationError | NotFoundError, strawberry.union("FilterSetResult")
]
FilterSetImportResult = Annotated[
    FilterSetList | ValidationError, strawberry.union("FilterSetImportResult")
]
ReferenceListResult = Annotated[
    ReferenceListInfo | ValidationError, strawberry.union("ReferenceListResult")
]
NetworksResult = Annotated[NetworkList | ValidationError, strawberry.union("NetworksResult")]
IngestEventsResult = Annotated[
    IngestResult | ValidationError, strawberry.union("IngestEventsResult")
]
PolicyResult = Annotated[Policy | ValidationError | NotFoundError, strawberry.union("PolicyResult")]
JobResult = Annotated[Job | ValidationError | NotFoundError, strawberry.union("JobResult")]
IncidentResult = Annotated[
    Incident | ValidationError | NotFoundError, strawberry.union("IncidentResult")
]
ThreatResult = Annotated[Threat | ValidationError | NotFoundError, strawberry.union("ThreatResult")]
WebhookResult = Annotated[
    Webhook | ValidationError | NotFoundError, strawberry.union("WebhookResult")
]
DeliveryResult = Annotated[
    Delivery | ValidationError | NotFoundError, strawberry.union("DeliveryResult")
]
