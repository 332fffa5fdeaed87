-- Fewer, wider merges of `events`. Ingest writes one part per batch (50,000 lines); the default
-- merge selector merged them a few at a time, so each row was rewritten (`raw` recompressed,
-- ~110 columns, the projections and skip indexes rebuilt) at every level of a shallow tree, and
-- while 1M lines were ingested those merges took a third or more of the process's CPU. With a
-- selector base of 20 (5 by default) and without the heuristic that narrows merges while a
-- partition has few parts, merges take many parts at once and each row is rewritten about once
-- per twentyfold growth of its part. Measured, 1M lines ingested three times each way (CPU of
-- the process; events/s): default 43-58 s, 31-43k/s; this 33-37 s, 45-49k/s; with
-- `min_parts_to_merge_at_once = 10` instead, 40-43 s, 40-44k/s (docs/PERFORMANCE.md, Ingest).
-- A day partition holds more small parts meanwhile (up to ~20 per size level), which hunts
-- read in parallel.
ALTER TABLE events MODIFY SETTING merge_selector_base = 20,
    merge_selector_enable_heuristic_to_lower_max_parts_to_merge_at_once = 0;
