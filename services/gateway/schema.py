"""The GraphQL schema: everything an analyst can do in a UI, over the services' REST APIs.

Root fields delegate to `services.gateway.resolvers.<domain>`; types live one per module in
`services.gateway.types`. The exported SDL is `schema/graphql/schema.graphql`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from services.gateway.errors import GatewayError
from services.gateway.resolvers import events as event_resolvers
from services.gateway.resolvers import hosts as host_resolvers
from services.gateway.resolvers import hunts as hunt_resolvers
from services.gateway.resolvers import incidents as incident_resolvers
from services.gateway.resolvers import ingest as ingest_resolvers
from services.gateway.resolvers import policies as policy_resolvers
from services.gateway.resolvers import webhooks as webhook_resolvers
from services.gateway.types.scalars import SCALARS


def query(resolver: Callable[..., Any]) -> Any:
    """A root query field documented by its resolver's docstring."""
    return strawberry.field(resolver=resolver, description=inspect.getdoc(resolver))


def mutation(resolver: Callable[..., Any]) -> Any:
    """A root mutation field documented by its resolver's docstring."""
    return strawberry.mutation(resolver=resolver, description=inspect.getdoc(resolver))


@strawberry.type(description="Reads: hunting, host insights, ingest health, escalation.")
class Query:
    events = query(event_resolvers.events)
    event_count = query(event_resolvers.event_count)
    event_timeline = query(event_resolvers.event_timeline)
    event_facets = query(event_resolvers.event_facets)
    fields = query(event_resolvers.fields)

    catalog = query(hunt_resolvers.catalog)
    filter_sets = query(hunt_resolvers.filter_sets)
    filter_set = query(hunt_resolvers.filter_set)
    export_filter_set = query(hunt_resolvers.export_filter_set)
    run_filter_set = query(hunt_resolvers.run_filter_set)
    reference_lists = query(hunt_resolvers.reference_lists)
    reference_list = query(hunt_resolvers.reference_list)

    host = query(host_resolvers.host)
    hosts = query(host_resolvers.hosts)
    intel = query(host_resolvers.intel)

    ingest_status = query(ingest_resolvers.ingest_status)
    rejects = query(ingest_resolvers.rejects)
    sensors = query(ingest_resolvers.sensors)
    networks = query(ingest_resolvers.networks)

    policies = query(policy_resolvers.policies)
    policy = query(policy_resolvers.policy)
    threats = query(policy_resolvers.threats)
    threat = query(policy_resolvers.threat)
    threat_families = query(policy_resolvers.threat_families)
    job = query(policy_resolvers.job)
    declarations = query(policy_resolvers.declarations)
    incidents = query(incident_resolvers.incidents)
    incident = query(incident_resolvers.incident)
    webhooks = query(webhook_resolvers.webhooks)
    webhook = query(webhook_resolvers.webhook)


@strawberry.type(description="Changes; expected failures are members of each result union.")
class Mutation:
    create_filter_set = mutation(hunt_resolvers.create_filter_set)
    update_filter_set = mutation(hunt_resolvers.update_filter_set)
    delete_filter_set = mutation(hunt_resolvers.delete_filter_set)
    import_filter_sets = mutation(hunt_resolvers.import_filter_sets)
    put_reference_list = mutation(hunt_resolvers.put_reference_list)
    delete_reference_list = mutation(hunt_resolvers.delete_reference_list)

    put_networks = mutation(ingest_resolvers.put_networks)
    ingest_events = mutation(ingest_resolvers.ingest_events)

    create_threat = mutation(policy_resolvers.create_threat)
    create_policy = mutation(policy_resolvers.create_policy)
    update_policy = mutation(policy_resolvers.update_policy)
    delete_policy = mutation(policy_resolvers.delete_policy)
    backfill_policy = mutation(policy_resolvers.backfill_policy)
    cancel_job = mutation(policy_resolvers.cancel_job)
    set_incident_status = mutation(incident_resolvers.set_incident_status)

    create_webhook = mutation(webhook_resolvers.create_webhook)
    update_webhook = mutation(webhook_resolvers.update_webhook)
    delete_webhook = mutation(webhook_resolvers.delete_webhook)
    test_webhook = mutation(webhook_resolvers.send_webhook_test)


class GatewaySchema(strawberry.Schema):
    """Logs unexpected errors only: REST 4xx answers are the caller's, not the gateway's."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [
            error
            for error in errors
            if not (
                isinstance(error.original_error, GatewayError)
                and error.original_error.status is not None
                and error.original_error.status < 500
            )
        ]
        super().process_errors(unexpected, execution_context)


# Each alias can be one more REST call: bound the fan-out one document may cause.
MAX_ALIASES = 30

schema = GatewaySchema(
    query=Query,
    mutation=Mutation,
    config=StrawberryConfig(scalar_map=SCALARS),
    extensions=[lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES)],
)
