"""Two more shapes of a real account or server used by someone else (facts only): an
organisation's own mail server relaying an unauthenticated injection from a workstation-named
client, and a sending service's (ESP's) account sending mail that shows another brand.

Both rest on what the final receiver wrote (an aligned pass, or the reverse DNS it confirmed):
the sending side's own lines only describe how the message got there. Each says "signs of",
never "is"; diagnose() never lets them outrank a failed DMARC.
"""

from __future__ import annotations

from headerlens.diagnosis.auth_state import aligned_pass, from_domain
from headerlens.diagnosis.compromise_helo import helo_sign, public_ip
from headerlens.diagnosis.detect_compromise import kit_mailer, reply_sign
from headerlens.diagnosis.esp_hosts import esp_name
from headerlens.diagnosis.facts import Impersonation, Outcome, OutcomeFact, Situation
from headerlens.diagnosis.inputs import (
    boundary_hop,
    confirmed_rdns,
    entry,
    envelope,
    org,
    same_org,
    stamp,
    stamps,
    submission_hops,
)
from headerlens.diagnosis.replyto import FREEMAIL
from headerlens.model import Analysis, Hop

_JUNK = (Outcome.JUNK, Outcome.QUARANTINE)


def _tie(analysis: Analysis, dom: str) -> str | None:
    """What the final receiver wrote that shows the message left through the From domain's own
    infrastructure: an aligned pass, or the reverse DNS it confirmed for its client."""
    if passed := aligned_pass(analysis):
        return f"{passed}: the final receiver authenticated it as {dom}'s own mail"
    rdns = confirmed_rdns(boundary_hop(analysis))
    if rdns and same_org(rdns, dom):
        return f"the final receiver confirmed its client's reverse DNS {rdns}, a host of {dom}"
    return None


def _relay_of(analysis: Analysis, hop: Hop, dom: str) -> str | None:
    """How the server that wrote ``hop``'s line belongs to the From domain's organisation: its
    name is in the domain, or it is the client the final receiver met (the line just below the
    entry, naming that client) and the receiver's own SPF check passed the From domain's
    envelope for its address, or it verified a signature of the From domain's key on it (a
    relay of the organisation hosted under another name)."""
    r = hop.received
    if same_org(r.by, dom):
        return f"a server of {dom}"
    b = entry(analysis)
    bh = boundary_hop(analysis)
    if b is None or bh is None or hop.number != b.hop_number - 1 or not r.by:
        return None
    names = {n.lower().rstrip(".") for n in (bh.received.from_rdns, bh.received.from_helo) if n}
    if r.by.lower().rstrip(".") not in names:
        return None
    spf = stamp(analysis, "spf")
    mf = (spf.result.prop("smtp.mailfrom") or envelope(analysis)) if spf is not None else None
    if spf is not None and spf.value == "pass" and same_org(mf, dom):
        return f"the server {b.ip or '?'} whose address {dom}'s SPF record authorises (the final receiver's SPF pass)"
    # a workstation client signs nothing: a signature of the domain's key that the receiver
    # verified was added on the organisation's side, by that relay or behind it
    signed = any(
        s.value == "pass" and same_org(s.result.prop("header.d") or s.result.prop("header.i"), dom)
        for s in stamps(analysis, "dkim")
    )
    if signed:
        return f"the server {b.ip or '?'}, whose mail carried {dom}'s DKIM signature (the final receiver verified it)"
    return None


def relay_injection(analysis: Analysis, outcome: OutcomeFact, is_list: bool) -> Situation | None:
    """A server of the From domain's organisation accepted the message, without an
    authentication its Received line records, from a client at a public address announcing a
    workstation's default name (User, DESKTOP-…, WIN-…), and the final receiver's own evidence
    shows it left through that organisation; with replies sent elsewhere or a spam kit's mailer
    (a junk verdict alone is not enough), someone else used that organisation's server or an
    account on it. A workstation name alone talking to an MX is a bot, and only the receiver's tie makes
    the server the organisation's: a sender can write any line below the entry."""
    dom = from_domain(analysis)
    b = entry(analysis)
    if not dom or b is None or org(dom) in FREEMAIL:
        return None
    tie = _tie(analysis, dom)
    if tie is None:
        return None
    subs = submission_hops(analysis)
    for hop in (h for h in analysis.chain.hops if h.number < b.hop_number and h not in subs):
        r = hop.received
        sign = helo_sign(analysis, hop)
        if sign is None or not sign[1] or not public_ip(r.from_ip):
            continue
        whose = _relay_of(analysis, hop, dom)
        if whose is None:
            continue
        reply = reply_sign(analysis)
        signs = [s for s in (reply[0] if reply else None, kit_mailer(analysis)) if s]
        if not signs:  # a junk verdict alone is what a bot's spam through the server gets too
            return None
        if outcome.outcome in _JUNK and not is_list:
            signs.append(f"the final receiver filed it as {outcome.outcome.value}")
        ev = (
            f"hop {hop.number}: {r.by}, {whose}, took it from a client at the public "
            f"address {r.from_ip} announcing itself as '{r.from_helo}', with no authentication "
            f"recorded on its line (with {r.with_protocol or 'SMTP'})",
            tie,
            *signs,
        )
        facts = [("party", org(dom) or dom), ("what", "mail account or server")]
        if passed := aligned_pass(analysis):
            facts.append(("passed", passed))
        return Situation("compromised-account", hop.number, ev, tuple(facts))
    return None


def esp_brand(
    analysis: Analysis, outcome: OutcomeFact, shown: Impersonation | None
) -> Situation | None:
    """A sending service's account (the boundary client is the ESP's outbound server) sent a
    message whose authentication passed, for the account's own domain or only for the ESP's,
    but which shows another brand: another domain's address or look-alike as the sender, or
    replies sent to a free-mail mailbox of a message the receiver junked. The account was
    probably taken over or abused; it is never a clean "control". An ESP newsletter with a
    free-mail Reply-To in the Inbox, or junked without another sign, is not enough."""
    bh = boundary_hop(analysis)
    if bh is None:
        return None
    esp = esp_name(bh.received.from_rdns) or esp_name(bh.received.from_helo)
    dom = from_domain(analysis)
    if esp is None or not dom or org(dom) in FREEMAIL:
        return None
    passed = [s for s in stamps(analysis, "spf") + stamps(analysis, "dkim") if s.value == "pass"]
    if not passed:
        return None
    signs: list[str] = []
    if shown is not None and shown.kind in ("display-name", "lookalike"):
        signs.append(f"the From field shows {shown.imitated} ({shown.evidence})")
    reply = reply_sign(analysis)
    if reply is not None and reply[1] and outcome.outcome in _JUNK:
        signs += [reply[0], f"the final receiver filed it as {outcome.outcome.value}"]
    if not signs:
        return None
    aligned = aligned_pass(analysis)
    party = (org(dom) or dom) if aligned else esp
    ev = (
        f"{aligned or passed[0].quote()}: sent through {esp} ({bh.received.from_rdns or bh.received.from_helo} "
        f"[{bh.received.from_ip or '?'}]), whose account {'of ' + dom + ' ' if aligned else ''}authenticated it",
        *signs,
    )
    facts = [
        ("party", party),
        ("what", f"{esp} account" if aligned else "sending account"),
        ("service", esp),
        ("abused", "yes"),
    ]
    if aligned:
        facts.append(("passed", aligned))
    else:
        facts.append(("claimed", org(dom) or dom))
    return Situation("compromised-account", bh.number, ev, tuple(facts))
