"""Readers for more vendor notices: MailFoundry, SurfControl, Deutsche Telekom (T-Online), X6,
CommuniGate Pro.

Each returns one ``TextHit`` per failed recipient, like ndr_text's.
"""

from __future__ import annotations

import re

from headerlens.parsers.ndr_text import _ADDR, TextHit, clean_reply

_MAILFOUNDRY = re.compile(
    r"Unable to deliver message to: <(" + _ADDR + r")>\s*\nDelivery failed for the following "
    r"reason:\s*\n(?:([\w.-]+)\[([0-9a-fA-F.:]+)\] responded with failure: )?([^\n]{1,1000})"
)


def mailfoundry(text: str) -> list[TextHit]:
    """MailFoundry's notice: "Unable to deliver message to: <rcpt>", "Delivery failed for the
    following reason:" and "host[IP] responded with failure: <reply>" (sisimai,
    lib/sisimai/lhost/mailfoundry.rb)."""
    return [
        TextHit(m.group(1), clean_reply(m.group(4)), m.group(2), m.group(3))
        for m in _MAILFOUNDRY.finditer(text)
    ]


_SURFCONTROL = re.compile(
    r"^(" + _ADDR + r"):[ \t]*\[([0-9a-fA-F.:]+)\],[ \t]*([45]\d\d\b[^\n]{0,1000})$", re.M
)


def surfcontrol(text: str) -> list[TextHit]:
    """SurfControl E-mail Filter's transcript: "Failed to send to identified host," then
    "<rcpt>: [IP], <reply>" (sisimai, lib/sisimai/lhost/surfcontrol.rb)."""
    if "Failed to send to identified host" not in text:
        return []
    return [
        TextHit(m.group(1), clean_reply(m.group(3)), None, m.group(2))
        for m in _SURFCONTROL.finditer(text)
    ]


_TELEKOM = re.compile(r"\|-+ Failed addresses follow: -+\|\s*\n(.*?)(?=\n\|-+|\Z)", re.S)
_TELEKOM_ROW = re.compile(r"^[ \t]*<(" + _ADDR + r")>[ \t]*\n((?:[ \t]+[^\n<][^\n]*\n?)+)", re.M)


def telekom(text: str) -> list[TextHit]:
    """Deutsche Telekom (T-Online): "|---- Failed addresses follow: ----|", then " <rcpt>" and
    the reply indented under it, one pair per recipient (sisimai,
    lib/sisimai/lhost/deutschetelekom.rb)."""
    block = _TELEKOM.search(text)
    if block is None:
        return []
    return [
        TextHit(m.group(1), clean_reply(m.group(2))) for m in _TELEKOM_ROW.finditer(block.group(1))
    ]


_REJECTED_RCPT = re.compile(
    r"SMTP Server <([\w.-]+)> rejected recipient <(" + _ADDR + r")>\s+\(Error following "
    r"(RCPT|MAIL|DATA)\w*(?: command)?\)\.\s+It responded as follows:\s+\[([^\]]{1,1000})\]"
)


def x6(text: str) -> list[TextHit]:
    """The "We had trouble delivering your message" notice (sisimai's X6): "SMTP Server <host>
    rejected recipient <rcpt> (Error following RCPT command). It responded as follows: [reply]"
    (sisimai, lib/sisimai/lhost/x6.rb)."""
    stages = {"RCPT": "RCPT TO", "MAIL": "MAIL FROM", "DATA": "end of DATA"}
    return [
        TextHit(m.group(2), clean_reply(m.group(4)), m.group(1), None, stages[m.group(3)])
        for m in _REJECTED_RCPT.finditer(text)
    ]


_COMMUNIGATE = re.compile(
    r"^Failed to deliver to '<?(" + _ADDR + r")>?'[ \t]*\n((?:[ \t]*\S[^\n]*(?:\n|\Z)){1,6})", re.M
)


def communigate(text: str) -> list[TextHit]:
    """CommuniGate Pro's notice: "Failed to deliver to '<rcpt>'", then its reason on the lines
    below ("Messages without To: fields are not accepted here", "SMTP module(domain …)
    reports: …"), one paragraph per recipient."""
    return [
        TextHit(m.group(1), clean_reply(" ".join(m.group(2).split())))
        for m in _COMMUNIGATE.finditer(text)
    ]
