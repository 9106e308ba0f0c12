"""Fresh real shapes at Outlook.com / EOP (issue 11), each with a synthetic message of that
shape (names and addresses changed to documentation ones)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.model.codes import Code
from headerlens.model.core import HeaderField
from headerlens.parsers.identity import read_author
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
