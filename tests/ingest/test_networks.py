"""Named networks: default map, custom departments, most specific wins, IPv6, load/save."""

from __future__ import annotations

import pytest

from services.core import errors
from services.core.clickhouse import Client
from services.ingest import networks
from services.ingest.networks import Network, NetworkMap, Placement

TENANT = "acme"


@pytest.mark.parametrize(
    ("ip", "net"),
    [
        ("10.4.17.101", "rfc1918-10"),
        ("172.16.5.4", "rfc1918-172"),
        ("172.32.0.1", "internet"),
        ("192.168.86.85", "rfc1918-192"),
        ("100.64.1.1", "cgnat"),
        ("169.254.10.10", "link-local"),
        ("fe80::1", "link-local"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("fc0c:0000:0000:0000:0000:0000:0000:0094", "ula"),
        ("fd00::5", "ula"),
        ("::ffff:10.1.1.1", "rfc1918-10"),
        ("8.8.8.8", "internet"),
        ("2606:2800:0220:0001:0248:1893:25c8:1946", "internet"),
    ],
)
def test_default_map(ip: str, net: str) -> None:
    place = NetworkMap.default().lookup(ip)
    assert place.net == net
    assert place.internal == (net != "internet")


def test_canonical_ip_text() -> None:
    lookup = NetworkMap.default().lookup
    assert lookup("2a03:b0c0:0002:00d0:0000:0000:0bd3:4001").ip == "2a03:b0c0:2:d0::bd3:4001"
    assert lookup("::ffff:192.168.1.1").ip == "192.168.1.1"
    assert lookup(" 8.8.8.8 ").ip == "8.8.8.8"
    assert lookup("fe80::1%eth0").ip == "fe80::1"


@pytest.mark.parametrize("ip", ["", "not-an-ip", "300.1.1.1", "1.2.3"])
def test_invalid_ip_is_unspecified_without_net(ip: str) -> None:
    assert NetworkMap.default().lookup(ip) == Placement("::", "", "", False)


def test_custom_departments_and_most_specific_wins() -> None:
    custom = NetworkMap(
        [
            Network("corp", ("10.0.0.0/8",), "IT", True),
            Network("finance", ("10.20.0.0/16",), "Finance", True),
            Network("finance-printers", ("10.20.5.0/24",), "Facilities", True),
            Network("partner", ("203.0.113.0/24",), "Partners", False),
            Network("corp-v6", ("2001:db8::/32",), "IT", True),
            Network("lab-v6", ("2001:db8:1::/48",), "R&D", True),
        ]
    )
    assert custom.lookup("10.1.1.1") == Placement("10.1.1.1", "corp", "IT", True)
    assert custom.lookup("10.20.1.1") == Placement("10.20.1.1", "finance", "Finance", True)
    assert custom.lookup("10.20.5.9").net == "finance-printers"
    assert custom.lookup("203.0.113.7") == Placement("203.0.113.7", "partner", "Partners", False)
    assert custom.lookup("2001:db8:1::5").department == "R&D"
    assert custom.lookup("2001:db8:2::5").net == "corp-v6"
    assert custom.lookup("192.168.1.1") == Placement("192.168.1.1", "internet", "", False)


def test_invalid_networks_are_refused() -> None:
    with pytest.raises(errors.Invalid, match="not a CIDR"):
        networks.validate([Network("x", ("10.0.0.0/33",))])
    with pytest.raises(errors.Invalid, match="defined twice"):
        networks.validate([Network("x", ("10.0.0.0/8",)), Network("x", ("11.0.0.0/8",))])
    with pytest.raises(errors.Invalid, match="reserved"):
        networks.validate([Network("internet", ("0.0.0.0/0",))])
    with pytest.raises(errors.Invalid, match="no CIDRs"):
        networks.validate([Network("empty", ())])


def test_load_falls_back_to_default_then_reads_saved_networks(ch: Client) -> None:
    assert networks.load(ch, TENANT).networks == networks.DEFAULT_NETWORKS
    networks.save(
        ch,
        TENANT,
        [
            Network("office", ("10.0.0.0/8",), "IT", True),
            Network("servers", ("10.9.0.0/16",), "Ops", True),
        ],
    )
    loaded = networks.load(ch, TENANT)
    assert loaded.lookup("10.9.1.1") == Placement("10.9.1.1", "servers", "Ops", True)
    assert loaded.lookup("192.168.1.1").net == "internet"
    # another tenant is not affected
    assert networks.load(ch, "other").networks == networks.DEFAULT_NETWORKS


def test_save_replaces_the_previous_networks(ch: Client) -> None:
    networks.save(ch, TENANT, [Network("old", ("10.0.0.0/8",), "IT", True)])
    networks.save(ch, TENANT, [Network("new", ("192.168.0.0/16",), "Lab", True)])
    assert [n.name for n in networks.stored(ch, TENANT)] == ["new"]
    networks.save(ch, TENANT, [])
    assert networks.stored(ch, TENANT) == []
    assert networks.load(ch, TENANT).networks == networks.DEFAULT_NETWORKS
