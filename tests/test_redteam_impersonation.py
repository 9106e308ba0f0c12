"""Impersonation that authentication does not catch: the headline must name it.

The attacker authenticates his own domain (DMARC pass) and makes the From field show another:
contoso.com's address as the display name, a From domain in look-alike letters (Cyrillic с/о
for contoso.com), or an address hidden in an RFC 2047 encoded word. The headline said "No
particular situation" / "Authentication and the delivery path are in order", the impersonation
only under "Input problems".
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import build_findings, stamped_findings
from headerlens.dnsclient.resolver import LiveResolver
from headerlens.evaluators.verify import run_blocking, verify
from headerlens.model.verdicts import DmarcResult
from tests.dnslab import LabDns
from tests.redteam_lab import ATTACKER_IP, attacker_lab

D = "Tue, 10 Nov 2026 09:14:09 +0000"
LOOKALIKE = "\u0441\u043entoso.com"  # Cyrillic es and o: "соntoso.com"
LOOKALIKE_DNS = LOOKALIKE.encode("idna").decode("ascii")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabDns]:
    for dns, _key in attacker_lab(tmp_path_factory):
        yield dns


def _message(
    from_field: str,
    to: str = "ap@fabrikam.com",
    by: str = "mx.fabrikam.com",
    extra: str = "",
    subject: str = "Urgent",
    stamp: str = "",
) -> bytes:
    return (
        stamp + f"Received: from mail.attacker.example (mail.attacker.example [{ATTACKER_IP}]) "
        f"by {by} (Postfix) with ESMTP id 4QxyZ1; {D}\r\n"
        f"Return-Path: <x@attacker.example>\r\nFrom: {from_field}\r\nTo: {to}\r\n{extra}"
        f"Subject: {subject}\r\nDate: {D}\r\nMessage-ID: <s1@attacker.example>\r\n\r\nPay.\r\n"
    ).encode()


# The shown name holds contoso.com's address; the message is from attacker.example.
SHOWN_NAMES = {
    "quoted-address": '"ceo@contoso.com" <x@attacker.example>',
    "full-width-at": "ceo\uff20contoso.com <x@attacker.example>",
    "comment-as-name": "x@attacker.example (ceo@contoso.com)",
}


@pytest.mark.parametrize("from_field", SHOWN_NAMES.values(), ids=SHOWN_NAMES.keys())
def test_display_name_impersonation_leads_the_headline(from_field: str, lab: LabDns) -> None:
    a = analyze(_message(from_field))
    v = run_blocking(verify(a, LiveResolver(lab.nameservers, timeout=3.0, deadline=20.0)))
    assert v.dmarc is not None and v.dmarc.result is DmarcResult.PASS  # attacker.example's own
    d = diagnose(a, v)
    assert d.headline.startswith(
        "Impersonation: the sender shows contoso.com's address as its name, but the message is "
        "from attacker.example, which authenticated; contoso.com has nothing to fix"
    ), d.headline
    assert "spoof" not in d.labels()  # the From domain authenticated: not a spoof of it
    findings = build_findings(a, v)
    assert findings[0].code.value == "impersonation.display-name"
    assert "Nothing to fix at contoso.com" in findings[0].fix


def test_an_address_of_the_senders_own_organisation_is_no_impersonation() -> None:
    stamp = (
        "Authentication-Results: mx.fabrikam.com; spf=pass smtp.mailfrom=attacker.example; "
        "dmarc=pass header.from=attacker.example\r\n"
    )
    a = analyze(_message('"ceo@mail.attacker.example" <x@attacker.example>', stamp=stamp))
    d = diagnose(a)
    assert d.impersonation is None
    assert not d.headline.startswith("Impersonation"), d.headline


def _passing(domain: str) -> str:
    """The receiver's own verdicts: everything passed for ``domain``."""
    return (
        f"Authentication-Results: {{by}}; spf=pass smtp.mailfrom={domain}; "
        f"dkim=pass header.d={domain}; dmarc=pass header.from={domain}\r\n"
    )


# Where the message names the domain the look-alike imitates (the victim's own domain, mostly).
TARGETS = {
    "to": {"to": "ap@contoso.com"},
    "delivered-to": {"to": "undisclosed-recipients:;", "extra": "Delivered-To: ap@contoso.com\r\n"},
    "receivers-host": {"to": "undisclosed-recipients:;", "by": "mx1.eu.contoso.com"},
    "reply-to": {"extra": "Reply-To: ceo@contoso.com\r\n"},
    "subject": {"subject": "Your contoso.com invoice"},
    "display-name": {"name": "contoso.com Payroll "},
}


@pytest.mark.parametrize("where", TARGETS.values(), ids=TARGETS.keys())
def test_lookalike_from_domain_is_named_in_the_headline(where: dict[str, str]) -> None:
    by = where.get("by", "mx.fabrikam.com")
    raw = _message(
        f"{where.get('name', '')}<ceo@{LOOKALIKE}>",
        to=where.get("to", "ap@fabrikam.com"),
        by=by,
        extra=where.get("extra", ""),
        subject=where.get("subject", "Urgent"),
        stamp=_passing(LOOKALIKE_DNS).replace("{by}", by),
    )
    a = analyze(raw)
    d = diagnose(a)
    assert d.headline.startswith(
        f"Impersonation: the From domain {LOOKALIKE} imitates contoso.com (look-alike letters)"
    ), d.headline
    assert "which authenticated; contoso.com has nothing to fix" in d.headline
    assert stamped_findings(a)[0].code.value == "impersonation.lookalike"


ORDINARY_IDN = {
    "mueller": ("m\u00fcller.de", "ap@mueller.de"),
    "mueller-subject": ("m\u00fcller.de", "ap@fabrikam.com"),
    "greek": ("\u03c0\u03b1\u03c1\u03ac\u03b4\u03b5\u03b9\u03b3\u03bc\u03b1.gr", "ap@fabrikam.com"),
}


@pytest.mark.parametrize(("domain", "to"), ORDINARY_IDN.values(), ids=ORDINARY_IDN.keys())
def test_an_ordinary_idn_is_no_lookalike(domain: str, to: str) -> None:
    dns = domain.encode("idna").decode("ascii")
    raw = _message(
        f"Anna <anna@{domain}>",
        to=to,
        subject="Rechnung von mueller.de und muller.de",
        stamp=_passing(dns).replace("{by}", "mx.fabrikam.com"),
    )
    a = analyze(raw)
    d = diagnose(a)
    assert a.from_addr is not None and a.from_addr.domain == domain
    assert d.impersonation is None
    assert not d.headline.startswith("Impersonation"), d.headline
    assert "identity.confusable-domain" not in {x.code.value for x in a.defects}


def test_an_address_in_an_encoded_word_is_no_author() -> None:
    stamp = _passing("attacker.example").replace("{by}", "mx.fabrikam.com")
    a = analyze(_message("=?utf-8?b?PGNlb0Bjb250b3NvLmNvbT4=?=", stamp=stamp))
    assert a.from_addr is not None
    assert a.from_addr.domain is None and a.from_addr.address is None
    assert a.author_domains == ()
    hidden = [x for x in a.defects if x.code.value == "identity.from-encoded-word"]
    assert hidden and "encoded word" in hidden[0].message and "ceo@contoso.com" in hidden[0].message
    d = diagnose(a)
    assert 'contoso.com>"' not in d.headline
    assert d.headline.startswith(
        "Impersonation: the From field hides an address at contoso.com in an encoded word"
    ), d.headline
    assert stamped_findings(a)[0].code.value == "impersonation.encoded-word"


def test_an_encoded_display_name_keeps_its_author() -> None:
    a = analyze(_message("=?utf-8?q?J=C3=B6rg?= <j@example.com>"))
    assert a.from_addr is not None and a.from_addr.domain == "example.com"
    assert "identity.from-encoded-word" not in {x.code.value for x in a.defects}
    a = analyze(_message("=?utf-8?q?J=C3=B6rg?= <=?utf-8?q?j?=@attacker.example>"))
    assert a.from_addr is not None and a.from_addr.domain == "attacker.example"


def test_a_list_that_names_the_author_in_its_from_is_no_impersonation() -> None:
    """Google Groups rewrites From to "'ann@example.com' via Team" <team@googlegroups.com>: a list
    recognised as such, whose own domain authenticated, naming the author "via" the list is the
    list's rewrite, not an impersonation (no headline claim, no finding)."""
    stamp = _passing("googlegroups.com").replace("{by}", "mx.fabrikam.com")
    extra = "List-Id: <team.googlegroups.com>\r\nX-Google-Group-Id: 123456789\r\n"
    raw = _message(
        "\"'ann@example.com' via Team\" <team@googlegroups.com>", extra=extra, stamp=stamp
    )
    a = analyze(raw)
    d = diagnose(a)
    assert "google-groups" in d.labels()
    assert "mpersonation" not in d.headline, d.headline
    assert d.impersonation is None
    assert not any(f.code.value.startswith("impersonation.") for f in stamped_findings(a))


def test_an_address_as_name_without_the_lists_via_form_stays_impersonation_on_a_list() -> None:
    """The same list message whose name is a bare address (no "via <list>") still leads with it:
    the list's rewrite has the "via" form, an address alone is what a sender chose."""
    stamp = _passing("googlegroups.com").replace("{by}", "mx.fabrikam.com")
    extra = "List-Id: <team.googlegroups.com>\r\nX-Google-Group-Id: 123456789\r\n"
    raw = _message('"ann@example.com" <team@googlegroups.com>', extra=extra, stamp=stamp)
    d = diagnose(analyze(raw))
    assert "google-groups" in d.labels()
    assert d.headline.startswith(
        "Impersonation: the sender shows example.com's address as its name, but the message is "
        "from googlegroups.com, which authenticated"
    ), d.headline


def test_the_via_form_without_list_evidence_stays_impersonation() -> None:
    """A sender who writes "'ceo@contoso.com' via Board" on his own domain, with nothing that makes
    it list mail, is still named."""
    raw = _message("\"'ceo@contoso.com' via Board\" <x@attacker.example>")
    d = diagnose(analyze(raw))
    assert d.headline.startswith("Impersonation: the sender shows contoso.com's address"), (
        d.headline
    )


def test_the_via_form_on_a_list_of_the_senders_own_domain_stays_impersonation() -> None:
    """A List-Id and the "via" form on the sender's own authenticated domain are his to write:
    only Google Groups' own domain passing makes the rewrite the list's."""
    stamp = _passing("attacker.example").replace("{by}", "mx.fabrikam.com")
    extra = "List-Id: <board.attacker.example>\r\nList-Post: <mailto:board@attacker.example>\r\n"
    raw = _message(
        "\"'ceo@contoso.com' via Board\" <board@attacker.example>", extra=extra, stamp=stamp
    )
    d = diagnose(analyze(raw))
    assert d.headline.startswith("Impersonation: the sender shows contoso.com's address"), (
        d.headline
    )
