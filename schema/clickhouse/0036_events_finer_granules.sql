-- Granules of at most 1 MiB (uncompressed) for `events`, so that reading one event reads little
-- around it. The evidence of a host (`GET /api/v1/hosts/{ip}/events`) reads ~100 events that
-- each sit in another granule; with the default 10 MiB granules (8,192 rows of ~600-byte lines)
-- most of its time went to decompressing `raw` around them. Measured at 10M events
-- (bench/hosts.py data, same rows in both tables): evidence p50 479 -> 187 ms (67-70 ms without
-- `raw` either way); scans unchanged within noise (Public DNS count 35 / 31 ms, its hosts
-- 87 / 84 ms, top sources over every row 185 / 196 ms, a `raw` substring search 469 / 382 ms).
--
-- `index_granularity_bytes` cannot be altered on an existing table, so the table is swapped:
-- an empty one with the new settings takes the name `events` first (inserts from now on land
-- there), then every partition of the old one is attached to it (hard links: no copy, no
-- extra disk) and the old one is dropped. Parts attached keep their granules, and so do the
-- parts merged from them (a vertical merge keeps its sources' granules: checked, even with
-- OPTIMIZE ... FINAL); new events get the finer ones, so the old granules leave with retention.
-- Settings carried over: 0001 (ttl_only_drop_parts), 0009 (TTL from ingested_at), 0035
-- (Compact batch parts); the columns, indexes and projections come with `AS events`.
CREATE TABLE IF NOT EXISTS events_0036 AS events
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (tenant, event_type, ts)
TTL toDateTime(ingested_at) + INTERVAL 90 DAY
SETTINGS index_granularity_bytes = 1048576, ttl_only_drop_parts = 1,
    min_bytes_for_wide_part = 134217728;
EXCHANGE TABLES events AND events_0036;
ALTER TABLE events ATTACH PARTITION ALL FROM events_0036;
DROP TABLE events_0036;
