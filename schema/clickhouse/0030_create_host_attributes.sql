-- Host insights: one row per (tenant, host ip, attribute, value, day) with first/last seen, the
-- number of events that showed it and an amount (bytes, for `traffic`). Filled at insert time by
-- `host_attributes_mv` (0031); the hosts service only reads. Rows of one key merge in the
-- background (min/max/sum), so readers aggregate again with min/max/sum ... GROUP BY.
-- The projection serves host search by attribute (`role:...`, `username:*`) over every host.
-- No TTL: a TTL relative to now erases replayed captures (old timestamps) right after insert,
-- and this table is orders of magnitude smaller than `events`; readers always bound by `day`.
-- Retention is `ALTER TABLE host_attributes DROP PARTITION <yyyymm>` of months past retention.
CREATE TABLE IF NOT EXISTS host_attributes (
    tenant LowCardinality(String),
    ip IPv6,
    attribute LowCardinality(String),
    value String,
    day Date,
    first_seen SimpleAggregateFunction(min, DateTime64(6, 'UTC')),
    last_seen SimpleAggregateFunction(max, DateTime64(6, 'UTC')),
    count SimpleAggregateFunction(sum, UInt64),
    amount SimpleAggregateFunction(sum, UInt64),
    PROJECTION by_attribute (SELECT * ORDER BY tenant, attribute, value, ip, day)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (tenant, ip, attribute, value, day)
SETTINGS deduplicate_merge_projection_mode = 'rebuild';
