"""`sightline demo`: generate a demo organization's EVE, load it, and serve it.

    sightline demo                                  # 2000 hosts, 24 h, ~1M events, then serve
    sightline demo --hosts 300 --events 100000 --no-serve

Steps, each a small function: `generate_step` writes the EVE file and `ground_truth.json`
beside it; `setup_step` migrates the engine and loads the organization's named networks and
tenant lists (approved resolvers, internal suffixes, ...); `ingest_step` stores the file and
rolls its batches up into host insights (a worker does that after each batch when serving);
`summary_step` prints where to go and what was planted; `serve_step` runs the all-in-one
server. It is an entry point: it wires the ingest service and the all-in-one server together.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tqdm import tqdm  # type: ignore[import-untyped]

from services import allinone, serve
from services.core import auth, clickhouse, lists
from services.core.deps import Deps
from services.core.errors import Invalid
from services.core.settings import Settings
from services.demo import tour
from services.demo.generator import write_eve
from services.demo.organization import AD_DOMAIN, COMPANY, Organization
from services.demo.scenarios import GroundTruth
from services.hosts import rollup
from services.ingest import networks
from services.ingest.cli import Reporter
from services.ingest.ingestion import IngestSummary, ingest_file

HELP = "generate a demo organization's EVE (with known planted behaviours), ingest it and serve it"


@dataclass(frozen=True)
class Generated:
    path: Path
    truth: GroundTruth


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hosts", type=int, default=2000, help="hosts in the organization")
    parser.add_argument("--hours", type=float, default=24, help="hours of traffic")
    parser.add_argument("--events", type=int, default=1_000_000, help="approximate event count")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
    parser.add_argument("--end", help="end of the window, ISO 8601 (default: now)")
    parser.add_argument("--out", help="EVE file to write (default <data-dir>/demo/eve.json.gz)")
    parser.add_argument("--tenant", help="tenant to load into (default SIGHTLINE_DEFAULT_TENANT)")
    parser.add_argument("--no-serve", action="store_true", help="stop after ingesting")
    parser.add_argument(
        "--regenerate",
        action="store_true",
        help="write new data even if a recent demo with the same settings is already there",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to serve on")
    parser.add_argument("--port", type=int, default=8080, help="port to serve on")


def parse_end(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        end = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid(f"--end {text!r} is not an ISO 8601 time") from exc
    return end if end.tzinfo else end.replace(tzinfo=UTC)


REUSE_WITHIN = timedelta(hours=6)


def reusable(path: Path, args: argparse.Namespace) -> GroundTruth | None:
    """The ground truth of an earlier run with the same settings that ended recently (its data
    is then already stored, and ingest's resume skips every line), else None."""
    truth_path = path.parent / "ground_truth.json"
    if args.regenerate or args.end or not path.exists() or not truth_path.exists():
        return None
    truth = GroundTruth.from_json(truth_path.read_bytes())
    same = (truth.seed, truth.hosts, truth.hours, truth.events_requested) == (
        args.seed,
        args.hosts,
        args.hours,
        args.events,
    )
    ended = datetime.fromisoformat(truth.end.replace("Z", "+00:00"))
    return truth if same and datetime.now(UTC) - ended < REUSE_WITHIN else None


def generate_step(args: argparse.Namespace, settings: Settings, org: Organization) -> Generated:
    """Write the EVE file (progress on stderr) and its ground truth, or reuse a recent one."""
    path = Path(args.out) if args.out else settings.data_dir / "demo" / "eve.json.gz"
    earlier = reusable(path, args)
    if earlier is not None:
        print(f"Reusing the demo data written at {earlier.end} ({path})", file=sys.stderr)
        return Generated(path, earlier)
    print(
        f"Generating {COMPANY}: {len(org.hosts)} hosts, {args.hours:g} h, ~{args.events} events "
        f"-> {path}",
        file=sys.stderr,
    )
    with tqdm(total=args.events, unit="ev", unit_scale=True, file=sys.stderr, disable=None) as bar:
        every = max(args.events // 10, 1)

        def progress(written: int) -> None:
            if bar.disable and written // every > bar.n // every:
                print(f"  {written} events", file=sys.stderr)
            bar.n = written
            bar.refresh()

        truth = write_eve(
            path,
            org,
            hours=args.hours,
            events=args.events,
            end=parse_end(args.end),
            seed=args.seed,
            progress=progress,
        )
    print(
        f"Wrote {truth.events_written} events and {path.parent / 'ground_truth.json'}",
        file=sys.stderr,
    )
    return Generated(path, truth)


def setup_step(deps: Deps, tenant: str, org: Organization) -> str:
    """Migrate, load the organization's context for `tenant`; return an admin token."""
    allinone.prepare(deps, start_worker=False)
    named = [
        networks.Network(n["name"], tuple(n["cidrs"]), n["department"], n["home"])
        for n in org.named_networks()
    ]
    networks.save(deps.ch, tenant, named)
    tenant_lists = {
        "approved_resolvers": org.approved_resolvers(),
        "internal_suffixes": [AD_DOMAIN],
        "corporate_domains": ["contoso.com"],
        "mail_servers": [org.server("mail01").ip],
    }
    for name, items in tenant_lists.items():
        lists.put_list(deps.ch, tenant, name, items, description=f"{COMPANY} demo", source="demo")
    if deps.settings.bootstrap_token and tenant == deps.settings.default_tenant:
        return deps.settings.bootstrap_token  # prepare() made it an admin token of this tenant
    return auth.create_token(deps.ch, tenant, "demo", auth.Scope.ADMIN)


def ingest_step(deps: Deps, tenant: str, path: Path) -> IngestSummary:
    reporter = Reporter(sys.stderr, False, path.stat().st_size)
    # a batch is staged on a second client while the one before is stored
    ahead = clickhouse.second_client(deps.ch, deps.settings.clickhouse_dsn())
    try:
        ingested = ingest_file(deps.ch, tenant, path, progress=reporter, source="demo", ahead=ahead)
    finally:
        ahead.close()
        reporter.close()
    rollup.roll_up_pending(deps.ch, tenant)
    return ingested


def summary_step(
    generated: Generated,
    ingested: IngestSummary,
    tenant: str,
    token: str,
    url: str | None,
    hunt: tour.HuntSummary,
) -> None:
    truth = generated.truth
    departments = sorted({h["department"] for h in truth.public_dns_hosts.values()})
    recent = sum(1 for h in truth.public_dns_hosts.values() if h["users_recent"])
    lines = [
        "",
        f"{COMPANY} demo: {truth.hosts} hosts, {truth.start} .. {truth.end}",
        f"  events: {truth.events_written} written, {ingested.accepted} stored, "
        f"{ingested.rejected} rejected ({ingested.seconds:.0f}s) for tenant {tenant!r}",
        f"  ground truth: {generated.path.parent / 'ground_truth.json'}",
        "  planted:",
        f"    {len(truth.public_dns_hosts)} hosts query public resolvers over port 53 "
        f"({', '.join(departments)}); {recent} with a user logged in the last hour",
        f"    {len(truth.doh_hosts)} DNS-over-HTTPS, {len(truth.dot_hosts)} DNS-over-TLS, "
        f"{len(truth.nonstandard_dns_hosts)} DNS on an odd port",
        f"    {len(truth.scripting_ua_hosts)} scripting user agents, {len(truth.dyndns_hosts)} "
        f"dynamic-DNS lookups, {len(truth.old_tls_hosts)} TLS 1.0 clients",
        f"  users seen: {len(truth.users)} "
        f"({sum(1 for u in truth.users.values() if u['logged_in_recently'])} in the last hour)",
        *tour.render(hunt),
        f"  admin token: {token}",
    ]
    if url:
        lines += [
            f"  GraphQL: {url}/graphql    REST: {url}/api/v1/    OpenAPI: {url}/openapi.json",
            f'  try: curl -H "Authorization: Token {token}" "{url}/api/v1/networks"',
        ]
    print("\n".join(lines))


def serve_step(deps: Deps, host: str, port: int) -> None:
    serve.serve(deps, host, port)


def run(args: argparse.Namespace, settings: Settings) -> int:
    tenant = args.tenant or settings.default_tenant
    try:
        org = Organization.build(hosts=args.hosts, seed=args.seed)
        generated = generate_step(args, settings, org)
    except Invalid as exc:
        print(f"sightline demo: {exc.message}", file=sys.stderr)
        return 2
    deps = serve.open_deps(settings)
    token = setup_step(deps, tenant, org)
    ingested = ingest_step(deps, tenant, generated.path)
    url = None if args.no_serve else f"http://{args.host}:{args.port}"
    truth = generated.truth
    hunt = tour.headline_hunt(deps, token, truth.start, truth.end)
    summary_step(generated, ingested, tenant, token, url, hunt)
    if not args.no_serve:
        serve_step(deps, args.host, args.port)
    return 0
