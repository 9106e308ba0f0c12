"""Google's sending lines and fields copied under a message that never left Google (facts only).

A message sent from Gmail or Google Workspace leaves from Google's outbound servers
(``mail-*.google.com``) straight to the receiver, or to a host that records receiving it from
them (a forwarder, a list, an outbound gateway). Spam tools paste a real message's Google part
(``Received: by mail-….google.com with SMTP id``, X-Gm-Message-State, X-Google-DKIM-Signature,
X-Received) under their own: the receiver then met a client that is no Google server, and no
line shows Google handing the message to it. Those lines are the sender's text, forged or copied
from another message: they prove nothing of Google, and their times are no queue.
"""

from __future__ import annotations

from headerlens.diagnosis.inputs import boundary_hop, entry, fields
from headerlens.diagnosis.provider_hosts import handed_on, recorded_client, theirs
from headerlens.model import Analysis

_GOOGLE = ("google.com", "gmail.com", "googlemail.com")
# Fields only Gmail's and Workspace's own sending servers add to a message.
_GMAIL_FIELDS = ("x-gm-message-state", "x-google-dkim-signature", "x-gm-gg", "x-gm-features")


def copied_google(analysis: Analysis) -> dict[int, str]:
    """Hops below the entry that claim a Google server received the message, when the message
    carries Gmail's sending fields, the final receiver met a client that is not Google's (the
    name it recorded, else the client's HELO) and no line shows Google handing it on."""
    b = entry(analysis)
    bh = boundary_hop(analysis)
    gmail = [f.name for f in fields(analysis, *_GMAIL_FIELDS)]
    if b is None or bh is None or b.unconfirmed or not gmail:
        return {}
    client = recorded_client(bh)
    if not client or theirs(client, _GOOGLE) or theirs(b.receiver, _GOOGLE):
        return {}
    if handed_on(analysis, _GOOGLE, b.hop_number):
        return {}
    claimed = [
        h for h in analysis.chain.hops if h.number < b.hop_number and theirs(h.received.by, _GOOGLE)
    ]
    newest = max((h.number for h in claimed), default=None)
    # a line of another server between Google's part and the entry: Gmail handed the message to
    # the sender's own server ("send mail as" through its SMTP: "by mail.example.org with
    # ESMTPSA", often with no from-clause), which then sent it on
    if newest is None or any(newest < h.number < b.hop_number for h in analysis.chain.hops):
        return {}
    shown = " / ".join(dict.fromkeys(gmail))
    return {
        h.number: (
            f"hop {h.number} claims Google's {h.received.by} received the message (with {shown} "
            f"copied along), but the final receiver met {client} [{b.ip or '?'}], no Google "
            "server, and no line shows Google handing it on: forged or copied from another message"
        )
        for h in claimed
    }
