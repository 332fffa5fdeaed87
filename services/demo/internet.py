"""The outside world the demo organization talks to: sites, resolvers, TLS clients, user agents.

Everything here is constant data. Site addresses are derived from the site name (md5), so the
same name always resolves to the same addresses, and no site address is a public resolver's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# Public resolvers (addresses from shared/reference/dns/public_resolvers.csv).
PUBLIC_DO53: tuple[tuple[str, str], ...] = (
    ("8.8.8.8", "Google"),
    ("8.8.4.4", "Google"),
    ("1.1.1.1", "Cloudflare"),
    ("1.0.0.1", "Cloudflare"),
    ("9.9.9.9", "Quad9"),
    ("149.112.112.112", "Quad9"),
    ("208.67.222.222", "Cisco OpenDNS"),
    ("208.67.220.220", "Cisco OpenDNS"),
    ("94.140.14.14", "AdGuard"),
    ("94.140.15.15", "AdGuard"),
    ("4.2.2.1", "Level3 / Lumen"),
    ("185.228.168.9", "CleanBrowsing"),
    ("76.76.2.0", "ControlD"),
)
# DNS-over-HTTPS endpoints: SNI -> addresses.
DOH_SERVERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dns.google", ("8.8.8.8", "8.8.4.4")),
    ("cloudflare-dns.com", ("104.16.248.249", "104.16.249.249")),
    ("doh.opendns.com", ("146.112.41.2",)),
    ("dns.quad9.net", ("9.9.9.9", "149.112.112.112")),
)
# DNS-over-TLS endpoints (TCP 853): SNI -> addresses.
DOT_SERVERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("one.one.one.one", ("1.1.1.1", "1.0.0.1")),
    ("dns.quad9.net", ("9.9.9.9", "149.112.112.112")),
)
# The ISP's resolvers, the approved upstream of the internal resolvers (not public resolvers).
ISP_UPSTREAM: tuple[str, ...] = ("194.168.4.100", "194.168.8.100")
# Rented servers answering DNS on an odd port.
ODD_PORT_RESOLVERS: tuple[tuple[str, int], ...] = (("45.77.162.84", 5053), ("139.180.201.25", 8053))

# Dynamic-DNS names and where they point.
DYNDNS_NAMES: tuple[tuple[str, str], ...] = (
    ("contoso-lab.duckdns.org", "86.12.144.73"),
    ("jsmith-home.ddns.net", "81.101.52.190"),
    ("nas-backup.duckdns.org", "92.40.18.211"),
    ("camview.no-ip.org", "78.146.9.120"),
)

_PROVIDER_PREFIXES: dict[str, tuple[str, ...]] = {
    "google": ("142.250", "172.217", "216.58"),
    "microsoft": ("13.107", "20.190", "52.96", "40.126"),
    "akamai": ("23.52", "23.215", "2.16"),
    "cloudflare": ("104.18", "172.67", "104.21"),
    "aws": ("52.84", "54.230", "3.160", "18.66"),
    "fastly": ("151.101",),
    "meta": ("157.240",),
    "github": ("140.82",),
    "apple": ("17.253",),
    "other": ("185.199", "93.184", "199.232", "45.60"),
}
_ISSUERS: dict[str, str] = {
    "google": "C=US, O=Google Trust Services, CN=WR2",
    "microsoft": "C=US, O=Microsoft Corporation, CN=Microsoft Azure RSA TLS Issuing CA 04",
    "akamai": "C=US, O=DigiCert Inc, CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1",
    "cloudflare": "C=US, O=Google Trust Services, CN=WE1",
    "aws": "C=US, O=Amazon, CN=Amazon RSA 2048 M02",
    "fastly": "C=US, O=Let's Encrypt, CN=R11",
    "meta": "C=US, O=DigiCert Inc, CN=DigiCert SHA2 High Assurance Server CA",
    "github": "C=GB, O=Sectigo Limited, CN=Sectigo ECC Domain Validation Secure Server CA",
    "apple": "C=US, O=Apple Inc., CN=Apple Public EV Server RSA CA 2 - G1",
    "other": "C=US, O=Let's Encrypt, CN=R10",
}

# (hostname, provider): what every department browses.
COMMON_SITES: tuple[tuple[str, str], ...] = (
    ("www.google.com", "google"),
    ("mail.google.com", "google"),
    ("fonts.gstatic.com", "google"),
    ("www.googleapis.com", "google"),
    ("clients2.google.com", "google"),
    ("safebrowsing.googleapis.com", "google"),
    ("www.youtube.com", "google"),
    ("i.ytimg.com", "google"),
    ("outlook.office365.com", "microsoft"),
    ("login.microsoftonline.com", "microsoft"),
    ("teams.microsoft.com", "microsoft"),
    ("graph.microsoft.com", "microsoft"),
    ("contoso.sharepoint.com", "microsoft"),
    ("contoso-my.sharepoint.com", "microsoft"),
    ("www.office.com", "microsoft"),
    ("www.bing.com", "microsoft"),
    ("edge.microsoft.com", "microsoft"),
    ("settings-win.data.microsoft.com", "microsoft"),
    ("v10.events.data.microsoft.com", "microsoft"),
    ("www.linkedin.com", "microsoft"),
    ("static.licdn.com", "akamai"),
    ("zoom.us", "aws"),
    ("us02web.zoom.us", "aws"),
    ("app.slack.com", "aws"),
    ("edgeapi.slack.com", "aws"),
    ("www.amazon.com", "aws"),
    ("m.media-amazon.com", "aws"),
    ("en.wikipedia.org", "other"),
    ("upload.wikimedia.org", "other"),
    ("www.bbc.co.uk", "fastly"),
    ("www.theguardian.com", "fastly"),
    ("www.nytimes.com", "fastly"),
    ("www.reuters.com", "akamai"),
    ("www.reddit.com", "fastly"),
    ("www.facebook.com", "meta"),
    ("static.xx.fbcdn.net", "meta"),
    ("www.apple.com", "apple"),
    ("cdn.jsdelivr.net", "fastly"),
    ("ajax.googleapis.com", "google"),
    ("contoso.okta.com", "aws"),
    ("www.weather.com", "akamai"),
    ("www.dropbox.com", "other"),
    ("contoso.atlassian.net", "aws"),
    ("www.gov.uk", "fastly"),
)
DEPARTMENT_SITES: dict[str, tuple[tuple[str, str], ...]] = {
    "Engineering": (
        ("github.com", "github"),
        ("api.github.com", "github"),
        ("objects.githubusercontent.com", "github"),
        ("pypi.org", "fastly"),
        ("files.pythonhosted.org", "fastly"),
        ("registry.npmjs.org", "cloudflare"),
        ("registry-1.docker.io", "aws"),
        ("stackoverflow.com", "cloudflare"),
        ("docs.python.org", "fastly"),
        ("proxy.golang.org", "google"),
        ("developer.mozilla.org", "aws"),
    ),
    "Finance": (
        ("www.bloomberg.com", "akamai"),
        ("www.wsj.com", "akamai"),
        ("contoso.my.salesforce.com", "aws"),
        ("www.irs.gov", "akamai"),
        ("login.xero.com", "cloudflare"),
        ("www.ft.com", "fastly"),
    ),
    "HR": (
        ("contoso.wd5.myworkday.com", "aws"),
        ("www.indeed.com", "cloudflare"),
        ("www.glassdoor.com", "cloudflare"),
        ("app.greenhouse.io", "aws"),
    ),
    "Sales": (
        ("contoso.my.salesforce.com", "aws"),
        ("contoso.lightning.force.com", "aws"),
        ("app.hubspot.com", "cloudflare"),
        ("www.zoominfo.com", "cloudflare"),
        ("app.gong.io", "aws"),
    ),
    "Marketing": (
        ("app.hubspot.com", "cloudflare"),
        ("www.canva.com", "cloudflare"),
        ("business.facebook.com", "meta"),
        ("ads.google.com", "google"),
        ("analytics.google.com", "google"),
        ("www.figma.com", "aws"),
    ),
    "IT": (
        ("portal.azure.com", "microsoft"),
        ("admin.microsoft.com", "microsoft"),
        ("github.com", "github"),
        ("status.okta.com", "aws"),
        ("learn.microsoft.com", "microsoft"),
        ("community.spiceworks.com", "cloudflare"),
    ),
    "Legal": (
        ("www.westlaw.com", "akamai"),
        ("www.lexisnexis.com", "akamai"),
        ("contoso.docusign.net", "akamai"),
        ("eur-lex.europa.eu", "other"),
    ),
    "Operations": (
        ("www.fedex.com", "akamai"),
        ("www.ups.com", "akamai"),
        ("contoso.service-now.com", "aws"),
        ("www.maersk.com", "cloudflare"),
    ),
}
# Plain-HTTP background: (hostname, url, user agent, content type, size).
SYSTEM_HTTP: tuple[tuple[str, str, str, str, int], ...] = (
    (
        "ocsp.digicert.com",
        "/MFEwTzBNMEswSTAJBgUrDgMCGgUABBQ",
        "Microsoft-CryptoAPI/10.0",
        "application/ocsp-response",
        471,
    ),
    (
        "crl.microsoft.com",
        "/pki/crl/products/MicRooCerAut2011_2011_03_22.crl",
        "Microsoft-CryptoAPI/10.0",
        "application/pkix-crl",
        1036,
    ),
    ("www.msftconnecttest.com", "/connecttest.txt", "Microsoft NCSI", "text/plain", 22),
    (
        "ocsp.pki.goog",
        "/gts1c3/MFIwUDBOMEwwSjAJBgUrDgMCGgUABBTHLnmK3f9hNZO",
        "Microsoft-CryptoAPI/10.0",
        "application/ocsp-response",
        472,
    ),
    (
        "ctldl.windowsupdate.com",
        "/msdownload/update/v3/static/trustedr/en/authrootstl.cab",
        "Microsoft-CryptoAPI/10.0",
        "application/vnd.ms-cab-compressed",
        78214,
    ),
)
# User agents of scripts and command-line tools.
SCRIPT_UAS: tuple[str, ...] = (
    "curl/8.7.1",
    "python-requests/2.32.3",
    "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.4391",
)
# Plain-HTTP endpoints scripts like to call: (hostname, url, content type).
SCRIPT_TARGETS: tuple[tuple[str, str, str], ...] = (
    ("ifconfig.me", "/ip", "text/plain"),
    ("checkip.amazonaws.com", "/", "text/plain"),
    ("ipinfo.io", "/json", "application/json"),
    ("files.contoso-partner.net", "/drop/update.ps1", "application/octet-stream"),
)


@dataclass(frozen=True)
class Site:
    name: str
    ips: tuple[str, ...]
    tls13: bool
    issuer: str
    serial: str
    fingerprint: str


@dataclass(frozen=True)
class TlsClient:
    """A TLS client implementation: what its ClientHello looks like."""

    name: str
    ja3: str
    ja4: str
    version: str
    alpn: tuple[str, ...]

    @property
    def ja3_hash(self) -> str:
        return hashlib.md5(self.ja3.encode()).hexdigest()


@dataclass(frozen=True)
class Browser:
    name: str
    user_agent: str
    tls: TlsClient


CHROME_TLS = TlsClient(
    "chrome",
    "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
    "13-43-27-23-65281-17513-5-18-65037-35-0-51-16-45-11-10-21,29-23-24,0",
    "t13d1516h2_8daaf6152771_02713d6af862",
    "TLS 1.3",
    ("h2", "http/1.1"),
)
FIREFOX_TLS = TlsClient(
    "firefox",
    "771,4865-4867-4866-49195-49199-52393-52392-49196-49200-49162-49161-49171-49172-156-157-47-53,"
    "0-23-65281-10-11-35-16-5-34-51-43-13-45-28-65037,29-23-24-25-256-257,0",
    "t13d1715h2_5b57614c22b0_5c2c66f702b0",
    "TLS 1.3",
    ("h2", "http/1.1"),
)
SAFARI_TLS = TlsClient(
    "safari",
    "771,4865-4866-4867-49196-49195-52393-49200-49199-52392-49162-49161-49172-49171-157-156-53-47-"
    "49160-49170-10,0-23-65281-10-11-16-5-13-18-51-45-43-27-21,29-23-24-25,0",
    "t13d2014h2_a09f3c656075_14788d8d241b",
    "TLS 1.3",
    ("h2", "http/1.1"),
)
SCHANNEL_TLS = TlsClient(
    "schannel",
    "771,49196-49195-49200-49199-159-158-49188-49187-49192-49191-49162-49161-49172-49171-157-156-"
    "61-60-53-47-10,0-10-11-13-35-23-65281,29-23-24,0",
    "t12d190700_d83cc789557e_7af1ed941c26",
    "TLS 1.2",
    (),
)
OPENSSL_TLS = TlsClient(
    "openssl",
    "771,4866-4867-4865-49196-49200-159-52393-52392-52394-49195-49199-158-49188-49192-107-49187-"
    "49191-103-49162-49172-57-49161-49171-51-157-156-61-60-53-47-255,0-11-10-35-16-22-23-49-13-43-"
    "45-51-21,29-23-30-25-24,0-1-2",
    "t13d3112h2_e8f1e7e78f70_6bebaf5329ac",
    "TLS 1.3",
    ("h2", "http/1.1"),
)
LEGACY_TLS10 = TlsClient(
    "legacy-tls1.0",
    "769,49172-49162-57-56-53-49171-49161-51-50-47-10-5-4,0-10-11-35-65281,23-24-25,0",
    "t10d130500_0e1be8f2e4c9_2dae41c691ec",
    "TLS 1.0",
    (),
)
BROWSERS: dict[str, Browser] = {
    "chrome": Browser(
        "chrome",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        CHROME_TLS,
    ),
    "edge": Browser(
        "edge",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        CHROME_TLS,
    ),
    "firefox": Browser(
        "firefox",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        FIREFOX_TLS,
    ),
    "safari": Browser(
        "safari",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1 Safari/605.1.15",
        SAFARI_TLS,
    ),
    "firefox-linux": Browser(
        "firefox-linux",
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        FIREFOX_TLS,
    ),
}
# Server hellos: negotiated TLS version -> JA3S string.
JA3S_BY_VERSION: dict[str, str] = {
    "TLS 1.3": "771,4865,51-43",
    "TLS 1.2": "771,49199,65281-0-11-35-16-23",
    "TLS 1.0": "769,49172,65281-0-11",
}


def md5_hex(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def site(name: str, provider: str) -> Site:
    """The site `name` hosted by `provider`, with stable addresses and certificate details."""
    digest = hashlib.sha1(name.encode()).digest()
    prefixes = _PROVIDER_PREFIXES[provider]
    ips = tuple(
        f"{prefixes[(digest[i] + i) % len(prefixes)]}.{digest[i + 2] % 250 + 2}."
        f"{digest[i + 4] % 250 + 2}"
        for i in range(1 + digest[10] % 2)
    )
    tls13 = provider in ("google", "cloudflare", "meta") or digest[11] % 3 != 0
    return Site(
        name=name,
        ips=ips,
        tls13=tls13,
        issuer=_ISSUERS[provider],
        serial=":".join(f"{b:02X}" for b in digest[:16]),
        fingerprint=":".join(f"{b:02x}" for b in digest),
    )
