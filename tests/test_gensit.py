"""Situation and headline rules found on unseen real mail (issue 11): an aligned SPF failure of a
domain without DMARC, Microsoft's bestguesspass control, headlines that contradict the report,
names without a public suffix, look-alike From domains and what counts as a delay. Each rule
with a synthetic message of the real shape (names and addresses changed)."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import diagnose
from headerlens.diagnosis.findings_build import stamped_findings as findings
from headerlens.diagnosis.inputs import same_org
from headerlens.diagnosis.wording import fix
from tests.test_diagnosis import _msg

_EOP_RECEIVED = "Received: from cjr.zq.example (203.0.113.215) by CY4PEPF0000AA01.mail.protection.outlook.com (10.167.242.1) with Microsoft SMTP Server id 15.20.7 via Frontend Transport; Mon, 7 Nov 2022 09:45:28 +0000"


def _eop(ar: str, *extra: str, env: str = "news@oldfriends.example") -> bytes:
    """An EOP delivery from a server nobody names, the From domain oldfriends.example."""
    return _msg(
        f"Authentication-Results: {ar}",
        _EOP_RECEIVED,
        "From: Old Friends <news@oldfriends.example>",
        "To: victim@example.net",
        "Subject: you have a message",
        "Date: Mon, 7 Nov 2022 09:45:20 +0000",
        f"Return-Path: {env}",
        *extra,
    )


_SPF_FAIL_NO_DMARC = "spf=fail (sender IP is 203.0.113.215) smtp.mailfrom=oldfriends.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=oldfriends.example;"


def test_an_aligned_spf_fail_of_a_domain_without_dmarc_is_a_probable_spoof() -> None:
    d = diagnose(analyze(_eop(_SPF_FAIL_NO_DMARC)))
    spoof = d.get("spoof")
    assert spoof is not None and spoof.fact("sign") == "spf"
    assert any("not allowed to send for oldfriends.example" in e for e in spoof.evidence)
    assert d.headline.startswith("Probably a spoof of oldfriends.example")
    # honest about the legitimate look-alike: a real sender whose SPF record misses the server
    assert "SPF record misses 203.0.113.215" in d.headline
    text = fix(spoof)
    assert "unless it really sends through 203.0.113.215" in text and "block or report" in text


def test_a_softfail_with_a_passing_signature_is_no_spoof() -> None:
    ar = "spf=softfail (sender IP is 203.0.113.215) smtp.mailfrom=oldfriends.example; dkim=pass (signature was verified) header.d=esp.example;dmarc=none action=none header.from=oldfriends.example;"
    assert diagnose(analyze(_eop(ar))).get("spoof") is None


def test_a_softfail_with_nothing_else_passing_is_a_probable_spoof() -> None:
    ar = _SPF_FAIL_NO_DMARC.replace("spf=fail", "spf=softfail")
    spoof = diagnose(analyze(_eop(ar))).get("spoof")
    assert spoof is not None and spoof.fact("sign") == "spf"


def test_microsofts_composite_pass_rules_the_spf_spoof_out() -> None:
    ar = _SPF_FAIL_NO_DMARC + "compauth=pass reason=109"
    assert diagnose(analyze(_eop(ar))).get("spoof") is None


def test_an_spf_fail_for_another_envelope_domain_is_not_this_rule() -> None:
    ar = _SPF_FAIL_NO_DMARC.replace("smtp.mailfrom=oldfriends.example", "smtp.mailfrom=esp.example")
    spoof = diagnose(analyze(_eop(ar, env="bounce@esp.example"))).get("spoof")
    assert spoof is None or spoof.fact("sign") != "spf"


def test_names_without_a_public_suffix_compare_as_themselves() -> None:
    assert same_org("noreply@postoffice", "postoffice")
    assert same_org("POSTOFFICE.", "noreply@postoffice")
    assert not same_org("postoffice", "parcels")
    assert not same_org("postoffice", "postoffice.example")
    assert not same_org(None, None) and not same_org("", "")


def test_a_from_name_that_is_no_domain_is_not_called_another_domain_of_itself() -> None:
    a = analyze(
        _msg(
            "Authentication-Results: spf=none (sender IP is 203.0.113.49) smtp.mailfrom=postoffice; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=postoffice;",
            "Received: from phish.zq.example (203.0.113.49) by BL6PEPF0000AA02.mail.protection.outlook.com (10.167.242.2) with Microsoft SMTP Server id 15.20.7 via Frontend Transport; Mon, 7 Nov 2022 09:45:28 +0000",
            "From: Post Office <noreply@postoffice>",
            "To: victim@example.net",
            "Subject: your parcel",
            "Date: Mon, 7 Nov 2022 09:45:20 +0000",
            "Return-Path: noreply@postoffice",
        )
    )
    d = diagnose(a)
    spoof = d.get("spoof")
    assert spoof is not None
    said = " ".join(spoof.evidence)
    assert "another domain" not in said
    assert "postoffice (it has no dot)" in said
    assert "not a real domain name" in d.headline
    assert "DMARC policy at" not in " ".join(f"{f.title} {f.fix}" for f in findings(a))
