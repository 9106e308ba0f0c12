"""Throwaway senders, attacker tenants and receiver scores (issue 11). Synthetic messages of each
real shape (documentation addresses and example domains)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings as findings
from headerlens.diagnosis.throwaway import machine_made
from tests.test_genmisc import _eop

# --- 1. a spoof needs a victim: the sender's own throwaway domain is none ----------------------


def _throwaway(
    frm: str = "LeafGuard Partner <wycspfvauvrbotm@gv53w8x00rmotde8tq59.example>",
    envelope: str = "bounce@nuhstrfpolviin.example",
    dkim: str = "dkim=none (message not signed) header.d=none",
    *extra: str,
) -> bytes:
    """phishing_pot sample-2713's shape: a From domain with a generated name, the envelope in
    another generated domain, nothing published, Microsoft's compauth=fail 001, Junk."""
    env_dom = envelope.rpartition("@")[2] or "nuhstrfpolviin.example"
    from_dom = frm.rpartition("@")[2].rstrip(">")
    return _eop(
        f"spf=none (sender IP is 198.51.100.59) smtp.mailfrom={env_dom}; {dkim};dmarc=none action=none header.from={from_dom};compauth=fail reason=001",
        env_dom,
        "198.51.100.59",
        f"From: {frm}",
        "Subject: the solution to clogged gutters",
        f"Return-Path: {envelope or '<>'}",
        *extra,
        scl=6,
    )


def test_a_generated_from_domain_is_no_spoof_of_anyone() -> None:
    d = diagnose(analyze(_throwaway()))
    assert "spoof" not in d.labels() and "junk" in d.labels()
    assert "A spoof of" not in d.headline
    assert "most likely the sender's own throwaway domain" in d.headline
    assert "cannot be told from one" in d.headline
    assert "gv53w8x00rmotde8tq59 looks machine-made" in d.headline
    said = " ".join(f.title + " " + f.fix for f in findings(analyze(_throwaway())))
    assert "it did not send this" not in said


def test_a_null_sender_and_a_reply_to_elsewhere_make_no_victim_of_a_generated_domain() -> None:
    # sample-7213's shape: Return-Path <>, a Reply-To at another domain, HELO of a third one
    raw = _throwaway(
        "Grondaanbieding <actionthales_BT4970W1@t9bdoepsb3opo9jale1nq3rcz5pc.example>",
        "",
        "dkim=none (message not signed) header.d=none",
        "Reply-To: offers@in2.drip.example",
    )
    d = diagnose(analyze(raw))
    assert "spoof" not in d.labels()
    assert "throwaway domain" in d.headline


def test_a_wordy_domain_whose_whole_set_up_is_random_names_is_a_throwaway() -> None:
    # the DeWalt lure's shape: the From domain reads as words, but its local part, the envelope
    # sender and its domain are random strings; its own DKIM signature has no key
    raw = _throwaway(
        "Power Station Unlocked <wsakt@bestshopint.example>",
        "fxmvt@trlyy.example",
        "dkim=fail (no key for signature) header.d=bestshopint.example",
    )
    d = diagnose(analyze(raw))
    assert "spoof" not in d.labels()
    assert "the names the sender chose look random" in d.headline
    assert "envelope domain trlyy" in d.headline


def test_an_established_looking_domain_with_a_bounce_id_envelope_stays_a_spoof() -> None:
    # guard (the stayfriends campaign): a real business's address, a sending service's numeric
    # bounce subdomain in the envelope: names that are ids by design prove nothing
    raw = _throwaway(
        "Angebote <service@friendsclub.example>", "return@956387833857506.9.mailer.example"
    )
    assert "spoof" in diagnose(analyze(raw)).labels()


def test_microsofts_own_spoof_verdict_outranks_a_generated_name() -> None:
    # guard: the receiver's anti-spoofing verdict (CAT:SPOOF) is evidence, not the sender's text
    raw = _throwaway(
        "Bank <alerts@gv53w8x00rmotde8tq59.example>",
        "bounce@nuhstrfpolviin.example",
        "dkim=none (message not signed) header.d=none",
        "Reply-To: helpdesk.team@gmail.com",
        "X-Forefront-Antispam-Report: CIP:198.51.100.59;CTRY:NL;SCL:6;SFV:SPM;CAT:SPOOF;DIR:INB;",
    )
    assert "spoof" in diagnose(analyze(raw)).labels()


def test_a_brand_in_the_from_name_of_a_generated_domain_is_named() -> None:
    raw = _throwaway("Microsoft account team <3g2ka@c3eu448tu0.example>", "bounce@neonet.example")
    d = diagnose(analyze(raw))
    assert "spoof" not in d.labels()
    assert "its From name poses as Microsoft, whose own domain is microsoft.com" in d.headline


def test_machine_made_names() -> None:
    for label in ("gv53w8x00rmotde8tq59", "c3eu448tu0", "nonkfrgr", "atujpdfghher"):
        assert machine_made(label), label
    # brands, acronyms and German words are no machine's
    for label in ("hsbcnet", "deutschland", "office365", "rhythmone", "web2print", "kpmg"):
        assert machine_made(label) is None, label
