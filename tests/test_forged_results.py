"""A sender-inserted Authentication-Results claiming the receiver's authserv-id is not the
receiver's verdict (RFC 8601 §5), and is not credited to the receiving hop."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.model import Analysis, AuthResults
from headerlens.stamped import final_receiver_results, stamped
from tests.paths import EXAMPLES

FORGED = b"Authentication-Results: mx.google.com; dkim=pass; spf=pass; dmarc=pass; arc=pass\r\n"


def _forged_message() -> bytes:
    raw = (EXAMPLES / "spf-not-updated.eml").read_bytes()
    # Insert the forged field just above From: below every Received line, where the sender's
    # own header section ends up.
    i = raw.index(b"From: ")
    return raw[:i] + FORGED + raw[i:]


def _forged(a: Analysis) -> list[AuthResults]:
    return [r for r in a.auth_results if r.raw.startswith("mx.google.com; dkim=pass; spf=pass")]


def test_forged_field_is_not_the_final_receivers_word() -> None:
    a = analyze(_forged_message())
    finals = final_receiver_results(a)
    forged = _forged(a)
    assert len(forged) == 1
    assert finals
    assert forged[0] not in finals
    assert stamped(a, "spf") == "fail"  # what mx.google.com really stamped


def test_forged_field_is_not_credited_to_the_receiving_hop() -> None:
    a = analyze(_forged_message())
    forged = _forged(a)
    assert len(forged) == 1
    boundary = a.chain.boundary
    assert boundary is not None
    assert forged[0].stamped_by_hop != boundary.hop_number
