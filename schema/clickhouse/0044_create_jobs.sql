-- Background jobs (historical backfills of a policy), walked in chunks of time.
CREATE TABLE IF NOT EXISTS jobs (
    tenant LowCardinality(String),
    id UUID,
    kind LowCardinality(String),
    policy_id UUID,
    status LowCardinality(String),
    range_start DateTime64(6, 'UTC'),
    range_end DateTime64(6, 'UTC'),
    chunk_seconds UInt32,
    chunks_total UInt32,
    events_total UInt64,
    webhooks Bool,
    created_at DateTime64(6, 'UTC'),
    created_by String,
    started_at DateTime64(6, 'UTC'),
    finished_at DateTime64(6, 'UTC'),
    error String,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, id);

-- Completed chunks of a job: a resumed job skips them; progress is read from here.
CREATE TABLE IF NOT EXISTS job_chunks (
    tenant LowCardinality(String),
    job_id UUID,
    chunk UInt32,
    events_seen UInt64,
    events_acted UInt64,
    done_at DateTime64(6, 'UTC'),
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, job_id, chunk);

-- Cancellation requests, apart from the job row so that a running job cannot overwrite them.
CREATE TABLE IF NOT EXISTS job_cancellations (
    tenant LowCardinality(String),
    job_id UUID,
    at DateTime64(6, 'UTC'),
    actor String
) ENGINE = MergeTree
ORDER BY (tenant, job_id);

-- Events each policy evaluated, per run (a live batch or a backfill chunk); re-running a batch
-- replaces its row, so `events_seen` does not double.
CREATE TABLE IF NOT EXISTS policy_runs (
    tenant LowCardinality(String),
    policy_id UUID,
    run_key String,
    events_seen UInt64,
    at DateTime64(6, 'UTC'),
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, policy_id, run_key);
