"""Stream the demo organization's EVE events, in time order, in constant memory.

The window is cut into one-minute buckets. Each bucket gets its share of the requested events
(more during office hours), runs the planned items that fall in it, fills the rest with
background activity, then releases the events that are due. Only the events of the activity
in flight are ever held.

    org = Organization.build(hosts=2000, seed=7)
    truth = write_eve(Path("eve.json.gz"), org, hours=24, events=1_000_000, seed=7)
"""

from __future__ import annotations

import gzip
import io
import itertools
import random
from bisect import bisect_right
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson

from services.core.errors import Invalid
from services.demo import activities, planted, scenarios
from services.demo.eve import Emitter
from services.demo.organization import Organization
from services.demo.scenarios import GroundTruth
from services.demo.world import World

BUCKET_S = 60
Progress = Callable[[int], None]


def window(hours: float, end: datetime | None) -> tuple[int, int]:
    """(start, end) epoch seconds; `end` defaults to now, rounded down to the second."""
    if hours <= 0 or hours > 24 * 366:
        raise Invalid(f"--hours must be positive and at most a year (got {hours})")
    stop = end or datetime.now(UTC)
    if stop.tzinfo is None:
        raise Invalid("the end time must be timezone-aware")
    last = int(stop.timestamp())
    return last - int(hours * 3600), last


def ground_truth(
    org: Organization,
    *,
    hours: float = 24,
    events: int = 1_000_000,
    end: datetime | None = None,
    seed: int = 7,
) -> GroundTruth:
    """What `generate` with the same arguments plants, without generating it."""
    start, stop = window(hours, end)
    return scenarios.plan(org, start, stop, seed, events).truth


def generate(
    org: Organization,
    *,
    hours: float = 24,
    events: int = 1_000_000,
    end: datetime | None = None,
    seed: int = 7,
) -> Iterator[bytes]:
    """EVE lines (JSON, no newline) of the organization over `hours` up to `end`.

    Arguments are checked now; events are made as the returned generator is consumed. Pass the
    same `end` to `ground_truth` to get the truth of these events.
    """
    start, stop = window(hours, end)
    if events < 0:
        raise Invalid(f"--events must not be negative (got {events})")
    return _events(org, scenarios.plan(org, start, stop, seed, events), start, stop, seed)


def _events(
    org: Organization, plan: scenarios.Plan, start: int, stop: int, seed: int
) -> Iterator[bytes]:
    em = Emitter(random.Random(f"events:{seed}"))
    world = World(org, em)
    rng = em.rng
    kinds = [activity for activity, _ in activities.BACKGROUND]
    kind_cum = list(itertools.accumulate(weight for _, weight in activities.BACKGROUND))
    hosts = org.workstations
    host_cum = list(itertools.accumulate(0.3 + rng.random() * 1.7 for _ in hosts))
    random_ = rng.random
    background = max(0, plan.truth.events_requested - _planned_events(plan.items))
    quotas = _quotas(start, stop, background)
    items = plan.items
    next_item = 0
    dumps = orjson.dumps
    for bucket, quota in enumerate(quotas):
        b0 = start + bucket * BUCKET_S
        b1 = min(b0 + BUCKET_S, stop)
        while next_item < len(items) and items[next_item].ts < b1:
            item = items[next_item]
            planted.PLANTED[item.kind](world, item, org.by_ip[item.ip])
            next_item += 1
        target = em.pushed + quota
        span = b1 - b0
        while em.pushed < target:
            activity = kinds[bisect_right(kind_cum, random_() * kind_cum[-1])]
            host = hosts[bisect_right(host_cum, random_() * host_cum[-1])]
            activity(world, b0 + random_() * span, host)
        for event in em.pop_until(b1):
            yield dumps(event)
    em.discard()


def write_eve(
    path: Path,
    org: Organization,
    *,
    hours: float = 24,
    events: int = 1_000_000,
    end: datetime | None = None,
    seed: int = 7,
    progress: Progress | None = None,
) -> GroundTruth:
    """Stream the events to `path` (gzip if it ends with .gz) and `ground_truth.json` beside it."""
    _, stop = window(hours, end)
    fixed_end = datetime.fromtimestamp(stop, UTC)
    truth = ground_truth(org, hours=hours, events=events, end=fixed_end, seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with _open(path) as out:
        batch: list[bytes] = []
        for line in generate(org, hours=hours, events=events, end=fixed_end, seed=seed):
            batch.append(line)
            if len(batch) >= 5000:
                out.write(b"\n".join(batch) + b"\n")
                written += len(batch)
                batch.clear()
                if progress is not None:
                    progress(written)
        if batch:
            out.write(b"\n".join(batch) + b"\n")
            written += len(batch)
    if progress is not None:
        progress(written)
    truth.events_written = written
    (path.parent / "ground_truth.json").write_text(truth.to_json())
    return truth


def _open(path: Path) -> io.BufferedIOBase:
    if path.name.endswith(".gz"):
        return gzip.GzipFile(path, "wb", compresslevel=1)
    return path.open("wb")


def _planned_events(items: list[scenarios.Planned]) -> int:
    per = planted.EVENTS_PER_ITEM
    return sum(per.get(item.kind, planted.EVENTS_PER_PLANTED) for item in items)


def _quotas(start: int, stop: int, total: int) -> list[int]:
    """Background events per bucket: office hours busier than nights, summing to `total`."""
    weights = [_busyness(t) for t in range(start, stop, BUCKET_S)]
    scale = total / sum(weights) if weights else 0.0
    quotas: list[int] = []
    carried = 0.0
    for weight in weights:
        carried += weight * scale
        quota = int(carried)
        carried -= quota
        quotas.append(quota)
    return quotas


def _busyness(t: int) -> float:
    hour = (t // 3600) % 24
    if 8 <= hour < 18:
        return 1.0
    if hour in (7, 18, 19):
        return 0.6
    return 0.25
