"""Red-team round 6: the residuals of round 5, then holes in this round's loosened rules.

4. A stamp right below a Postfix line naming the receiver with passes and a failure in one
   field ("spf=pass ...; dkim=pass ...; dmarc=fail") was set aside whole, like any pass only
   position ties to the receiver: offline the receiver's own DMARC failure of a spoof was lost
   ("The final receiver wrote no authentication verdict"). A failure gains a sender nothing, so
   the field's failures now count (fail, softfail); its passes still read "unknown (pass not
   tied to the receiver)", a failure in it ties nothing else, and an error or "none" in it is
   not shown as the receiver's (an error's advice would send the reader to the receiver's DNS).
"""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.model.provenance import Author
from headerlens.report.render import render
from headerlens.stamped import final_receiver_results

_D = "Tue, 10 Nov 2026 09:14:09 +0000"


def _postfix(stamp: str) -> bytes:
    """A victim.example spoof through the attacker's own relay into a Postfix MX whose milter
    wrote ``stamp`` directly below the MX's Received line (where the sender's header begins)."""
    return (
        "Received: from smtp-out.attacker.example (smtp-out.attacker.example [203.0.113.66]) by "
        f"mx.fabrikam.example (Postfix) with ESMTPS id 4QxyZ1 for <ap@fabrikam.example>; {_D}\r\n"
        f"Authentication-Results: mx.fabrikam.example; {stamp}\r\n"
        "Return-Path: <bounce@attacker.example>\r\n"
        "Received: from ec2-3-120-4-5.compute-1.amazonaws.com (ec2-3-120-4-5.compute-1.amazonaws"
        ".com [3.120.4.5]) by smtp-out.attacker.example with ESMTPSA id 9Z for "
        "<ap@fabrikam.example>; Tue, 10 Nov 2026 09:14:08 +0000\r\n"
        "From: Victim CEO <ceo@victim.example>\r\nTo: ap@fabrikam.example\r\n"
        "Subject: Urgent wire\r\nDate: Tue, 10 Nov 2026 09:14:07 +0000\r\n"
        "Message-ID: <s1@victim.example>\r\n\r\nPay.\r\n"
    ).encode()


_MIXED = (
    "spf=pass smtp.mailfrom=bounce@attacker.example; dkim=pass header.d=attacker.example; "
    "dmarc=fail (p=reject) header.from=victim.example"
)


def _verdicts(data: bytes) -> str:
    out = render(analyze(data), None, "summary")
    return out.split("Verdicts:", 1)[1].split("\n", 1)[0]


def test_a_mixed_stamp_below_the_line_shows_its_failure_offline() -> None:
    data = _postfix(_MIXED)
    verdicts = _verdicts(data)
    assert "DMARC fail (stamped)" in verdicts
    assert "SPF unknown (pass not tied to the receiver)" in verdicts
    assert "DKIM unknown (pass not tied to the receiver)" in verdicts
    out = render(analyze(data), None, "summary")
    assert "A spoof of victim.example" in out
    assert "wrote no authentication verdict" not in out
    text = render(analyze(data), None, "text")
    assert "dmarc=fail (the passes in the same field are not tied to the receiver)" in text


def test_a_failure_in_a_stamp_ties_none_of_its_passes() -> None:
    a = analyze(_postfix(_MIXED))
    ar = next(f for f in a.headers if f.lname == "authentication-results")
    assert a.provenance.fields[ar.index].author is Author.UNKNOWN
    results = [(r.method, r.result) for s in final_receiver_results(a) for r in s.results]
    assert results == [("dmarc", "fail")]
    assert "pass (stamped)" not in _verdicts(_postfix(_MIXED))


def test_an_error_or_none_in_an_untied_stamp_is_not_the_receivers() -> None:
    stamp = "spf=pass smtp.mailfrom=victim.example; dkim=none; dmarc=temperror header.from=victim.example"
    assert final_receiver_results(analyze(_postfix(stamp))) == ()
    out = render(analyze(_postfix(stamp)), None, "summary")
    assert "temperror" not in out.split("Hops", 1)[0]
