-- API tokens, stored as SHA-256 hashes; scopes read < write < admin.
CREATE TABLE IF NOT EXISTS api_tokens (
    token_hash String,
    tenant LowCardinality(String),
    name String,
    scope LowCardinality(String),
    created_at DateTime64(3, 'UTC') DEFAULT now64(3),
    revoked Bool DEFAULT false,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY token_hash;

-- Who changed what, when, and why.
CREATE TABLE IF NOT EXISTS audit_log (
    tenant LowCardinality(String),
    at DateTime64(6, 'UTC') DEFAULT now64(6),
    actor String,
    action LowCardinality(String),
    object_type LowCardinality(String),
    object_id String,
    comment String,
    details String
) ENGINE = MergeTree
ORDER BY (tenant, at);

-- Named networks: organization context attached to every event at ingest.
CREATE TABLE IF NOT EXISTS networks (
    tenant LowCardinality(String),
    name String,
    cidrs Array(String),
    department String,
    home Bool,
    version UInt64,
    deleted Bool DEFAULT false
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, name);
