"""Red-team round 7: the residuals of round 6, then holes in this round's loosened rules.

1. OpenDMARC always writes its dmarc= stamp after its DMARC-Filter field (which names the
   receiver's queue id), but an spf= stamp only where it checks SPF itself (SPFSelfValidate).
   With that off, the sender's own first field "Authentication-Results: mx.fabrikam.example;
   spf=pass smtp.mailfrom=victim.example" sat where OpenDMARC's would be and was credited:
   "SPF pass (stamped)" beside OpenDMARC's dmarc=fail (the headline lost "A spoof"), and beside
   dmarc=none (a From domain with no policy) "Authentication and the delivery path are in
   order". OpenDMARC's DMARC verdict is computed from its SPF result, so after a dmarc= that
   did not pass an SPF pass of a domain near the From one is no result it reached: it now reads
   as unknown; an SPF pass of an unrelated domain (a list's envelope) still counts.
"""

from __future__ import annotations

import pytest

from headerlens.analyze import analyze
from headerlens.model.provenance import Author
from headerlens.report.render import render
from tests.test_redteam_round4 import _sendmail

_ODM = "DMARC-Filter: OpenDMARC Filter v1.4.2 mx.fabrikam.example oBB3JxRJ022484\r\n"


def _ar(stamp: str) -> str:
    return f"Authentication-Results: mx.fabrikam.example; {stamp}\r\n"


def _summary(data: bytes) -> str:
    return render(analyze(data), None, "summary")


def _verdicts(data: bytes) -> str:
    return _summary(data).split("Verdicts:", 1)[1].split("\n", 1)[0]


def _ar_authors(data: bytes) -> list[Author]:
    a = analyze(data)
    return [
        a.provenance.fields[f.index].author
        for f in a.headers
        if f.lname == "authentication-results"
    ]


# 1. OpenDMARC with its own SPF check off: the sender's spf=pass after its dmarc= stamp.
_PLANTED_SPF = {
    "dmarc-fail": "dmarc=fail (p=reject dis=reject) header.from=victim.example",
    "dmarc-none": "dmarc=none (p=none dis=none) header.from=victim.example",
}


@pytest.mark.parametrize("dmarc", _PLANTED_SPF.values(), ids=_PLANTED_SPF.keys())
@pytest.mark.parametrize("mailfrom", ["victim.example", "ceo@bounce.victim.example"])
def test_a_planted_spf_pass_after_opendmarcs_failed_dmarc_is_unknown(
    dmarc: str, mailfrom: str
) -> None:
    data = _sendmail(_ODM, _ar(dmarc), _ar(f"spf=pass smtp.mailfrom={mailfrom}"))
    assert _ar_authors(data) == [Author.FINAL_RECEIVER, Author.UNKNOWN]
    verdicts = _verdicts(data)
    assert "SPF unknown (pass not tied to the receiver)" in verdicts
    assert "pass (stamped)" not in verdicts
    assert "in order" not in _summary(data)


def test_opendmarcs_failed_dmarc_with_a_planted_spf_pass_reads_as_a_spoof() -> None:
    data = _sendmail(
        _ODM, _ar(_PLANTED_SPF["dmarc-fail"]), _ar("spf=pass smtp.mailfrom=victim.example")
    )
    assert "Diagnosis: A spoof of victim.example" in _summary(data)


def test_opendmarcs_own_spf_stamps_still_count() -> None:
    # its SPF failure beside its DMARC failure
    data = _sendmail(
        _ODM, _ar(_PLANTED_SPF["dmarc-fail"]), _ar("spf=fail smtp.mailfrom=victim.example")
    )
    assert _ar_authors(data) == [Author.FINAL_RECEIVER] * 2
    assert "SPF fail (stamped)" in _verdicts(data)
    # a list's own envelope passing SPF beside the author's DMARC failure (test_gen8a's shape)
    data = _sendmail(
        _ODM,
        _ar(_PLANTED_SPF["dmarc-fail"]),
        _ar("spf=pass smtp.mailfrom=owner-dev@lists.example.org"),
    )
    assert _ar_authors(data) == [Author.FINAL_RECEIVER] * 2
    # everything agrees with its DMARC pass
    data = _sendmail(
        _ODM,
        _ar("dmarc=pass (p=reject dis=none) header.from=victim.example"),
        _ar("spf=pass smtp.mailfrom=victim.example"),
    )
    assert _ar_authors(data) == [Author.FINAL_RECEIVER] * 2
    assert "SPF pass (stamped)" in _verdicts(data)
