-- Escalation configuration: policies (tag / declare / suppress), threats, webhooks.
-- ReplacingMergeTree(version) with a `deleted` flag: read with FINAL and NOT deleted.

-- A policy: its filter and action options are kept whole in `spec` (JSON, the validated create
-- body); the columns the engine filters and orders on are promoted.
CREATE TABLE IF NOT EXISTS policies (
    tenant LowCardinality(String),
    id UUID,
    position Int64,
    action LowCardinality(String),
    enabled Bool,
    spec String,
    created_at DateTime64(6, 'UTC'),
    created_by String,
    updated_at DateTime64(6, 'UTC'),
    updated_by String,
    deleted Bool DEFAULT false,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, id);

-- Threats and their families; the id of a threat is derived from its tenant and name.
CREATE TABLE IF NOT EXISTS threats (
    tenant LowCardinality(String),
    id UUID,
    name String,
    family String,
    description String,
    kill_chain LowCardinality(String),
    created_at DateTime64(6, 'UTC'),
    created_by String,
    deleted Bool DEFAULT false,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, id);

-- Webhook destinations. `template` is a Jinja2 template (sandboxed) or empty for `preset`.
CREATE TABLE IF NOT EXISTS webhooks (
    tenant LowCardinality(String),
    id UUID,
    name String,
    url String,
    secret String,
    template String,
    preset LowCardinality(String),
    enabled Bool,
    created_at DateTime64(6, 'UTC'),
    updated_at DateTime64(6, 'UTC'),
    deleted Bool DEFAULT false,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, id);
