"""Phishing received by Microsoft (issue 11): spoofs only another organisation's identity
passed for, abused relay accounts. Synthetic messages of each real shape (documentation
addresses and example domains)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from tests.test_genmisc import _eop

# --- 1. only another organisation's own identity passed; compauth judged the From domain ------


def _unaligned(compauth: str, *, scl: int = 9, envelope: str = "return@crossword.example") -> bytes:
    """phishing_pot sample-1243's shape: the sender's own server passes SPF for its own
    envelope domain, nothing signs, the From domain publishes no DMARC."""
    dom = envelope.rpartition("@")[2]
    return _eop(
        f"spf=pass (sender IP is 198.51.100.14) smtp.mailfrom={dom}; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=club.example;{compauth}",
        dom,
        "198.51.100.14",
        "From: Prize draw, jehd <service@club.example>",
        "Subject: win a voucher",
        f"Return-Path: {envelope}",
        scl=scl,
    )


def test_a_compauth_fail_for_a_from_domain_only_another_domain_passed_for_is_a_spoof() -> None:
    d = diagnose(analyze(_unaligned("compauth=fail reason=001")))
    assert "spoof" in d.labels() and "junk" in d.labels()
    assert d.headline.startswith("A spoof of club.example: only crossword.example passed")
    assert "compauth=fail reason 001" in d.headline
    assert "Nothing authenticated club.example itself" not in d.headline
    spoof = next(s for s in d.situations if s.label == "spoof")
    assert any("crossword.example passed, for itself" in e for e in spoof.evidence)


def test_an_implicit_compauth_pass_on_junk_is_no_authentication_of_the_from_domain() -> None:
    # sample-1215's shape: compauth=pass reason=105 with nothing aligned, SCL 9 → Junk
    d = diagnose(analyze(_unaligned("compauth=pass reason=105")))
    assert "spoof" in d.labels()
    assert "Authentication passed" not in d.headline
    assert "compauth=pass reason 105 rests on its own implicit signals" in d.headline


def test_an_implicit_compauth_pass_the_filter_did_not_junk_is_no_spoof() -> None:
    # guard: Microsoft vouched and its filter agreed: nothing says the From domain was forged
    d = diagnose(analyze(_unaligned("compauth=pass reason=105", scl=1)))
    assert "spoof" not in d.labels()


def test_a_ptr_or_arc_compauth_pass_is_no_spoof_sign() -> None:
    for reason in ("111", "130"):
        assert (
            "spoof" not in diagnose(analyze(_unaligned(f"compauth=pass reason={reason}"))).labels()
        )


def test_a_sending_service_or_a_rewritten_envelope_keeps_the_hedge() -> None:
    # guards: a legitimate domain sends through an ESP's own identity, and a hoster or a
    # forwarder rewrites the envelope with SRS: compauth=fail 001 does not tell them apart
    esp = _unaligned("compauth=fail reason=001", envelope="bounces+123@em1.sendgrid.net")
    srs = _unaligned(
        "compauth=fail reason=001", envelope="SRS0=Bh0+=G2=club.example=jiri@mailhost.example"
    )
    for raw in (esp, srs):
        assert "spoof" not in diagnose(analyze(raw)).labels()
