-- HTTP ingest requests sent with an `Idempotency-Key`: the answer given, so that a client's
-- retry (a timeout, a dropped connection) gets the same answer without storing the events
-- twice. Keyed per tenant; a key is remembered for 7 days. `body_sha256` is the digest of the
-- decompressed body: the same key with another body is refused (409).
CREATE TABLE IF NOT EXISTS ingest_requests (
    tenant LowCardinality(String),
    key String,
    body_sha256 String,
    response String,
    at DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplacingMergeTree(at)
ORDER BY (tenant, key)
TTL toDateTime(at) + INTERVAL 7 DAY DELETE;
