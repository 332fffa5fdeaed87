-- The delivery log moves into the delivery row: every attempt rewrites the row (a new version)
-- with the whole log, so an attempt costs one insert instead of two (the embedded engine runs
-- one statement at a time; webhook throughput is bound by statements per batch).
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS log Array(Tuple(at DateTime64(6, 'UTC'), attempt UInt32, status_code UInt16, error String, duration_ms UInt32));

DROP TABLE IF EXISTS delivery_attempts;
