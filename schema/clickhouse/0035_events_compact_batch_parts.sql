-- An ingest batch writes one part of `events` (50,000 lines by default, ~60 MB uncompressed).
-- As a Wide part that is ~110 columns, each its own data and marks files, plus the files of
-- the projections and skip indexes: creating, writing and checksumming them was a third of
-- the batch's insert. Parts below 128 MiB (uncompressed) are now written Compact (one data
-- file, columns one after another per granule); merges turn them Wide once they grow past it,
-- so the large parts that hunts scan stay Wide. Measured (bench/ingest.py and an ad-hoc
-- harness, 50k-line batches): the insert of a batch 305-457 -> 205-277 ms, the pipeline
-- 42-48k -> 50k events/s with a third less system time (docs/PERFORMANCE.md, Ingest).
ALTER TABLE events MODIFY SETTING min_bytes_for_wide_part = 134217728;
