"""Helpers for the bad-input catalogue tests (research/reliability.md §4): run, time, collect."""

from __future__ import annotations

import re
import time

from headerlens.analyze import analyze
from headerlens.model import Analysis, Defect

# Anything a terminal would act on or that hides text: C0 (except TAB/LF/CR), DEL, C1, bidi,
# zero-width, lone surrogates and Unicode tag characters.
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069"
    "\ufeff\ud800-\udfff\U000e0000-\U000e007f]"
)

MSG = (
    b"Received: from mail.example.net (mail.example.net [192.0.2.10]) by mx.example.com "
    b"with ESMTPS id abc; Tue, 10 Nov 2026 09:14:08 -0800\r\n"
    b"From: Alice <alice@example.net>\r\n"
    b"To: bob@example.com\r\n"
    b"Subject: hello\r\n"
    b"Date: Tue, 10 Nov 2026 09:14:00 -0800\r\n"
    b"Message-ID: <1@example.net>\r\n"
    b"\r\n"
    b"body\r\n"
)


def all_defects(a: Analysis) -> list[Defect]:
    """Every defect anywhere in the analysis: top level, chain, hops, parsed headers."""
    out = list(a.defects) + list(a.chain.defects)
    for h in a.chain.hops:
        out += list(h.defects) + list(h.received.defects)
    for group in (a.auth_results, a.received_spf, a.dkim_signatures, a.vendor_headers):
        for x in group:
            out += list(getattr(x, "defects", ()))
    for s in a.arc_sets:
        out += list(getattr(s, "defects", ()))
    return out


def codes(a: Analysis) -> set[str]:
    return {d.code for d in all_defects(a)}


def timed(data: bytes) -> tuple[Analysis, float]:
    """Analyse ``data``; returns the analysis and the seconds it took."""
    started = time.perf_counter()
    a = analyze(data)
    return a, time.perf_counter() - started


def with_header(line: bytes, msg: bytes = MSG) -> bytes:
    """``msg`` with ``line`` (no line end) added as the top header field."""
    return line + b"\r\n" + msg
