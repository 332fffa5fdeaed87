"""The attribute catalog, the materialized view and the host fields agree."""

from __future__ import annotations

import re

from services.core import migrate
from services.core.host_fields import HOST_FIELD_LIST, ROLES
from services.hosts.attributes import ATTRIBUTES, BY_NAME

MV = next(m for m in migrate.migrations() if m.name == "0031_create_host_attributes_mv")


def attributes_written_by_the_view() -> set[str]:
    attribute_array = MV.sql.split(") AS ip,")[1].split(") AS attribute,")[0]
    lists = re.findall(r"\[([^\]]*)\]", attribute_array)
    return {name for items in lists for name in re.findall(r"'([a-z0-9_]+)'", items)}


def test_the_catalog_lists_exactly_what_the_view_writes() -> None:
    written = attributes_written_by_the_view()
    assert written == {a.name for a in ATTRIBUTES}
    assert len(ATTRIBUTES) >= 60


def test_every_host_field_reads_catalogued_attributes() -> None:
    for host_field in HOST_FIELD_LIST:
        for name in host_field.attributes:
            assert name in BY_NAME, (host_field.field.name, name)


def test_role_evidence_names_are_ones_the_view_emits() -> None:
    emitted = set(re.findall(r"'([a-z_]+)',\n", MV.sql.split("AS role_evidence")[0]))
    for rule in ROLES:
        for evidence in (*rule.all_of, *rule.any_of):
            assert f"'{evidence}'" in MV.sql, (rule.name, evidence)
    assert "dhcp" in emitted
