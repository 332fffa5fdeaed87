-- Host insights read the per-flow attributes of one host (peers, queried domains, SNIs, HTTP
-- hosts, files, traffic) from `events` when its document is asked for (see 0032). These two
-- projections make "the events of one IP, either side" an index lookup: each holds only the
-- row numbers (`_part_offset`) of its part sorted by (tenant, ip), so the engine finds the
-- rows of one address without scanning and reads them from the part itself. Measured: they
-- add no insert cost within the noise of bench/hosts.py (no column is stored twice). Parts
-- written before this migration keep the bloom-filter skip indexes of 0001.
ALTER TABLE events ADD PROJECTION IF NOT EXISTS by_src_ip (SELECT _part_offset ORDER BY tenant, src_ip);
ALTER TABLE events ADD PROJECTION IF NOT EXISTS by_dest_ip (SELECT _part_offset ORDER BY tenant, dest_ip);
