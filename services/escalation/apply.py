"""The ONE SQL path that applies a policy to events, shared by live application and backfills.

A `Window` says which events a run covers: a tenant's time range `[start, end)`, and for live
application the ingest batch too. Live application (`ingest_batch = batch`) and a backfill chunk
(a range of history, no batch predicate) run exactly the same statement:

    INSERT INTO <event_tags | declarations | event_suppressions> (...)
    SELECT ... FROM events
    WHERE tenant AND ts in window [AND ingest_batch = batch] AND (compiled filter)
      [AND not suppressed by an earlier policy]
      AND id NOT IN (rows this policy already wrote in the window)

The anti-join makes a run idempotent: re-running a batch or a chunk writes nothing twice, and the
tables are ReplacingMergeTree keyed by (tenant, policy, event), so even two concurrent runs
collapse on merge. Every value is bound; the SQL text is built from constant fragments, the
compiled filter (whose values are bound too) and column expressions from allowlists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from services.core.clickhouse import Client
from services.core.errors import Invalid
from services.escalation.records import Policy, Threat
from services.escalation.store import version

DATETIME = "DateTime64(6, 'UTC')"


def ip_text(column: str) -> str:
    """An IPv6 column as text, IPv4-mapped addresses as plain IPv4, `::` as ''."""
    return (
        f"if({column} = toIPv6('::'), '', "
        f"replaceRegexpOne(IPv6NumToString({column}), '^::ffff:([0-9.]+)$', '\\\\1'))"
    )


OFFENDER_COLUMNS = {"src_ip": "src_ip", "dest_ip": "dest_ip"}

# victim_type -> victim_key -> SQL expression over `events` (the allowlist of victim keys).
VICTIM_EXPRESSIONS: dict[str, dict[str, str]] = {
    "ip": {"src_ip": ip_text("src_ip"), "dest_ip": ip_text("dest_ip")},
    "username": {
        "smb.ntlmssp.user": "ntlmssp_user",
        "krb5.cname": "krb5_cname",
        "rdp.cookie": "rdp_cookie",
        "ftp.user": "ftp_user",
        "pgsql.user": "pgsql_user",
    },
    "mail": {
        "smtp.mail_from": "smtp_mail_from",
        "smtp.rcpt_to": "arrayElement(smtp_rcpt_to, 1)",
    },
}


@dataclass(frozen=True)
class Window:
    """The events one run covers: `[start, end)` of a tenant, optionally one ingest batch."""

    tenant: str
    start: datetime
    end: datetime
    batch_id: UUID | None = None

    def params(self) -> dict[str, Any]:
        found: dict[str, Any] = {"tenant": self.tenant, "start": self.start, "end": self.end}
        if self.batch_id is not None:
            found["batch"] = self.batch_id
        return found

    def predicate(self) -> str:
        scope = (
            f"tenant = {{tenant:String}} AND ts >= {{start:{DATETIME}}} AND ts < {{end:{DATETIME}}}"
        )
        if self.batch_id is not None:
            scope += " AND ingest_batch = {batch:UUID}"
        return scope


@dataclass(frozen=True)
class CompiledFilter:
    """A boolean SQL expression over `events` with its bound parameters (`f0`, `f1`, ...)."""

    sql: str
    params: dict[str, Any]


NOT_SUPPRESSED = """
      AND id NOT IN (
          SELECT event_id FROM event_suppressions
          WHERE tenant = {tenant:String}
            AND ts >= {start:DateTime64(6, 'UTC')} AND ts < {end:DateTime64(6, 'UTC')}
            AND policy_id IN {suppressors:Array(UUID)}
      )"""

# What the policy already wrote in the window (the anti-join that makes runs idempotent).
ALREADY = {
    "tag": """
          SELECT event_id FROM event_tags
          WHERE tenant = {tenant:String}
            AND ts >= {start:DateTime64(6, 'UTC')} AND ts < {end:DateTime64(6, 'UTC')}
            AND tag = {tag:String} AND policy_id = {policy:UUID}""",
    "declare": """
          SELECT event_id FROM declarations
          WHERE tenant = {tenant:String}
            AND ts >= {start:DateTime64(6, 'UTC')} AND ts < {end:DateTime64(6, 'UTC')}
            AND policy_id = {policy:UUID}""",
    "suppress": """
          SELECT event_id FROM event_suppressions
          WHERE tenant = {tenant:String}
            AND ts >= {start:DateTime64(6, 'UTC')} AND ts < {end:DateTime64(6, 'UTC')}
            AND policy_id = {policy:UUID}""",
}


INSERT_INTO = {
    "tag": """
    INSERT INTO event_tags (tenant, event_id, ts, tag, policy_id, version)
    SELECT tenant, id, ts, {tag:String}, {policy:UUID}, {version:UInt64}""",
    "declare": """
    INSERT INTO declarations (tenant, event_id, ts, policy_id, threat_id, kill_chain, type,
                              offender, victim, assets, version)
    SELECT tenant, id, ts, {policy:UUID}, {threat:UUID}, {kill_chain:String}, {type:String},
           {offender} AS offender_value, {victim} AS victim_value,
           arrayFilter(a -> a != '', [
               if({track_offender:Bool} AND offender_value != '',
                  concat('ip:', offender_value), ''),
               if({track_victim:Bool} AND victim_value != '',
                  concat({victim_type:String}, ':', victim_value), '')
           ]),
           {version:UInt64}""",
    "suppress": """
    INSERT INTO event_suppressions (tenant, event_id, ts, policy_id, version)
    SELECT tenant, id, ts, {policy:UUID}, {version:UInt64}""",
}

COUNT_WRITTEN = {
    "tag": """
        SELECT count() FROM event_tags
        WHERE tenant = {tenant:String}
          AND ts >= {start:DateTime64(6, 'UTC')} AND ts < {end:DateTime64(6, 'UTC')}
          AND tag = {tag:String} AND policy_id = {policy:UUID} AND version = {version:UInt64}""",
    "declare": """
        SELECT count() FROM declarations
        WHERE tenant = {tenant:String}
          AND ts >= {start:DateTime64(6, 'UTC')} AND ts < {end:DateTime64(6, 'UTC')}
          AND policy_id = {policy:UUID} AND version = {version:UInt64}""",
    "suppress": """
        SELECT count() FROM event_suppressions
        WHERE tenant = {tenant:String}
          AND ts >= {start:DateTime64(6, 'UTC')} AND ts < {end:DateTime64(6, 'UTC')}
          AND policy_id = {policy:UUID} AND version = {version:UInt64}""",
}

COUNT_WINDOW = "SELECT count() FROM events WHERE {predicate}"


def statement(policy: Policy, window: Window, flt: CompiledFilter, suppressed: bool) -> str:
    """The INSERT … SELECT of `policy` over `window` (text only; values are bound)."""
    head = INSERT_INTO[policy.action]
    extra = ""
    if policy.action == "declare":
        offender = OFFENDER_COLUMNS[policy.option("offender_key") or "src_ip"]
        head = head.replace("{offender}", ip_text(offender))
        head = head.replace("{victim}", victim_expression(policy))
        extra = f" AND {offender} != toIPv6('::')"
    return (
        f"{head}\n    FROM events\n    WHERE {window.predicate()} AND ({flt.sql}){extra}"
        f"{NOT_SUPPRESSED if suppressed else ''}\n"
        f"      AND id NOT IN ({ALREADY[policy.action]}\n      )"
    )


def victim_expression(policy: Policy) -> str:
    victim_type = policy.option("victim_type")
    victim_key = policy.option("victim_key")
    if not victim_type or not victim_key:
        return "''"
    try:
        return VICTIM_EXPRESSIONS[victim_type][victim_key]
    except KeyError:
        raise Invalid(f"victim_key: {victim_key!r} is not a {victim_type} field") from None


def action_params(policy: Policy, threat: Threat | None) -> dict[str, Any]:
    params: dict[str, Any] = {"policy": policy.id}
    if policy.action == "tag":
        params["tag"] = policy.option("tag")
    elif policy.action == "declare":
        if threat is None:
            raise Invalid(f"policy {policy.id}: its threat no longer exists")
        params.update(
            threat=threat.id,
            kill_chain=threat.kill_chain,
            type=policy.option("type"),
            track_offender=bool(policy.option("track_offender", True)),
            track_victim=bool(policy.option("track_victim", False)),
            victim_type=policy.option("victim_type") or "",
        )
    return params


def apply_policy(
    ch: Client,
    window: Window,
    policy: Policy,
    flt: CompiledFilter,
    threat: Threat | None = None,
    suppressors: list[UUID] | None = None,
) -> int:
    """Apply `policy` to the events of `window`; return how many events it newly acted on."""
    run_version = version()
    params = {
        **flt.params,
        **window.params(),
        **action_params(policy, threat),
        "version": run_version,
    }
    if suppressors:
        params["suppressors"] = suppressors
    ch.command(statement(policy, window, flt, bool(suppressors)), parameters=params)
    written = ch.query(COUNT_WRITTEN[policy.action], parameters=params).result_rows
    return int(written[0][0])


def events_in_window(ch: Client, window: Window) -> int:
    """How many events the window covers (what each policy of the run evaluated)."""
    sql = COUNT_WINDOW.replace("{predicate}", window.predicate())
    return int(ch.query(sql, parameters=window.params()).result_rows[0][0])
