"""The escalation service: policies, threats, incidents (the SOAR feed), webhooks, jobs.

Routes:
    GET    /api/v1/policies                     list, in application order
    POST   /api/v1/policies                     create (tag | declare | suppress)
    GET    /api/v1/policies/{id}                one
    PATCH  /api/v1/policies/{id}                change
    DELETE /api/v1/policies/{id}                delete
    GET    /api/v1/policies/{id}/audit          audit log
    POST   /api/v1/policies/{id}/backfill       apply to history (job)
    GET    /api/v1/jobs/{id}                    job state and progress
    POST   /api/v1/jobs/{id}/cancel             cancel a job
    GET    /api/v1/threats                      threats and families
    POST   /api/v1/threats                      create a threat
    GET    /api/v1/threats/{id}                 one threat
    GET    /api/v1/incidents                    the incident feed
    GET    /api/v1/incidents/{id}               one incident
    PATCH  /api/v1/incidents/{id}               change status / comment
    GET    /api/v1/incidents/{id}/events        evidence events (raw EVE)
    GET    /api/v1/declarations                 escalated events
    GET    /api/v1/webhooks                     list
    POST   /api/v1/webhooks                     create
    GET    /api/v1/webhooks/{id}                one
    PATCH  /api/v1/webhooks/{id}                change
    DELETE /api/v1/webhooks/{id}                delete
    POST   /api/v1/webhooks/{id}/test           send a sample now
    GET    /api/v1/webhooks/{id}/deliveries     delivery log
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from services.core.apps import service_app
from services.core.deps import Deps
from services.escalation import api, incident_api, webhook_api


def create_app(deps: Deps) -> Starlette:
    routes = [
        Route("/api/v1/policies", api.list_policies, methods=["GET"]),
        Route("/api/v1/policies", api.create_policy, methods=["POST"]),
        Route("/api/v1/policies/{id}", api.get_policy, methods=["GET"]),
        Route("/api/v1/policies/{id}", api.update_policy, methods=["PATCH"]),
        Route("/api/v1/policies/{id}", api.delete_policy, methods=["DELETE"]),
        Route("/api/v1/policies/{id}/audit", api.policy_audit, methods=["GET"]),
        Route("/api/v1/policies/{id}/backfill", api.create_backfill, methods=["POST"]),
        Route("/api/v1/jobs/{id}", api.get_job, methods=["GET"]),
        Route("/api/v1/jobs/{id}/cancel", api.cancel_job, methods=["POST"]),
        Route("/api/v1/threats", api.list_threats, methods=["GET"]),
        Route("/api/v1/threats", api.create_threat, methods=["POST"]),
        Route("/api/v1/threats/{id}", api.get_threat, methods=["GET"]),
        Route("/api/v1/incidents", incident_api.list_incidents, methods=["GET"]),
        Route("/api/v1/incidents/{id}", incident_api.get_incident, methods=["GET"]),
        Route("/api/v1/incidents/{id}", incident_api.update_incident, methods=["PATCH"]),
        Route("/api/v1/incidents/{id}/events", incident_api.incident_events, methods=["GET"]),
        Route("/api/v1/declarations", incident_api.list_declarations, methods=["GET"]),
        Route("/api/v1/webhooks", webhook_api.list_webhooks, methods=["GET"]),
        Route("/api/v1/webhooks", webhook_api.create_webhook, methods=["POST"]),
        Route("/api/v1/webhooks/{id}", webhook_api.get_webhook, methods=["GET"]),
        Route("/api/v1/webhooks/{id}", webhook_api.update_webhook, methods=["PATCH"]),
        Route("/api/v1/webhooks/{id}", webhook_api.delete_webhook, methods=["DELETE"]),
        Route("/api/v1/webhooks/{id}/test", webhook_api.test_webhook, methods=["POST"]),
        Route("/api/v1/webhooks/{id}/deliveries", webhook_api.list_deliveries, methods=["GET"]),
    ]
    return service_app("escalation", deps, routes)
