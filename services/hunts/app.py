"""The hunts service: hunt results over events, the guided catalog, filter sets, lists.

Routes:
    GET    /api/v1/events                       a page of events (newest first, cursor)
    GET    /api/v1/events/count                 count
    GET    /api/v1/events/timeline              counts over time
    GET    /api/v1/events/facets                top values of fields
    GET    /api/v1/events/export                streamed NDJSON or CSV
    GET    /api/v1/fields                       the event field registry
    GET    /api/v1/catalog                      the guided catalog with categories
    GET    /api/v1/filter-sets                  search catalog + saved sets
    POST   /api/v1/filter-sets                  save a set
    POST   /api/v1/filter-sets/import           import Stamus filter sets
    GET    /api/v1/filter-sets/{id}             one set
    PATCH  /api/v1/filter-sets/{id}             change a saved set
    DELETE /api/v1/filter-sets/{id}             delete a saved set
    GET    /api/v1/filter-sets/{id}/export      Stamus JSON
    GET    /api/v1/filter-sets/{id}/run         count + timeline + facets (also POST)
    GET    /api/v1/lists                        reference lists
    GET    /api/v1/lists/{name}                 one list with items
    PUT    /api/v1/lists/{name}                 create / replace a tenant list
    DELETE /api/v1/lists/{name}                 delete a tenant list
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from services.core.apps import service_app
from services.core.deps import Deps
from services.hunts import api, filter_set_api, list_api


def create_app(deps: Deps) -> Starlette:
    sets = filter_set_api
    routes = [
        Route("/api/v1/events", api.list_events, methods=["GET"]),
        Route("/api/v1/events/count", api.count_events, methods=["GET"]),
        Route("/api/v1/events/timeline", api.events_timeline, methods=["GET"]),
        Route("/api/v1/events/facets", api.events_facets, methods=["GET"]),
        Route("/api/v1/events/export", api.export_events, methods=["GET"]),
        Route("/api/v1/fields", api.list_fields, methods=["GET"]),
        Route("/api/v1/catalog", api.list_catalog, methods=["GET"]),
        Route("/api/v1/filter-sets", sets.list_filter_sets, methods=["GET"]),
        Route("/api/v1/filter-sets", sets.create_filter_set, methods=["POST"]),
        Route("/api/v1/filter-sets/import", sets.import_filter_sets, methods=["POST"]),
        Route("/api/v1/filter-sets/{id}", sets.get_filter_set, methods=["GET"]),
        Route("/api/v1/filter-sets/{id}", sets.update_filter_set, methods=["PATCH"]),
        Route("/api/v1/filter-sets/{id}", sets.delete_filter_set, methods=["DELETE"]),
        Route("/api/v1/filter-sets/{id}/export", sets.export_filter_set, methods=["GET"]),
        Route("/api/v1/filter-sets/{id}/run", sets.run_filter_set, methods=["GET", "POST"]),
        Route("/api/v1/lists", list_api.list_lists, methods=["GET"]),
        Route("/api/v1/lists/{name}", list_api.get_list, methods=["GET"]),
        Route("/api/v1/lists/{name}", list_api.put_list, methods=["PUT"]),
        Route("/api/v1/lists/{name}", list_api.delete_list, methods=["DELETE"]),
    ]
    return service_app("hunts", deps, routes)
