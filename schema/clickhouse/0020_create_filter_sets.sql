-- Saved hunting filter sets (the guided catalog is shipped as data, not stored here).
-- A set holds a text `query` and/or Stamus `content` (JSON list of {id, value, negated,
-- fullString}); `owner` is the creator's token name; `shared` makes it visible to the tenant.
CREATE TABLE IF NOT EXISTS filter_sets (
    tenant LowCardinality(String),
    id UUID,
    name String,
    description String,
    category LowCardinality(String),
    query String,
    content String,
    facets Array(String),
    page LowCardinality(String),
    owner String,
    shared Bool,
    created_at DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC'),
    version UInt64,
    deleted Bool
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, id);

-- Which content hash of each shipped reference list is installed (tenant '' lists), so that
-- `install_shipped` rewrites a list only when the shipped data changed.
CREATE TABLE IF NOT EXISTS shipped_list_versions (
    name String,
    content_hash String,
    list_version UInt64,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY name;
