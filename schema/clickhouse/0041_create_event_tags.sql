-- What policies did to events. One row per (event, policy): re-applying a policy to the same
-- events writes nothing new (anti-join at insert) and duplicates from concurrent runs collapse
-- on merge (ReplacingMergeTree keyed by tenant, tag/policy, event).

-- Classification: `tag` is `relevant` or `informational`. The filter language's `tag` field
-- reads this table: `id IN (SELECT event_id FROM event_tags WHERE tenant = ... AND tag = ...)`.
CREATE TABLE IF NOT EXISTS event_tags (
    tenant LowCardinality(String),
    event_id UUID,
    ts DateTime64(6, 'UTC'),
    tag LowCardinality(String),
    policy_id UUID,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(ts)
ORDER BY (tenant, tag, event_id, policy_id)
TTL toDateTime(ts) + INTERVAL 90 DAY DELETE;

-- Suppressed events: kept in storage and countable; hunts hide them
-- (`id NOT IN (SELECT event_id FROM event_suppressions WHERE tenant = ...)`).
CREATE TABLE IF NOT EXISTS event_suppressions (
    tenant LowCardinality(String),
    event_id UUID,
    ts DateTime64(6, 'UTC'),
    policy_id UUID,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(ts)
ORDER BY (tenant, event_id, policy_id)
TTL toDateTime(ts) + INTERVAL 90 DAY DELETE;
