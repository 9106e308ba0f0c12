"""The attacker's own domain for the red-team tests: a lab zone he controls, with his key.

attacker.example authorises 203.0.113.66 in SPF, publishes DMARC p=none and a DKIM/ARC key at
s1._domainkey whose private half the tests hold (generated per run, never stored). victim.example
(SPF for 198.51.100.10 only, DMARC p=reject) publishes the same key at s1: the tests sign as the
victim to stand for a genuine message of its that the attacker re-sends. Both are served by
their own Knot + Unbound next to the lab zones (tests/dnslab.py).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.dnslab import LAB_ZONES, TEST_ZONES, LabDns, LabDnsError, missing_tools, start_lab_dns
from tests.paths import in_ci

ATTACKER_IP = "203.0.113.66"
DOMAIN = "attacker.example"
VICTIM = "victim.example"
VICTIM_IP = "198.51.100.10"


def write_zone(folder: Path) -> bytes:
    """Write the two zones into ``folder``; the PEM private key of s1 is returned."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    text = "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()
    strings = " ".join(f'"{text[i : i + 200]}"' for i in range(0, len(text), 200))
    for domain, ip, policy in ((DOMAIN, ATTACKER_IP, "none"), (VICTIM, VICTIM_IP, "reject")):
        (folder / f"{domain}.zone").write_text(
            f"$ORIGIN {domain}.\n$TTL 300\n"
            f"@ IN SOA ns1.{domain}. hostmaster.{domain}. 1 3600 600 86400 300\n"
            f"@ IN NS ns1.{domain}.\nns1 IN A 127.0.0.1\n"
            f'@ IN TXT "v=spf1 ip4:{ip} -all"\n'
            f'_dmarc IN TXT "v=DMARC1; p={policy}"\n'
            f"s1._domainkey IN TXT {strings}\n"
        )
    return pem


def attacker_lab(tmp: pytest.TempPathFactory) -> Iterator[tuple[LabDns, bytes]]:
    """The lab zones plus attacker.example, with the attacker's private key (fixture body)."""
    missing = missing_tools()
    if missing:
        message = f"lab DNS needs {' and '.join(missing)} (Debian packages knot and unbound)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    zones = tmp.mktemp("attackerzone")
    pem = write_zone(zones)
    try:
        lab = start_lab_dns(
            [LAB_ZONES, TEST_ZONES, zones], tmp.mktemp("attackerdns"), probe="contoso.com"
        )
    except LabDnsError as exc:
        pytest.fail(f"lab DNS failed to start: {exc}")
    try:
        yield lab, pem
    finally:
        lab.stop()
