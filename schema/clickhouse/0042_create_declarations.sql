-- Declarations of Compromise / Policy Violation: one row per escalated (event, policy).
-- `assets` lists the incident keys the row belongs to (`ip:10.0.0.5`, `username:bob`): the
-- offender when tracked, the victim when tracked. `declared_at` is when the row was written.
CREATE TABLE IF NOT EXISTS declarations (
    tenant LowCardinality(String),
    event_id UUID,
    ts DateTime64(6, 'UTC'),
    policy_id UUID,
    threat_id UUID,
    kill_chain LowCardinality(String),
    type LowCardinality(String),
    offender String,
    victim String,
    assets Array(String),
    declared_at DateTime64(6, 'UTC') DEFAULT now64(6),
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, policy_id, event_id);

-- Incidents: one per (tenant, threat, asset); the id is derived from those three, so an
-- incident is created once however many runs see it. Counts, first/last seen and the kill-chain
-- phase are read from `declarations`; this table keeps identity and status.
CREATE TABLE IF NOT EXISTS incidents (
    tenant LowCardinality(String),
    id UUID,
    threat_id UUID,
    asset_type LowCardinality(String),
    asset String,
    policy_id UUID,
    status LowCardinality(String),
    opened_at DateTime64(6, 'UTC'),
    status_changed_at DateTime64(6, 'UTC'),
    reopened UInt32,
    comment String,
    updated_by String,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, id);
