"""The attribute catalog, the rollup and the host fields agree."""

from __future__ import annotations

import re

from services.core.host_fields import HOST_FIELD_LIST, PROXY_CLIENT, ROLE_ATTRIBUTES, ROLES
from services.hosts import rollup
from services.hosts.attributes import ATTRIBUTES, BY_NAME


def attributes_rolled_up() -> set[str]:
    return set(re.findall(r"SELECT ts, [^']*'([a-z0-9_]+)'", rollup.ROWS))


def test_the_catalog_lists_exactly_what_the_rollup_writes() -> None:
    assert attributes_rolled_up() == {a.name for a in ATTRIBUTES}
    assert len(ATTRIBUTES) >= 60


def test_every_host_field_reads_catalogued_attributes() -> None:
    for host_field in HOST_FIELD_LIST:
        for name in host_field.attributes:
            assert name in BY_NAME, (host_field.field.name, name)
    assert set(ROLE_ATTRIBUTES) <= set(BY_NAME)
    assert PROXY_CLIENT in BY_NAME


def test_role_evidence_names_are_ones_the_rollup_emits() -> None:
    evidence = rollup.ROWS.split("'role_evidence'")[1].split("UNION ALL")[0]
    for rule in ROLES:
        for name in (*rule.all_of, *rule.any_of):
            assert f" '{name}',\n" in evidence, (rule.name, name)
