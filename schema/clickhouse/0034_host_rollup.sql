-- Host insights rolled up per ingest batch, off the insert path (replaces host_attributes_mv).
--
-- A materialized view runs inside every INSERT into `events`: whatever it writes, the insert
-- waits for. Measured (bench/hosts.py): writing the host rows cost 35-77 % of the insert, and
-- the lean view of 0032 only got there by leaving out the per-flow attributes (peers, domains,
-- SNIs, files, traffic), which host documents then recomputed from `events` (108 ms at 10M).
-- Now a worker task rolls each stored batch up into `host_attributes` after the insert
-- (services/hosts/rollup.py): every attribute, per-flow ones included, and the insert of
-- `events` pays nothing for it. Host search and documents see a batch once it is rolled up,
-- a second or so after it is stored.
--
-- The batch is the unit: `ingest_batches.batch_id` lists what was stored, `host_rollups` what
-- was rolled up. A rollup's insert carries a deduplication token (the batch), so a retry after
-- a crash between the insert and its mark adds nothing twice; only rollups write this table.
-- Events stored before this migration keep the rows the view gave them.
DROP VIEW IF EXISTS host_attributes_mv;
ALTER TABLE ingest_batches ADD COLUMN IF NOT EXISTS batch_id UUID;
ALTER TABLE host_attributes MODIFY SETTING non_replicated_deduplication_window = 10000;
CREATE TABLE IF NOT EXISTS host_rollups (
    tenant LowCardinality(String),
    batch_id UUID,
    at DateTime64(6, 'UTC') DEFAULT now64(6),
    events UInt64
) ENGINE = ReplacingMergeTree
ORDER BY (tenant, batch_id)
TTL toDateTime(at) + INTERVAL 90 DAY DELETE;
