-- Reference lists for `field:@name` filters: addresses, CIDRs and names (tenant '' = shipped).
-- A PUT writes every item under a new version, then the header row naming that version; readers
-- take items of the header's current version only, so they see the old list or the new one,
-- never a mix. Items of older versions are deleted afterwards.
CREATE TABLE IF NOT EXISTS lists (
    tenant LowCardinality(String),
    name String,
    description String,
    source String,
    item_count UInt64,
    version UInt64,
    deleted Bool,
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, name);

-- kind: ip (ip_first = ip_last = the address) | cidr (first..last of the network) | name.
-- match (names): exact | suffix (the name or any subdomain) | prefix | contains.
-- IPv4 is stored IPv4-mapped, like events.src_ip / dest_ip.
CREATE TABLE IF NOT EXISTS list_items (
    tenant LowCardinality(String),
    list String,
    version UInt64,
    kind LowCardinality(String),
    value String,
    ip_first IPv6,
    ip_last IPv6,
    match LowCardinality(String),
    attrs Map(String, String),
    deleted Bool
)
ENGINE = MergeTree
ORDER BY (tenant, list, version, kind, value);
