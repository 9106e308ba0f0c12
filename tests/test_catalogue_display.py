"""Catalogue group K, display and terminal (research/reliability.md §4 K1-K3).

Every field of one message carries the K1/K2 payloads; the analysis is rendered to every
export format and through Rich/Textual text objects, and nothing may reach the output raw.
(The console itself is covered by the TUI's Pilot tests.)
"""

from __future__ import annotations

import io
import json
import re
import time

import pytest
from markdown_it import MarkdownIt
from rich.console import Console
from rich.text import Text
from textual.content import Content

from headerlens.report.html import render_html
from headerlens.report.json_report import render_json
from headerlens.report.markdown import render_markdown
from headerlens.textsafe import html_escape, inert, md_escape
from tests.catalogue import MSG, RAW_CONTROL, timed

K1 = [
    "[link=file:///etc/passwd]invoice.pdf[/link]",
    "[@click=app.quit]clickme[/]",
    "[ @click=app.bell]CLICKME[/]",
    "[B]upper[/B]",
    "[$accent]var[/]",
    "[/nope] broken",
]
K2 = [
    "\x1b[2J",  # clear screen
    "\x1b]0;pwned\x07",  # OSC 0 title
    "\x1b]2;pwned\x1b\\",  # OSC 2 title, ST
    "\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b]52;c;ZWNobyBwd25lZA==\x07",  # OSC 52 clipboard write
    "\x1bP1$qm\x1b\\",  # DCS
    "\x1b_apc\x1b\\",  # APC
    "\x1bc",  # full reset
    "\x1b[6n",  # cursor position report request
    "\u009b2J",  # C1 CSI
    "\u009d0;title\x07",  # C1 OSC
]
URLS = (
    " https://evil.example/login www.evil.example HTTP://EVIL.EXAMPLE _www.evil.example"
    " ![x](https://evil.example/p.png) ceo@phish.com mailto:ceo@phish.com www.phish.com "
)
PAYLOAD = "".join(K1 + K2) + URLS + "<script>alert(1)</script>\u202e\x00\U000e0041\u2028"
# What must never appear in output: the payloads' active forms.
ACTIVE = ("\x1b]52", "\x1b]8;;http", "\x1b[2J", "\x1b]0;", "\u009b", "\u009d", "<script>")


def _hostile_message() -> bytes:
    p = PAYLOAD.replace("\r", "").replace("\n", "")
    fields = [
        f"Received: from {p} ({p} [192.0.2.1]) by mx.example.com ({p}); Tue, 10 Nov 2026 09:14:08 -0800",
        f"Authentication-Results: mx.example.com; dkim=pass ({p}) header.d={p}; spf=fail smtp.mailfrom={p}",
        f"DKIM-Signature: v=1; a=rsa-sha256; d={p}; s={p}; h=from; bh=AAAA; b=AAAA",
        f"Received-SPF: pass ({p}) client-ip=192.0.2.1; envelope-from={p}",
        f"X-Forefront-Antispam-Report: CIP:192.0.2.1;CTRY:{p};SFV:SPM;",
        f"Reply-To: {p} <x@example.com>",
    ]
    msg = MSG.replace(b"Subject: hello", b"Subject: " + p.encode()).replace(
        b"Alice", p.replace("<", "").replace(">", "").encode()
    )
    return "\r\n".join(fields).encode() + b"\r\n" + msg


RENDERERS = {"markdown": render_markdown, "json": render_json, "html": render_html}


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_k1_k2_exports_render_nothing_active(fmt: str) -> None:
    # catalogue K1 and catalogue K2: literal text, no control byte, no live markup in any export
    a, _ = timed(_hostile_message())
    out = RENDERERS[fmt](a)
    assert not RAW_CONTROL.search(out)
    for active in ACTIVE:
        assert active not in out
    if fmt == "json":
        doc = json.dumps(json.loads(out))
        assert "\\u001b" not in doc and "\\u009b" not in doc
    if fmt == "markdown":
        assert not re.search(r"(?<!\\)\[link=", out)
        # rendered as GFM does (tables, bare-URL autolinks): no link, image or tag comes alive
        md = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "linkify"])
        # GFM autolinks scheme://, www., mailto:/xmpp: and bare e-mail addresses; it does not
        # link bare domain names (linkify's "fuzzy" links)
        md.linkify.set({"fuzzy_link": False, "fuzzy_email": True})
        page = md.render(out)
        assert "evil.example" in page
        for tag in ("<a ", "<img", "<script"):
            assert tag not in page


@pytest.mark.parametrize(
    "payload",
    K1 + K2,
    ids=[f"k1-{i}" for i in range(len(K1))] + [f"k2-{i}" for i in range(len(K2))],
)
def test_k1_k2_inert_text_through_rich_and_textual(payload: str) -> None:
    # catalogue K1/K2: the one sanitiser makes each payload visible and inactive; Text and
    # Content built from it never parse markup (no MarkupError) and emit no control bytes.
    safe = inert(payload)
    assert not RAW_CONTROL.search(safe)
    assert Content(safe).plain == safe
    buffer = io.StringIO()
    Console(file=buffer, force_terminal=True, color_system=None, width=200).print(Text(safe))
    rendered = buffer.getvalue()
    for active in ACTIVE:
        assert active not in rendered
    assert "\x1b]8" not in rendered and "\u009b" not in rendered
    assert "<" not in html_escape(payload) and ">" not in html_escape(payload)
    assert not RAW_CONTROL.search(md_escape(payload))


@pytest.mark.parametrize(
    "subject",
    ["e\u0301" * 10_000, "\u6f22\u5b57\U0001f600" * 5_000, "x" * 1_000_000],
    ids=["zalgo-10k-combining", "wide-cjk-emoji", "1mb-subject"],
)
def test_k3_width_and_size_bounded(subject: str) -> None:
    # catalogue K3: analysis and every export finish in bounded time (no quadratic layout).
    # 3 s, not the README's 1 s budget: this guards against quadratic work (minutes on 1 MB),
    # and must hold on a loaded 2-core machine; the budget itself is measured in bench/.
    a, seconds = timed(MSG.replace(b"Subject: hello", b"Subject: " + subject.encode()))
    assert seconds < 3.0
    for render in RENDERERS.values():
        started = time.perf_counter()
        out = render(a)
        assert time.perf_counter() - started < 3.0
        assert not RAW_CONTROL.search(out)
