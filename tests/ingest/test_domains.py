"""Domain breakdown of real names from the corpus (offline public suffix list)."""

from __future__ import annotations

import pytest

from services.ingest.domains import HostnameInfo, clean_host, hostname_info, url_host


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "www.suricata.io",
            HostnameInfo("www.suricata.io", "www", "suricata.io", "suricata.io", "io", "suricata"),
        ),
        (
            "prottahobarta.com",
            HostnameInfo(
                "prottahobarta.com",
                "",
                "prottahobarta.com",
                "prottahobarta.com",
                "com",
                "prottahobarta",
            ),
        ),
        (
            "static.programme-tv.net",
            HostnameInfo(
                "static.programme-tv.net",
                "static",
                "programme-tv.net",
                "programme-tv.net",
                "net",
                "programme-tv",
            ),
        ),
        (
            "news.bbc.co.uk",
            HostnameInfo("news.bbc.co.uk", "news", "bbc.co.uk", "bbc.co.uk", "co.uk", "bbc"),
        ),
        (
            "xpaywalletcdn.azureedge.net",
            HostnameInfo(
                "xpaywalletcdn.azureedge.net",
                "xpaywalletcdn",
                "azureedge.net",
                "xpaywalletcdn.azureedge.net",
                "net",
                "azureedge",
            ),
        ),
    ],
)
def test_breakdown_of_corpus_names(name: str, expected: HostnameInfo) -> None:
    assert hostname_info(name) == expected


def test_private_suffixes_only_change_domain_private() -> None:
    duck = hostname_info("myhome.duckdns.org")
    assert (duck.domain, duck.tld, duck.subdomain) == ("duckdns.org", "org", "myhome")
    assert duck.domain_private == "myhome.duckdns.org"
    blog = hostname_info("someone.blogspot.com")
    assert blog.domain == "blogspot.com"
    assert blog.domain_private == "someone.blogspot.com"
    # a name that is itself a private suffix falls back to its ICANN domain
    assert hostname_info("duckdns.org").domain_private == "duckdns.org"


def test_names_are_lowercased_and_lose_the_root_dot() -> None:
    assert hostname_info("WWW.Suricata.IO.") == hostname_info("www.suricata.io")


def test_http_host_with_port() -> None:
    info = hostname_info("Example.COM:8080")
    assert (info.host, info.domain, info.tld) == ("example.com", "example.com", "com")


@pytest.mark.parametrize("name", ["10.0.0.1", "2a03:b0c0:2:d0::bd3:4001", "[2001:db8::1]:443"])
def test_ip_literals_are_flagged_and_not_split(name: str) -> None:
    info = hostname_info(name)
    assert info.is_ip
    assert (info.domain, info.tld, info.subdomain) == ("", "", "")


def test_internal_names_group_by_their_last_two_labels() -> None:
    info = hostname_info("win-cnneq7ocuqs.picklesworth.local")
    assert (info.domain, info.tld, info.domain_without_tld, info.subdomain) == (
        "picklesworth.local",
        "local",
        "picklesworth",
        "win-cnneq7ocuqs",
    )
    single = hostname_info("SnickleFritz")
    assert single == HostnameInfo(host="snicklefritz")


def test_bare_public_suffix_has_no_domain() -> None:
    info = hostname_info("co.uk")
    assert (info.tld, info.domain) == ("co.uk", "")


def test_empty_name() -> None:
    assert hostname_info("") == HostnameInfo()
    assert hostname_info(" . ") == HostnameInfo()


def test_clean_host_and_url_host() -> None:
    assert clean_host("[fe80::1]") == "fe80::1"
    assert clean_host("a.example.") == "a.example"
    assert url_host("https://user@www.example.org:8443/path?q=1#x") == "www.example.org:8443"
    assert url_host("http://evil.test") == "evil.test"
    assert url_host("www.example.org/index.html") == "www.example.org"
