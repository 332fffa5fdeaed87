"""The embedded mode: the in-process memory broker and a thread-pool worker bound to the
process's engine; ingest's own dispatch sends `escalation.apply_policies` by name."""

from __future__ import annotations

from pathlib import Path

from celery.contrib.testing.worker import start_worker

from services.core.auth import Principal, Scope
from services.core.clickhouse import Client
from services.core.deps import Deps
from services.core.queue import make_celery
from services.core.settings import Settings
from services.escalation import store, tasks
from services.escalation.models import PolicyCreate
from services.escalation.policies import create_policy
from services.ingest.dispatch import dispatch_batch
from tests.conftest import TENANT
from tests.escalation.conftest import count, dns_query, eventually, ingest, recent


def test_the_embedded_worker_applies_policies_to_an_ingested_batch(
    ch: Client, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, default_tenant=TENANT)
    assert settings.embedded and not settings.redis_url
    app = make_celery(settings)
    app.conf.include = []  # the task modules are imported already; others are not needed here
    tasks.bind(Deps(ch=ch, settings=settings, celery=app))
    body = PolicyCreate(action="tag", query="event_type:dns AND dest_ip:9.9.9.9", tag="relevant")
    policy = create_policy(ch, Principal(TENANT, "test", Scope.ADMIN), body)
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False):
        batch = ingest(
            ch,
            [
                dns_query("10.5.0.1", "9.9.9.9", "a.example.com", recent(2)),
                dns_query("10.5.0.2", "10.0.0.53", "b.example.com", recent(1)),
            ],
        )
        assert dispatch_batch(ch, app, TENANT, "test", batch) == "sent"
        eventually(lambda: count(ch, "SELECT count() FROM event_tags") == 1, what="the tag")
    assert store.policy_counts(ch, TENANT, [policy])[policy.id][1] == 1
