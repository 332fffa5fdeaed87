"""The attribute catalog, the materialized view, the read-time query and the host fields agree."""

from __future__ import annotations

import re

from services.core import migrate
from services.core.host_fields import DOCUMENT_ONLY_ATTRIBUTES, HOST_FIELD_LIST, ROLES
from services.hosts import store
from services.hosts.attributes import ATTRIBUTES, BY_NAME, READ_TIME

MV = next(m for m in migrate.migrations() if m.name == "0032_lean_host_attributes_mv")


def attributes_written_by_the_view() -> set[str]:
    return set(re.findall(r"SELECT tenant, ts, '([a-z0-9_]+)'", MV.sql))


def attributes_computed_when_read() -> set[str]:
    return set(re.findall(r"\('([a-z0-9_]+)', ", store.READ_TIME.split("ARRAY JOIN")[1]))


def test_the_catalog_lists_exactly_what_the_view_and_the_read_time_query_give() -> None:
    stored = {a.name for a in ATTRIBUTES if not a.read_time}
    written = attributes_written_by_the_view()
    assert stored <= written
    # stored in part only (what host search needs), completed when a document is read
    assert written - stored == {"client_peer", "dns_port"}
    assert attributes_computed_when_read() == READ_TIME
    assert len(ATTRIBUTES) >= 60
    # what host queries refuse (core) is what is not stored per host, plus the client peers,
    # stored for proxy-port clients only (`dns_port`, stored for ports other than 53, is the
    # part a search asks for)
    assert (READ_TIME - written) | {"client_peer"} == DOCUMENT_ONLY_ATTRIBUTES


def test_the_lean_view_replaces_the_old_one() -> None:
    assert MV.sql.count("DROP VIEW IF EXISTS host_attributes_mv;") == 1
    code = [line for line in MV.sql.splitlines() if not line.lstrip().startswith("--")]
    assert not any("GROUP BY" in line for line in code)  # merge-on-insert folds equal keys


def test_every_host_field_reads_catalogued_attributes() -> None:
    for host_field in HOST_FIELD_LIST:
        for name in host_field.attributes:
            assert name in BY_NAME, (host_field.field.name, name)


def test_role_evidence_names_are_ones_the_view_emits() -> None:
    evidence = MV.sql.split("'role_evidence'")[1].split("UNION ALL")[0]
    for rule in ROLES:
        for name in (*rule.all_of, *rule.any_of):
            assert f" '{name}',\n" in evidence, (rule.name, name)
