"""GMX / mail.com bounces with several recipients and no blank line between their paragraphs."""

from __future__ import annotations

from headerlens.parsers import ndr_text_other

_TEXT = (
    "This message was created automatically by mail delivery software.\n\n"
    "A message that you sent could not be delivered to one or more of\n"
    "its recipients. This is a permanent error. The following address\n"
    "failed:\n\n"
    '"tom@example.net":\n'
    "SMTP error from remote server after RCPT command:\n"
    "host: mx.example.net\n"
    "5.1.1 <tom@example.net>... User Unknown\n"
    '"ann@example.net":\n'
    "SMTP error from remote server after RCPT command:\n"
    "host: mx.example.net\n"
    "5.2.2 <ann@example.net>... Mailbox Full\n\n\n"
    "--- The header of the original message is following. ---\n"
)


def test_each_recipient_keeps_its_own_reply() -> None:
    hits = ndr_text_other.gmx(_TEXT)
    assert [h.address for h in hits] == ["tom@example.net", "ann@example.net"]
    assert "User Unknown" in hits[0].diagnostic and "Mailbox Full" not in hits[0].diagnostic
    assert "Mailbox Full" in hits[1].diagnostic
    assert all(h.remote_mta == "mx.example.net" for h in hits)


def test_one_recipient_still_reads_to_the_blank_line() -> None:
    one = _TEXT.split('"ann@example.net"')[0] + "\n\n"
    hits = ndr_text_other.gmx(one)
    assert len(hits) == 1 and "User Unknown" in hits[0].diagnostic
