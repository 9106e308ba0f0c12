"""Hypothesis: bounce-shaped input never breaks the reader (no internal.* defect, inert exports)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from headerlens.analyze import analyze
from headerlens.report.html import render_html
from headerlens.report.json_report import render_json
from headerlens.report.markdown import render_markdown
from tests.catalogue import RAW_CONTROL, all_defects
from tests.paths import EXAMPLES

SEED = (EXAMPLES / "ndr-gmail-unauthenticated.eml").read_bytes()
# Lines every reader keys on, to be shuffled into bodies with hostile values between them.
SIGNS = [
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    b"--b",
    b"Content-Type: message/delivery-status",
    b"Content-Type: message/rfc822",
    b"Content-Type: text/rfc822-headers",
    b"Reporting-MTA: dns;",
    b"Final-Recipient: rfc822;",
    b"X-Actual-Recipient: rfc822;",
    b"Status: 5.7.",
    b"Diagnostic-Code: smtp; 550-5.7.26 ",
    b"Remote-MTA: dns;",
    b"This is the mail system at host",
    b"This is the qmail-send program at",
    b"<a@b>: host h[1.2.3.4] said: 550 5.7.1 x (in reply to RCPT TO command)",
    b"  a@b\n    host h [1.2.3.4]\n    SMTP error from remote mail server after RCPT TO:<a@b>:",
    b"   ----- The following addresses had permanent fatal errors -----",
    b"... while talking to h.:\n>>> DATA\n<<< 550 5.7.606 banned sending IP [9.9.9.9]",
    b"Diagnostic information for administrators:",
    b"Remote Server returned '550 5.7.509 x'",
    b"Original message headers:",
    b"--- Below this line is a copy of the message.",
    b'{"notificationType":"Bounce","bounce":{"bouncedRecipients":[{"emailAddress":1}]}}',
    b"could not be delivered:\n-- a@b",
    b"\x1b[31m[bold]x[/]\x07",
    b"=?utf-8?B?w6k=?=",
]


@st.composite
def bounce_shaped(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.sampled_from(SIGNS) | st.binary(max_size=40), max_size=40))
    sep = draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
    head = b"From: MAILER-DAEMON@x\nSubject: Undeliverable: y\n"
    return head + sep + sep.join(lines)


@st.composite
def mutated_seed(draw: st.DrawFn) -> bytes:
    data = bytearray(SEED)
    for _ in range(draw(st.integers(0, 8))):
        pos = draw(st.integers(0, len(data)))
        if draw(st.booleans()):
            del data[pos : pos + draw(st.integers(1, 80))]
        else:
            data[pos:pos] = draw(st.sampled_from(SIGNS))
    return bytes(data)


def _check(data: bytes) -> None:
    a = analyze(data)
    defects = list(all_defects(a))
    if a.ndr is not None and a.ndr.original is not None:
        defects += all_defects(a.ndr.original)
    internal = [d for d in defects if d.code.startswith("internal.")]
    assert internal == []
    if a.ndr is not None:
        for r in a.ndr.recipients:
            assert r.meaning is not None and r.meaning.source
            assert r.smtp_code is None or 200 <= r.smtp_code <= 599
    for render in (render_markdown, render_json, render_html):
        assert not RAW_CONTROL.search(render(a))


@given(bounce_shaped())
def test_bounce_shaped_input_is_read_without_error(data: bytes) -> None:
    _check(data)


@given(mutated_seed())
def test_mutated_bounce_is_read_without_error(data: bytes) -> None:
    _check(data)


def test_recipient_budget() -> None:
    # a bounce listing 20,000 addresses: the first budgets.NDR_RECIPIENTS are read, with a defect
    from headerlens import budgets

    body = b"  a@b.example\n     host h [192.0.2.1]\n" * 20000
    data = (
        b"From: MAILER-DAEMON@x.example\nSubject: Mail delivery failed\n\n"
        b"This message was created automatically by mail delivery software.\n"
        b"The following address(es) failed:\n" + body
    )
    a = analyze(data)
    assert a.ndr is not None
    assert len(a.ndr.recipients) == budgets.NDR_RECIPIENTS.limit
    assert [d.code for d in a.ndr.defects] == ["budget.ndr-recipients"]


def test_unterminated_exchange_replies_stay_linear() -> None:
    # "Remote Server returned '" never closed, thousands of times: the reader's text is bounded
    # (budgets.NDR_TEXT_BYTES) and flufl.bounce reads only the head, so 4x input is not 16x time
    import time

    def cost(n: int) -> float:
        data = (
            b"From: postmaster@x.example\nSubject: Undeliverable: x\n\n"
            b"Diagnostic information for administrators:\n\n"
            + b"a@b.example\nhost\nRemote Server returned '550 x\n"
            * n
        )
        start = time.perf_counter()
        analyze(data)
        return time.perf_counter() - start

    small, large = cost(5000), cost(20000)
    assert large < 10 * small + 0.5, (small, large)
