-- Rejected lines, kept with the reason and the original bytes: nothing is ever lost.
CREATE TABLE IF NOT EXISTS ingest_rejects (
    tenant LowCardinality(String),
    received_at DateTime64(6, 'UTC') DEFAULT now64(6),
    source LowCardinality(String),
    source_offset UInt64,
    line_no UInt64,
    reason String,
    raw String CODEC(ZSTD(1))
) ENGINE = MergeTree
ORDER BY (tenant, received_at)
TTL toDateTime(received_at) + INTERVAL 90 DAY DELETE;

-- Confirmed progress of each file / stream source; a restart resumes from here.
CREATE TABLE IF NOT EXISTS ingest_checkpoints (
    tenant LowCardinality(String),
    source String,
    identity String,
    offset UInt64,
    lines UInt64,
    updated_at DateTime64(6, 'UTC') DEFAULT now64(6),
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, source, identity);

-- One row per ingest batch: feeds the status endpoint (last ingest time, counts per type).
CREATE TABLE IF NOT EXISTS ingest_batches (
    tenant LowCardinality(String),
    at DateTime64(6, 'UTC') DEFAULT now64(6),
    source LowCardinality(String),
    sensor LowCardinality(String),
    event_type LowCardinality(String),
    accepted UInt64,
    rejected UInt64,
    first_ts DateTime64(6, 'UTC'),
    last_ts DateTime64(6, 'UTC')
) ENGINE = MergeTree
ORDER BY (tenant, at);

-- Suricata `stats` events: sensor health, not security events.
CREATE TABLE IF NOT EXISTS sensor_stats (
    tenant LowCardinality(String),
    ts DateTime64(6, 'UTC'),
    sensor LowCardinality(String),
    uptime UInt64,
    kernel_packets UInt64,
    kernel_drops Int64,
    decoder_packets UInt64,
    decoder_bytes UInt64,
    flows UInt64,
    raw String CODEC(ZSTD(1))
) ENGINE = MergeTree
ORDER BY (tenant, sensor, ts)
TTL toDateTime(ts) + INTERVAL 90 DAY DELETE;
