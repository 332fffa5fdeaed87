-- One row per stored batch with events: whether `escalation.apply_policies` was sent for it.
-- `status` is sent, failed (broker down; `error` says why) or skipped (no broker, e.g. the
-- embedded CLI). A catch-up re-sends the batches that were not sent.
CREATE TABLE IF NOT EXISTS ingest_dispatches (
    tenant LowCardinality(String),
    at DateTime64(6, 'UTC') DEFAULT now64(6),
    batch_id UUID,
    source LowCardinality(String),
    start DateTime64(6, 'UTC'),
    end DateTime64(6, 'UTC'),
    events UInt64,
    status LowCardinality(String),
    error String
) ENGINE = MergeTree
ORDER BY (tenant, at)
TTL toDateTime(at) + INTERVAL 90 DAY DELETE;
