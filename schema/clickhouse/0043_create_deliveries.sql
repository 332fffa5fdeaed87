-- Webhook deliveries: one per (incident notification, webhook); the body is rendered once at
-- creation, so every attempt sends the same bytes, signature and Idempotency-Key.
CREATE TABLE IF NOT EXISTS deliveries (
    tenant LowCardinality(String),
    id UUID,
    webhook_id UUID,
    incident_id UUID,
    event LowCardinality(String),
    body String CODEC(ZSTD(1)),
    content_type LowCardinality(String),
    status LowCardinality(String),
    attempts UInt32,
    last_status_code UInt16,
    last_error String,
    created_at DateTime64(6, 'UTC'),
    updated_at DateTime64(6, 'UTC'),
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, webhook_id, id)
TTL toDateTime(created_at) + INTERVAL 90 DAY DELETE;

-- Every attempt of every delivery: the delivery log.
CREATE TABLE IF NOT EXISTS delivery_attempts (
    tenant LowCardinality(String),
    delivery_id UUID,
    webhook_id UUID,
    at DateTime64(6, 'UTC'),
    attempt UInt32,
    status_code UInt16,
    error String,
    duration_ms UInt32
) ENGINE = MergeTree
ORDER BY (tenant, delivery_id, at)
TTL toDateTime(at) + INTERVAL 90 DAY DELETE;
