"""Fresh real shapes at Outlook.com / EOP (issue 11), each with a synthetic message of that
shape (names and addresses changed to documentation ones)."""

from __future__ import annotations

import base64

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model.codes import Code
from headerlens.model.core import HeaderField
from headerlens.parsers.identity import read_author
from headerlens.textsafe import inert
from tests.test_genmisc import _eop

# --- 1. "Name, <addr>": a comma between the display name and the address ----------------------


def _author(value: str) -> tuple[str | None, set[str]]:
    a = read_author([HeaderField(0, "From", value, b"")])
    return a.domain, {d.code.value for d in a.defects}


def test_a_comma_after_the_display_name_leaves_the_bracketed_address_the_author() -> None:
    # phishing_pot sample-2808's shape: Exchange Online's header.from is the bracketed domain
    domain, codes = _author("Bon d'achat, <info@news.shop.example>")
    assert domain == "news.shop.example"
    assert Code.IDENTITY_FROM_SYNTAX.value in codes
    assert Code.IDENTITY_FROM_MULTIPLE.value not in codes  # "lists 2 addresses" was wrong
    assert Code.IDENTITY_PARSERS_DISAGREE.value not in codes
    # folded after the comma, as sample-2106 wrote it
    assert _author("Fly now!, jehd\t<service@club.example>")[0] == "club.example"


def test_a_quoted_address_before_the_comma_is_a_display_name_spoof() -> None:
    # sample-3508's shape: the old reading took the quoted name as the author, domain 'brand.example"'
    domain, codes = _author('"offers@brand.example", <service@club.example>')
    assert domain == "club.example"
    assert Code.IDENTITY_DISPLAY_NAME_ADDRESS.value in codes


def test_a_real_list_of_mailboxes_stays_a_list() -> None:
    # guard: two real addresses, or a bare address after the comma, keep the old reading
    domain, codes = _author("a@one.example, c@two.example")
    assert domain == "one.example" and Code.IDENTITY_FROM_MULTIPLE.value in codes
    assert Code.IDENTITY_FROM_MULTIPLE.value in _author("x, <a@one.example>, <c@two.example>")[1]
    assert Code.IDENTITY_FROM_MULTIPLE.value in _author("Brand, a@one.example")[1]


def test_a_comma_inside_the_bracketed_address_is_no_second_author() -> None:
    # sample-5404's shape: Exchange Online read header.from=shop123
    domain, codes = _author("Shop Support <reward@shop123,com>")
    assert domain == "shop123"
    assert Code.IDENTITY_FROM_SYNTAX.value in codes
    assert Code.IDENTITY_FROM_MULTIPLE.value not in codes
    # guard: a comma after the bracketed address still separates a second element
    assert Code.IDENTITY_FROM_MULTIPLE.value in _author("<a@one.example>, c")[1]


SPOOF_BEHIND_NAME = _eop(
    "spf=fail (sender IP is 198.51.100.7) smtp.mailfrom=brand.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=club.example;",
    "music.example",
    "198.51.100.7",
    'From: "offers@brand.example", <service@club.example>',
    "Subject: win a toothbrush",
    "Return-Path: offers@brand.example",
)


def test_a_spoofed_address_behind_an_address_shaped_name_is_said_once() -> None:
    d = diagnose(analyze(SPOOF_BEHIND_NAME))
    assert 'brand.example"' not in d.headline
    assert "shows brand.example's address as its name" in d.headline
    assert "spoof of club.example too" in d.headline
    assert "not decided" not in d.headline  # contradicted the spoof
    assert "A spoof" not in d.headline


# --- 2. a brand split by invisible variation selectors --------------------------------------

# sample-5806's shape: a business's Google Workspace mailbox (aligned pass) whose From name is
# "Microsoft Office Billing" with U+E0139 (VARIATION SELECTOR-74) between the letters
_VS = "\U000e0139"
_SPLIT = "".join(c + _VS if c.isalpha() else c for c in "Microsoft Office Billing")
_ENCODED = "=?UTF-8?B?" + base64.b64encode(_SPLIT.encode()).decode() + "?="

WORKSPACE_SPLIT_BRAND = _eop(
    "spf=pass (sender IP is 209.85.219.66) smtp.mailfrom=expo.example; dkim=pass (signature was verified) header.d=expo.example;dmarc=pass action=none header.from=expo.example;compauth=pass reason=100",
    "mail-qv1-f66.google.com",
    "209.85.219.66",
    f"From: {_ENCODED} <ke@expo.example>",
    "Subject: Please confirm your billing details",
    "Return-Path: ke@expo.example",
    dest="I",
    scl=1,
)


def test_variation_selectors_after_letters_are_hidden_characters() -> None:
    assert "\\U000e0139" in inert(f"M{_VS}icrosoft")
    a = analyze(WORKSPACE_SPLIT_BRAND)
    assert any(d.code is Code.DISPLAY_HIDDEN_CHARS for d in a.defects)
    # the emoji-style selector U+FE0F stays plain (guard: emoji in names are ordinary)
    assert inert("\u2764\ufe0f") == "\u2764\ufe0f"


def test_a_brand_split_by_invisible_characters_is_still_the_brand() -> None:
    comp = diagnose(analyze(WORKSPACE_SPLIT_BRAND)).get("compromised-account")
    assert comp is not None and comp.fact("what") == "Google Workspace mailbox"
    assert any("shows Microsoft" in e for e in comp.evidence)
    # guard: a person's name with the same invisible characters names no brand
    plain = "".join(c + _VS if c.isalpha() else c for c in "Dana Expo")
    raw = WORKSPACE_SPLIT_BRAND.replace(
        _ENCODED.encode(),
        ("=?UTF-8?B?" + base64.b64encode(plain.encode()).decode() + "?=").encode(),
    )
    assert diagnose(analyze(raw)).get("compromised-account") is None


# --- 3. a junked message whose only pass is another domain's --------------------------------

# sample-6606's shape: a throwaway Microsoft 365 tenant relays a From domain that publishes
# nothing; Exchange Online stamps compauth=fail and junks it
TENANT_RELAY = _eop(
    "spf=pass (sender IP is 52.102.171.62) smtp.mailfrom=x7tenant.onmicrosoft.com; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=storage-alerts.example;compauth=fail reason=001",
    "TYDPR03CU002.outbound.protection.outlook.com",
    "52.102.171.62",
    'From: "Cloud Storage" <hello@storage-alerts.example>',
    "Subject: Billing issue detected",
    "Return-Path: k1bo2@x7tenant.onmicrosoft.com",
    scl=8,
)


def test_a_bare_compauth_fail_headline_says_which_domain_passed_instead() -> None:
    d = diagnose(analyze(TENANT_RELAY))
    assert d.headline.startswith("Nothing authenticated storage-alerts.example itself")
    assert "Microsoft 365 (x7tenant.onmicrosoft.com)" in d.headline
    assert "compauth=fail" in d.headline
    assert "pass" not in d.headline.split("passed")[0]  # no pass is claimed for the From domain
    # guard: a failure of the From domain's own check keeps the plain stamped-verdict cause
    own = TENANT_RELAY.replace(b"dmarc=none action=none", b"dmarc=fail action=oreject")
    assert "Nothing authenticated" not in diagnose(analyze(own)).headline


# --- 4. a receiver that stamps no verdict at all ---------------------------------------------

# SpamScope/mail-parser mail_test_12's shape: a plain Postfix took a free-mail From straight
# from an address without reverse DNS and wrote no Authentication-Results
NO_VERDICT = (
    b"Return-Path: <sales@freemail.example>\n"
    b"Received: from freemail.example (unknown [198.51.100.20])\n"
    b"\tby mx.example.net (Postfix) with ESMTP id 6EF7F2E0BAB\n"
    b"\tfor <user@example.net>; Sun, 13 May 2018 04:32:23 +0000 (UTC)\n"
    b"From: Sales <sales@freemail.example>\n"
    b"To: user@example.net\n"
    b"Subject: invoices\n"
    b"Date: Sun, 13 May 2018 12:32:22 +0800\n"
    b"\n"
    b"body\n"
)


def test_no_verdict_written_is_said_not_no_situation() -> None:
    d = diagnose(analyze(NO_VERDICT))
    assert d.headline.startswith("The final receiver wrote no authentication verdict")
    assert "No particular situation" not in d.headline
    assert "spoof" not in d.headline and "pass" not in d.headline  # nothing is decided


# --- 6. Microsoft's implicit compauth pass next to a spoof -----------------------------------

# sample-2106's shape: the From domain is a known brand's, the envelope another domain's
# (softfail), no DKIM, dmarc=none, yet compauth=pass reason=105; Safe Senders put it in the Inbox
IMPLICIT_PASS = _eop(
    "spf=softfail (sender IP is 198.51.100.36) smtp.mailfrom=media-dealer.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=club.example;compauth=pass reason=105",
    "media-dealer.example",
    "198.51.100.36",
    "From: Club <service@club.example>",
    "Subject: fly now",
    "Return-Path: return@media-dealer.example",
)


def test_an_implicit_compauth_pass_is_explained_next_to_the_spoof() -> None:
    spoof = diagnose(analyze(IMPLICIT_PASS)).get("spoof")
    assert spoof is not None
    assert any("compauth=pass" in e and "implicit" in e for e in spoof.evidence)
    # guard: without the compauth token nothing is added
    plain = IMPLICIT_PASS.replace(b";compauth=pass reason=105", b"")
    spoof = diagnose(analyze(plain)).get("spoof")
    assert spoof is not None and not any("compauth" in e for e in spoof.evidence)
