-- Retention counts from when a row was stored, not from the event's own time: a TTL on `ts`
-- silently dropped every imported historical event (pcap replays, backfills of old EVE files,
-- the public corpus from 2002-2024) at insert, breaking "nothing is lost".
ALTER TABLE events MODIFY TTL toDateTime(ingested_at) + INTERVAL 90 DAY DELETE;
ALTER TABLE sensor_stats MODIFY TTL toDateTime(ingested_at) + INTERVAL 90 DAY DELETE;
