"""Sending services' documented test addresses: a bounce for one is the test working, not a failure.

Amazon SES's mailbox simulator, Postmark's bounce-testing domain and SparkPost's Bouncy Sink
answer with a bounce by design when a sender asks for one. The address is the failed
recipient the bounce names (the sender's own word, like the rest of the report): the reading
changes what the failure means, never whether the report is tied to its reporter.
"""

from __future__ import annotations

import re
from dataclasses import replace

from headerlens.model.ndr import CodeMeaning, FailedRecipient, WhoActs

# (domain pattern, whose test address, its documentation)
_SIMULATORS = (
    (
        re.compile(r"@simulator\.amazonses\.com$", re.I),
        "Amazon SES's mailbox simulator",
        "Amazon SES Developer Guide, 'Using the mailbox simulator' (bounce@, ooto@, "
        "complaint@, suppressionlist@ and success@simulator.amazonses.com)",
    ),
    (
        re.compile(r"@bounce-testing\.postmarkapp\.com$", re.I),
        "Postmark's bounce-testing domain",
        "Postmark developer documentation, 'Generate fake bounces' (the black hole domain "
        "bounce-testing.postmarkapp.com)",
    ),
    (
        re.compile(r"@(?:[\w-]+\.)*bouncy-sink\.trymsys\.net$", re.I),
        "SparkPost's Bouncy Sink",
        "SparkPost, bouncy-sink README (test recipient domains *.bouncy-sink.trymsys.net)",
    ),
)


def simulator(address: str) -> tuple[str, str] | None:
    """Whose documented test address ``address`` is, and the document; None for any other."""
    for rx, name, source in _SIMULATORS:
        if rx.search(address.strip().strip("<>")):
            return name, source
    return None


def simulated(r: FailedRecipient) -> FailedRecipient:
    """``r`` read as a test address's designed bounce when it is one; else unchanged."""
    found = simulator(r.address)
    if found is None or r.meaning is None:
        return r
    name, source = found
    meaning = CodeMeaning(
        key="test:simulator",
        explanation=(
            f"{r.address} is a test address of {name}: it answers with this bounce by design, "
            "to let a sender try its bounce handling. No real mailbox refused the message "
            f"(what the reply says: {r.meaning.explanation[:1].lower()}"
            f"{r.meaning.explanation[1:].rstrip('.')})."
        ),
        who_acts=WhoActs.NOBODY_TEST,
        fix=(
            "Nothing, if this was a test: the bounce shows the sending set-up and its bounce "
            "handling work. Keep the address out of real mailings; if nobody on your side sent "
            "a test to it, find out who uses your sending account."
        ),
        source=source,
        matched="vendor-text",
    )
    why = f"{name} answered for its test address by design (no real mailbox refused it)"
    return replace(r, meaning=meaning, rejecter_why=why)
