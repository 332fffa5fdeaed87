-- Provenance for exactly-once resume: every stored line (event, reject or stats) names its
-- source and byte offset, and when it was stored, so a restarted ingest can tell which lines of
-- an unconfirmed batch already made it (services/ingest/checkpoints.py).
ALTER TABLE sensor_stats ADD COLUMN IF NOT EXISTS source LowCardinality(String);
ALTER TABLE sensor_stats ADD COLUMN IF NOT EXISTS source_offset UInt64;
ALTER TABLE sensor_stats ADD COLUMN IF NOT EXISTS ingest_batch UUID;
ALTER TABLE sensor_stats ADD COLUMN IF NOT EXISTS ingested_at DateTime64(3, 'UTC') DEFAULT now64(3);

-- A restart looks up the rows stored since the last checkpoint: let it skip old granules.
ALTER TABLE events ADD INDEX IF NOT EXISTS idx_ingested_at ingested_at TYPE minmax GRANULARITY 1;
ALTER TABLE ingest_rejects ADD INDEX IF NOT EXISTS idx_source_offset source_offset TYPE minmax GRANULARITY 1;
