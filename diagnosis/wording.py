"""The one place where diagnosis facts become sentences: one wording per situation (the headline is in headline.py)."""

from __future__ import annotations

from headerlens.diagnosis import wording_spoof
from headerlens.diagnosis.facts import (
    DateNote,
    Gap,
    GapKind,
    Situation,
)
from headerlens.diagnosis.gap_causes import SENDER
from headerlens.diagnosis.inputs import not_a_domain
from headerlens.diagnosis.wording_notice import notice_fix, notice_title
from headerlens.diagnosis.wording_success import forged_doubt, success_title

# what servers keep by default before they bounce (sources in diagnosis/gap_beyond.py)
QUEUE_DEFAULTS = (
    "by default Exchange gives up after 2 d, Exim 4 d, Postfix and Sendmail 5 d, qmail 7 d"
)


def duration(seconds: float) -> str:
    s = int(abs(seconds))
    if s < 120:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 48 * 3600:
        return f"{s // 3600} h {s % 3600 // 60} min"
    return f"{s // 86400} d {s % 86400 // 3600} h"


_ENFORCING = frozenset({"reject", "quarantine", "oreject", "oquarantine"})
_POLICY = {
    "oreject": "reject, which Microsoft applies by filing to Junk (action=oreject), not by bouncing",
    "oquarantine": "quarantine, applied by Microsoft as action=oquarantine",
    "no-record": "none published (dmarc=none)",
    "unusable": "none applied, its record is unusable (dmarc=permerror)",
}


def domain_of(s: Situation, name: str = "domain", default: str = "the From domain") -> str:
    return s.fact(name) or default


def server_of(s: Situation) -> str:
    return s.fact("server") or "the sending server"


def _arc_how(s: Situation) -> str:
    """How the receiver showed it accepted on ARC: Microsoft's compauth, or Gmail's dmarc= comment."""
    return "compauth reason 130" if "compauth" in (s.fact("arc") or "") else "dis=NONE arc=pass"


def _unchecked_title(s: Situation) -> str:
    """A list or forward only the message's own headers name, with nothing checked."""
    if taken := s.fact("taken-for"):
        return f"A post to the list {s.fact('relay') or ''} as the list's host received it (for {taken}), before the list re-sent anything: its authentication is the author's side's, and nothing checked it ({s.fact('unchecked')})."
    kind = "Mailing-list message" if s.fact("relay-kind") == "list" else "Forwarded message"
    by = "the list" if s.fact("relay-kind") == "list" else "the forwarder"
    relay = f" ({s.fact('relay')})" if s.fact("relay") else ""
    return f"{kind}{relay} by its own headers: nothing checked its authenticity ({s.fact('unchecked')}), so whether {by} re-sent a genuine message from {domain_of(s)} or a sender wrote those headers is open; they explain no failure."


def own_domain_caveat(s: Situation) -> str:
    """For a list tied only by its own domain (no known list operator sent it): the spoof it
    may be, since a sender can run a list on its own domain."""
    own = s.fact("own-domain")
    if not own:
        return ""
    if intake := s.fact("intake"):  # what the list's own intake checked (its word)
        return f"; only {own}'s own server and bounce address tie it to the list, and the list's own intake recorded {intake} when the post arrived: the list's word for the author, which holds as far as {own} is trusted"
    return f"; but only {own}'s own server and bounce address tie it to the list, and a sender can run a list on its own domain, so it may also be a spoof of {domain_of(s)}: the check with DNS tells"


def _delivered_title(s: Situation) -> str:
    """A list delivery the receiver recorded, with the author's DMARC undecided."""
    dom = domain_of(s)
    return f"Mailing-list message ({s.fact('list') or 'list headers present'}): the list's own server {s.fact('delivered')} handed it to the final receiver (the receiver's Received line and the list's bounce address {s.fact('envelope')} as envelope sender show it). DMARC for {dom} is unknown ({s.fact('undecided')}); a list's re-send (footer, subject tag, its own envelope) often breaks the author's SPF and DKIM, which is the list's to fix, not {dom}'s{own_domain_caveat(s)}."


def remote_part(s: Situation) -> str:
    return f" at {s.fact('remote')}" if s.fact("remote") else ""


def taken(s: Situation) -> str:
    """How the account was misused: a sending service's account used for another brand may
    be the customer's own doing or a stolen login."""
    return "an abused or taken-over" if s.fact("abused") or s.fact("free-mail") else "a taken-over"


def what_of(s: Situation) -> str:
    return s.fact("what") or "account"


def _dns_note(s: Situation, party: str) -> str:
    """DNS cannot stop a real account's mail; when the From domain is another one, only its own
    SPF/DMARC can make receivers refuse mail from that server."""
    if claimed := s.fact("claimed"):
        return f"Nothing to fix in {party}'s DNS (the mail came from its own server). The From domain {claimed} is another one: unless it is hosted there, an enforcing DMARC policy at {claimed} is what makes receivers refuse such mail."
    return (
        "Nothing to fix in DNS: SPF, DKIM and DMARC cannot stop mail sent through the real account."
    )


def _compromised_title(s: Situation) -> str:
    party = s.fact("party") or "the sending organisation"
    who = "spam sent through it" if s.fact("free-mail") else "someone else using it"
    text = f"Signs of {taken(s)} {what_of(s)} at {party} (the evidence below; each sign alone proves little, together they point to {who})."
    if passed := s.fact("passed"):
        text += f" Authentication passed ({passed}) because the message really came from {party}'s own account or server: that does not make it genuine."
    if s.fact("free-mail"):
        text += f" {party} is a free-mail provider, which opens an account for anyone: the account may be the spammer's own as well as a stolen one."
    if s.fact("abused"):
        text += " What it shows is not the account's own business: probably someone else used the account (a stolen login, a hacked site, or an account opened for fraud)."
        if claimed := s.fact("claimed"):
            text += f" Only the service's own identity passed, not {claimed}'s: {claimed} itself was not authenticated."
    return text


def _unvouched(s: Situation) -> str:
    doubt = forged_doubt(s)
    doubt = f" {doubt[:1].upper()}{doubt[1:]}." if doubt else ""
    if s.fact("untied"):
        return f" Offline, nothing the receiver wrote ties the report to {s.fact('reporter') or 'its reporter'} (it came from {s.fact('untied')}): not confirmed offline, which is not a sign of forgery by itself (many receivers confirm no reverse DNS); the check with DNS tells.{doubt}"
    if not s.fact("unvouched"):
        return doubt
    return f" Nothing ties the report to {s.fact('reporter') or 'its reporter'} (it came from {s.fact('unvouched')}, unauthenticated): it may be forged, so check the original was really sent before acting on it.{doubt}"


def title(s: Situation) -> str:
    """One sentence stating the situation."""
    label = s.label
    if s.fact("unchecked"):
        return _unchecked_title(s)
    if label == "spoof":
        pol = s.fact("policy")
        tail = f" (its DMARC policy: {_POLICY.get(pol, pol)})" if pol else ""
        if relay := s.fact("relay"):
            kind = s.fact("relay-kind") or "relay"
            if s.fact("dmarc") == "undecided":
                return f"Possible spoof: the message claims to come from {domain_of(s)}{tail} and nothing decided DMARC (no verdict of the receiver's, not re-verified); only its own fields name the {kind} ({relay}) that would explain that, and a sender can write them."
            return f"Spoof, unless the {kind} {relay} re-sent a genuine message: it claims to come from {domain_of(s)}{tail}, nothing {domain_of(s)} controls authenticated it, and the {kind}'s host handed it over, but a sender can run a {kind} on its own domain."
        if gw := s.fact("gateway"):
            return f"Possible spoof, or {domain_of(s)}'s own mail: the receiver stamped dmarc=fail{tail}, but it checked SPF against the {gw} filtering gateway that handed the message over, not against the sending server (and a gateway that rewrites links breaks DKIM), so its verdict cannot tell the two apart."
        if s.fact("backscatter"):
            return f"Spoof of {domain_of(s)}: the bounced original claimed {s.fact('backscatter')}, but it entered at {s.fact('entry')}, a client its server could not even name, and never passed a server of {domain_of(s)}."
        if not_a_domain(s.fact("domain")):
            return f"Spoof: the message claims to come from {domain_of(s)}, which is not a real domain name, so nothing can authenticate it."
        if s.fact("sign") == "provider":
            return wording_spoof.provider_title(s)
        if s.fact("sign") == "length":
            return f"Spoofed text: the message passes DMARC for {domain_of(s)} only through a DKIM signature that covers the start of the body (l=), and text was appended after it that no one signed."
        if s.fact("sign") == "spf":
            return f"Probably a spoof: the message claims to come from {domain_of(s)}, but the receiver's SPF check says {server_of(s)} is not allowed to send for {domain_of(s)}, no DKIM signature of {domain_of(s)} verified, and {domain_of(s)} publishes no DMARC policy, so nothing stopped it: a forgery, or {domain_of(s)}'s SPF record misses this server."
        if shown := s.fact("shown"):
            return f"Spoof: the message claims to come from {domain_of(s)}{tail}, its From domain written in look-alike characters ({shown}) that DNS maps back to {domain_of(s)}; it is not {domain_of(s)}'s mail and nothing {domain_of(s)} controls authenticated it."
        return f"Spoof: the message claims to come from {domain_of(s)}{tail}, but nothing {domain_of(s)} controls authenticated it."
    if label in ("forward-srs", "forward-nosrs") and (later := s.fact("earlier")):
        how = (
            f"with Gmail's forwarding envelope {s.fact('envelope')}"
            if s.fact("envelope")
            else "X-Forwarded-To/For"
        )
        return f"Forwarded on an earlier leg: a mailbox at {s.fact('forwarder') or 'an intermediary'} forwarded it ({how}); then {later}, so this forward bears on nothing the final receiver checked."
    if label == "forward-srs" and s.fact("internal"):
        return f"Forwarded inside the receiving organisation: {s.fact('forwarder')} re-sent it with a rewritten (SRS) envelope sender after its own checks (its SPF check was for {s.fact('checked')}), which changes none of its verdicts."
    if label == "forward-srs":
        arc = (
            f" The final receiver accepted it on the forwarder's ARC seal ({_arc_how(s)})."
            if s.fact("arc")
            else ""
        )
        return f"Forwarded message: {s.fact('forwarder') or 'a forwarder'} re-sent it with a rewritten (SRS) envelope sender, so SPF was checked for the forwarder, not the author.{arc}"
    if label == "forward-nosrs" and s.fact("probable") and s.fact("spf"):
        return f"Probably forwarded: {s.fact('forwarder')} re-sent it keeping the original envelope sender {s.fact('envelope')} (no SRS), so an SPF check at the final receiver (it wrote none) would test the author's domain at the forwarder's host; this is read from the receiver's own line and stamps, not proven."
    if label == "forward-nosrs" and s.fact("probable"):
        return f"Probably forwarded: {s.fact('forwarder')} re-sent it keeping the original envelope sender {s.fact('envelope')} (no SRS), so SPF failed at the final receiver; this is read from the receiver's own stamps, not proven."
    if label == "forward-nosrs":
        env = s.fact("envelope")
        kept = (
            f"keeping the original envelope sender {env}"
            if env
            else "without rewriting the envelope sender (SRS)"
        )
        return f"Forwarded message: {s.fact('forwarder') or 'a forwarder'} re-sent it {kept}, so SPF cannot pass at the next receiver."
    if label == "mailing-list" and s.fact("delivered"):
        return _delivered_title(s)
    if label == "mailing-list" and s.fact("notice"):
        return notice_title(s)
    if label == "mailing-list":
        arc = (
            f" The final receiver accepted it on the list's ARC seal ({_arc_how(s)}) although DMARC failed."
            if s.fact("arc")
            else ""
        )
        return f"Mailing-list message ({s.fact('list') or 'list headers present'}): the list server re-sent it, which changes what SPF, DKIM and DMARC can prove.{arc}"
    if label == "google-groups" and s.fact("refused"):
        return f"Google Groups refused the post to {s.fact('refused')}: the group does not exist, or the sender may not post to it (not a member, or the group takes no posts); nothing was distributed."
    if label == "google-groups" and s.fact("claimed"):
        return (
            "The list is a Google Group by its own headers: nothing checked that Google re-sent it."
        )
    if label == "google-groups":
        return "The list is a Google Group: Google re-sent it and sealed ARC."
    if label == "ndr" and s.fact("backscatter") and (server := s.fact("unless-server")):
        return f"Backscatter unless {s.fact('forged-domain')} sends from {server}: a non-delivery report of a message that claimed {s.fact('backscatter')}; it entered at {s.fact('entry')} and passed no other server of {s.fact('forged-domain')}. {s.fact('remote') or 'The remote server'} refused it ({s.fact('status') or 'no status'}).{_unvouched(s)}"
    if label == "ndr" and s.fact("backscatter") and not s.fact("entry"):
        return f"Backscatter passed on by the mailing list {s.fact('via-list')}: a non-delivery report of a message that forged the list's own posting address {s.fact('backscatter')} as its sender (the list's own mail never uses it); the reader sent nothing. {s.fact('remote') or 'The remote server'} refused it ({s.fact('status') or 'no status'}).{_unvouched(s)}"
    if label == "ndr" and s.fact("backscatter"):
        return f"Backscatter: a non-delivery report of a message that forged {s.fact('backscatter')}; it entered at {s.fact('entry')} and never passed a server of {s.fact('forged-domain')}, so {s.fact('forged-domain')} did not send it. {s.fact('remote') or 'The remote server'} refused it ({s.fact('status') or 'no status'}).{_unvouched(s)}"
    if label == "ndr" and s.fact("succeeded"):
        return success_title(s)
    if label == "ndr" and s.fact("delayed"):
        return f"Delivery-delay notice (a DSN with Action: delayed), not a bounce: the original is not refused yet; {s.fact('reporter') or 'the sending server'} keeps retrying ({s.fact('status') or 'no status'}{remote_part(s)})."
    if label == "ndr" and s.fact("unreached"):
        return f"Non-delivery report: {s.fact('reporter') or 'the sending server'} gave up ({s.fact('status') or 'no status'}): {s.fact('unreached')}; no server refused the message."
    if label == "ndr" and s.fact("simulator"):
        return f"Non-delivery report from a test address: {s.fact('recipient')} belongs to {s.fact('simulator')}, which answers with a bounce by design ({s.fact('status') or 'no status'}); no real mailbox refused the message.{_unvouched(s)}"
    if label == "ndr" and s.fact("mixed"):
        return f"Non-delivery report: {s.fact('mixed')}; the first was refused ({s.fact('status') or 'no status'}) by {s.fact('remote') or 'the remote server'}, each recipient's reason and party are listed below.{_unvouched(s)}"
    if label == "ndr":
        return f"Non-delivery report: the original message was refused ({s.fact('status') or 'no status'}) by {s.fact('remote') or 'the remote server'}.{_unvouched(s)}"
    if label == "sender-side-scan":
        return "Some verdict headers were written by the sender's side or an intermediary, not by the final receiver; they say nothing about where the recipient filed the message."
    if label == "allowlist-override" and s.fact("folder"):
        return f"An allow list (Safe Senders / trusted senders) of the recipient overrode the filter, and the mailbox {s.fact('folder')}: the user's own settings, not the filter, chose where it went."
    if label == "allowlist-override":
        return "An allow list (Safe Senders / trusted senders) of the recipient overrode the filter: the message went to the Inbox although the filter judged it junk or failed authentication."
    if label == "junk" and s.fact("outcome") == "quarantine":
        return f"{s.fact('receiver') or 'The final receiver'} quarantined it (its own verdict headers say so)."
    if label == "junk":
        return f"{s.fact('receiver') or 'The final receiver'} filed it as {s.fact('outcome') or 'junk'} (its own verdict headers say so)."
    if label == "phish-sim" and not s.fact("receiver"):
        return "It carries a phishing-simulation vendor's mark, but only the sender's own text says so (anyone can write it): a simulation if your organisation runs one with that vendor, otherwise real phishing."
    if label == "phish-sim":
        return "A sanctioned phishing simulation (training message), not a real attack."
    if label == "compromised-account":
        return _compromised_title(s)
    if label == "delay" and s.fact("cause") == "sender":
        return f"By the sending side's own stamps, the message waited {duration(float(s.fact('seconds') or 0))} on {s.fact('host') or 'one server'} before it reached the receiver: those lines are below the trust boundary, so no receiver measured this time."
    if label == "delay":
        why = s.fact("why") or "its queue"
        return f"The message waited {duration(float(s.fact('seconds') or 0))} on {s.fact('host') or 'one server'} ({why}): that is where the delay happened."
    if label == "tz-artefact":
        return (
            "An apparent time gap is a wrong time-zone label or clock on one server, not a delay."
        )
    if label == "forged-received" and s.fact("stray"):
        return f"Received lines of another message's path sit in this chain below the trust boundary (from hop {s.hop_number}): pasted or forged by the sender's side, or paste damage in the copy, not a clock; ignore them."
    if label == "forged-received":
        return f"A Received line was written by the sender, not by a relay (hop {s.hop_number}); ignore it."
    if label == "paste-damage" and s.fact("masked") == "only":
        return "Addresses in the header were masked by hand or replaced by placeholders before it was pasted: a hop whose visible prefix is private (10.x, 192.168.x) still reads as internal; any other masked client is unknown, and nothing is checked against it."
    if label == "paste-damage":
        return "The header block is damaged (lost indentation, odd line ends or merged fields); some fields may be misread."
    if imitated := s.fact("imitated"):
        return _control_beside_impersonation(s, imitated)
    if s.fact("dmarc") == "no-record":
        return "Nothing is wrong with authentication or the delivery path: an identifier of the From domain passed and Microsoft's implicit check passed (dmarc=bestguesspass, compauth=pass). The From domain publishes no DMARC policy, so nothing would stop a forgery of it elsewhere."
    if s.fact("dmarc") == "none-stamped":
        return f"Nothing is wrong with authentication or the delivery path: an identifier of the From domain passed at the final receiver ({s.evidence[0]}). The receiver found no DMARC policy to apply ({s.evidence[-1]}): the From domain publishes none, so nothing would stop a forgery of it elsewhere; that is for the domain's owner, not the recipient."
    if s.fact("dmarc") == "not-stamped":
        return f"Nothing is wrong with authentication or the delivery path: an identifier of the From domain passed at the final receiver ({s.evidence[0]}). The receiver wrote no DMARC verdict: either it does not check DMARC (GMX, for one, writes only dkim=) or the From domain publishes no DMARC record; a re-check with DNS tells which."
    if gw := s.fact("gateway"):
        free = s.fact("freemail")
        return (
            f"Nothing is wrong with authentication or the delivery path: DMARC passed at the final receiver ({s.evidence[0]}). Its SPF failure names the {gw} filtering gateway that handed the message over, not the sender's server: expected behind a gateway."
            + (
                f" The message came from an account at {free}, which anyone can open."
                if free
                else ""
            )
        )
    if free := s.fact("freemail"):
        return f"Nothing is wrong with authentication or the delivery path: the message really came from an account at {free}. That proves only who holds the account, which anyone can open, not that the sender is who the display name or the text claims."
    return "Nothing is wrong with authentication or the delivery path."


def _control_beside_impersonation(s: Situation, imitated: str) -> str:
    """Control next to an impersonation: in order for the sending domain, nothing about the other."""
    sender = s.fact("sender")
    who = f"an account at {free}, which anyone can open" if (free := s.fact("freemail")) else sender
    return f"Authentication and the delivery path are in order for the domain that really sent it ({who}); that proves nothing about {imitated}, whose name it shows: see the impersonation finding."


def not_a_domain_fix(dom: str, problem: str) -> str:
    """No SPF/DMARC advice for a From or envelope domain that cannot exist."""
    return f"{dom} is not a real domain name (it {problem}): nobody can publish SPF or DMARC for it and no real sender uses it, a sign of forgery. Block or report the message."


def fix(s: Situation) -> str:
    """What to do, written for this situation (empty when nothing needs doing)."""
    label = s.label
    if s.fact("unchecked"):
        genuine = "list copy" if s.fact("relay-kind") == "list" else "forward"
        rerun = s.fact("rerun") or "re-run with DNS"
        rerun += " (not --offline)" if rerun == "re-run with DNS" else ""
        if s.fact("taken-for"):
            return f"Nothing to fix yet: {rerun} to check SPF, DKIM and DMARC. The list changed nothing yet, so a failure here is the author's side's to fix, or a spoof (then nothing to fix at {domain_of(s)})."
        return f"Nothing to fix yet: {rerun} to check SPF, DKIM and DMARC. A genuine {genuine} that fails is the {s.fact('relay-kind') or 'relay'}'s to fix (From rewriting, SRS, ARC sealing); a spoof is nothing to fix at {domain_of(s)}."
    if label in ("spoof", "ndr") and s.fact("backscatter") and (server := s.fact("unless-server")):
        return f"If {s.fact('forged-domain')} sends from {server} (an application or hosted server of its own), its SPF record misses that server: add it there. If it does not, nothing to fix at {s.fact('forged-domain')}: it did not send the original, and adding the server would authorise the forger; discard the bounce."
    if label in ("spoof", "ndr") and s.fact("backscatter"):
        return f"Nothing to fix at {s.fact('forged-domain') or domain_of(s)}, in its DNS (SPF, DKIM, DMARC) or elsewhere: it did not send the original, so adding the refusing server's sender to its SPF would authorise the forger. Discard the bounce (a list should not distribute it)."
    if label == "spoof" and (relay := s.fact("relay")):
        return f"If {relay} is a {s.fact('relay-kind') or 'relay'} you know, the fix belongs there (From rewriting, SRS, ARC sealing) or to trusting its ARC; otherwise nothing to fix at {domain_of(s)}: block or report the message."
    if label == "spoof" and (gw := s.fact("gateway")):
        return f"Look at the {gw} gateway's own verdict for this message (its SPF/DKIM/DMARC check of the sending server). At the receiver, turn on Enhanced Filtering for Connectors (skip listing) for the gateway so Microsoft checks the real sender. Nothing to change at {domain_of(s)} on this evidence."
    if label == "spoof" and (problem := not_a_domain(s.fact("domain"))):
        return not_a_domain_fix(domain_of(s), problem)
    if label == "spoof" and s.fact("sign") == "spf":
        return f"Nothing to fix at {domain_of(s)} unless it really sends through {server_of(s)} (then its SPF record misses that server): otherwise block or report the message. A DMARC policy at {domain_of(s)} would let receivers refuse such forgeries."
    if label == "spoof" and s.fact("sign") == "provider":
        return wording_spoof.provider_fix(s)
    if label == "spoof" and s.fact("sign") == "length":
        return f"Treat the text after the signed part as a forgery. {domain_of(s)} should stop signing with l= (RFC 6376 §8.2): it lets anyone who has one of its messages append to it."
    if label == "spoof" and (site := s.fact("form-site")):
        return f"Nothing to fix at {domain_of(s)}: a web form of {site} sent this with the address its visitor typed as From. {site} should send its form mail from an address of its own domain (its SPF and DKIM) with the visitor in Reply-To; if you do not know {site}'s form, block or report the message."
    if label == "spoof" and s.fact("policy") in _ENFORCING:
        return f"Nothing to fix at {domain_of(s)}: it did not send this, and its DMARC policy ({s.fact('policy')}) already asks receivers to refuse such mail. Block or report the message."
    if label == "spoof":
        return f"Nothing to fix at {domain_of(s)}: it did not send this. Block or report the message; an enforcing DMARC policy at {domain_of(s)} is the only sender-side help."
    if label in ("forward-srs", "forward-nosrs") and (s.fact("internal") or s.fact("earlier")):
        return ""
    if label == "forward-nosrs" and s.fact("probable") and s.fact("spf"):
        return f"Nothing failed at the final receiver (the author's DKIM signature passed there). If SPF ever matters there, the fix is at {s.fact('forwarder')} (SRS or ARC sealing), not in the author's SPF record."
    if label == "forward-nosrs" and s.fact("probable"):
        return f"If {s.fact('forwarder')} forwards this address, the fix is there (SRS, ARC sealing, or forwarding without changing the message), not in the author's SPF record; if it does not, treat the message as unauthenticated."
    if label in ("forward-srs", "forward-nosrs") and (passes := s.fact("handled")):
        how = (
            "rewrote the envelope (SRS)"
            if label == "forward-srs"
            else "kept the author's signature"
        )
        arc = " and the receiver accepted its ARC" if s.fact("arc") else ""
        return f"Nothing to fix: the forward is handled. The forwarder {how}{arc}, and SPF and DMARC pass at the final receiver ({passes})."
    if label == "forward-srs" and s.fact("arc") and (signer := s.fact("unaligned-dkim")):
        dom = domain_of(s)
        return f"Nothing to fix at the forwarder: it rewrote the envelope and sealed ARC, and the final receiver accepted the seal. DMARC failed there because the only DKIM signature that passed is by {signer}, not aligned with {dom}: before the forward only SPF could carry DMARC, and SPF fails once a forwarder re-sends. If this is {dom}'s own mail, {dom} should also sign with its own domain (d={dom}) so that it passes DMARC after any forward, sealed or not."
    if label in ("forward-srs", "forward-nosrs"):
        return "Fix at the forwarder, not at the author's domain: rewrite the envelope (SRS), seal ARC, or keep the author's DKIM signature intact; the final receiver can trust the forwarder's ARC."
    if label == "mailing-list" and s.fact("notice"):
        return notice_fix(s)
    if label == "mailing-list" and (before := s.fact("failed-before")):
        dom = domain_of(s)
        return f"DMARC for {dom} had already failed before the list re-sent the message ({before}; that stamp is an intermediary's, not the final receiver's): any fix is {dom}'s, not the list's. If this is {dom}'s own mail, its admin should sign with DKIM for {dom} itself (not only a provider's default signing domain) and make {dom}'s SPF record name the service it really sends through; if it is not, nothing is to fix at {dom}."
    if label == "mailing-list" and s.fact("delivered"):
        return f"Nothing to fix at {domain_of(s)}: {s.fact('rerun') or 're-run with DNS'} to see SPF, DKIM and DMARC. If the list's copy fails DMARC, the fix belongs to the list (From rewriting, re-signing, ARC sealing) or to receivers trusting its ARC."
    if label == "mailing-list" and s.fact("inbound"):
        return "The list host's own inbound check stamped these verdicts, before the list re-sent anything: a failure there is about how the author's side sent the post, so any fix is on that side, not at the list."
    if label == "google-groups" and s.fact("refused"):
        return "Check the group's address; if it is right, join the group or ask its owner to let you post, then send again. Nothing to fix in authentication."
    if label == "google-groups" and s.fact("claimed"):
        return ""  # the list's own situation says what to do
    if label in ("mailing-list", "google-groups"):
        return "Any fix belongs to the list (From rewriting, re-signing, ARC sealing) or to receivers trusting the list's ARC, not to the author's DNS."
    if label == "allowlist-override" and s.fact("folder"):
        return "Nothing to fix in authentication: the user's own allow list and mailbox rule placed it. If such mail is unwanted, remove the allow-list entry that matched or change the rule."
    if label == "allowlist-override":
        return "Remove the allow-list (Safe Senders / trusted sender) entry that matched; never allow-list a domain that others can spoof."
    if label == "phish-sim" and not s.fact("receiver"):
        return "Check that your organisation runs a simulation with this vendor; if not, handle it as real phishing. Either way, report it with the phishing-report button."
    if label == "phish-sim":
        return "No remediation: report it with the phishing-report button as the training expects."
    if label == "compromised-account":
        party, what = s.fact("party") or "the sending organisation", what_of(s)
        site = " and the uploaded script removed" if "website" in what else ""
        desk = f" and to {s.fact('service')}'s abuse desk" if s.fact("service") else ""
        if s.fact("free-mail"):
            return f"Report it to {party}'s abuse desk with the full header: the provider can close the {what} (if its owner lost it, they must reset the password and revoke sessions). {_dns_note(s, party)}"
        return f"Report it to {party} (its postmaster or abuse address){desk}: the {what} must be secured (password reset, sessions revoked, outbound queue cleaned{site}). {_dns_note(s, party)}"
    if label == "delay" and s.fact("cause") == "greylist":
        return "Nothing to fix: greylisting deferred the first try and the sending server retried, as it should (RFC 6647); the greylisting host can allow-list known senders to avoid the wait."
    if label == "delay" and s.fact("cause") == "list":
        return "Nothing to fix at the author's or the recipient's side: the list held the post; its owner can say whether posts wait for moderation or a batch run."
    if label == "delay" and s.fact("cause") == "sender":
        return f"Only the sending side can check this time (its own lines say it): its administrator can look at {s.fact('host') or 'that server'}'s queue at that time."
    if label == "delay":
        return f"Look at {s.fact('host') or 'that server'}'s queue, greylisting or content scanning at that time."
    if label == "forged-received":
        return "Ignore the forged line when reading the path and delays."
    return ""


def between(g: Gap) -> str:
    """The two stamps around a gap; an X-Received dated before the Received chain (numbered 0 or
    below, oldest first) is named as such, not by a negative number."""
    first = f"stamp {g.hop_number}" if g.hop_number > 0 else "an X-Received stamp before the chain"
    second = f"stamp {g.next_hop}" if g.next_hop > 0 else "the next X-Received stamp"
    return f"{first} and {second}"


def gap_sentence(g: Gap) -> str:
    host = g.host or "the server"
    if g.kind is GapKind.SKEW:
        return f"{duration(g.seconds)} ({'negative' if g.seconds < 0 else 'positive'}) between {between(g)}: one clock is wrong ({g.note or 'clock skew'}), not time spent."
    if g.kind is GapKind.TZ_LABEL:
        return f"{duration(g.seconds)} between {between(g)} is a time-zone label error ({g.note}), not a delay."
    if g.kind is GapKind.FORGED:
        return f"Stamp {g.hop_number} is on a forged Received line: the gap after it is no queue."
    if g.kind is GapKind.REDELIVERED and g.note:
        return f"{duration(g.seconds)} between {between(g)}: the message was delivered to a mailbox and {g.note}, so this is time in the mailbox, not a server queue."
    if g.kind is GapKind.REDELIVERED:
        return f"{duration(g.seconds)} between {between(g)}: the message was delivered to a mailbox (Delivered-To) and sent on later (a forward or a re-send of a saved copy), so this is time in the mailbox, not a server queue."
    if g.kind is GapKind.INCONSISTENT:
        return inconsistent_sentence([g])
    if g.kind is GapKind.NO_QUEUE:
        return f"{duration(g.seconds)} between {between(g)} is longer than mail servers keep a message queued ({QUEUE_DEFAULTS}): no delay on {host}, but {g.note}."
    if g.hop_number <= 0:
        return f"The message waited {duration(g.seconds)} on {host} ({g.note or 'before the Received chain'})."
    if g.note.startswith(SENDER):
        return f"By the sending side's own stamps, the message waited {duration(g.seconds)} on {host}, between {between(g)}{g.note.removeprefix(SENDER)}."
    if g.note:
        return (
            f"The message waited {duration(g.seconds)} on {host}, between {between(g)}: {g.note}."
        )
    return f"The message waited {duration(g.seconds)} on {host}, between {between(g)}: that server's queue or filters held it."


def inconsistent_sentence(odd: list[Gap]) -> str:
    """The gaps whose stamps the rest of the chain contradicts, said once."""
    where = ", ".join(dict.fromkeys(between(g) for g in odd[:3]))
    return (
        f"The times on this chain are inconsistent ({where}: {odd[0].note}); no delay can be named."
    )


def short_gap_sentence(g: Gap) -> str:
    return f"{duration(g.seconds)} on {g.host or 'the server'}, between {between(g)}: a few minutes on a relay or list server (queueing, list processing, a greylisting retry) is ordinary, not a fault."


def date_sentence(n: DateNote) -> str:
    if n.seconds > 0:
        if n.kind is GapKind.TZ_LABEL:
            return f"The Date header is {duration(n.seconds)} after the first Received stamp: its time-zone label is wrong, not a delay."
        return f"The Date header is {duration(n.seconds)} after the first Received stamp: the sender's clock or Date is wrong (or forged)."
    if n.kind is GapKind.TZ_LABEL:
        return f"The Date header is {duration(n.seconds)} before the first Received stamp, in whole hours: a time-zone label is wrong, not time the client held it."
    return f"The Date header is {duration(n.seconds)} before the first Received stamp: the client held the message, or its clock is wrong."


# What a gap that is not time spent on a server is, in a few words (reports, the console timeline).
GAP_KIND_NOTE: dict[GapKind, str] = {
    GapKind.SKEW: "clock skew, not time spent",
    GapKind.TZ_LABEL: "time-zone label, not a delay",
    GapKind.FORGED: "after a forged line: no queue",
    GapKind.REDELIVERED: "in a mailbox before it was sent on: no queue",
    GapKind.INCONSISTENT: "inconsistent times, no delay can be named",
    GapKind.NO_QUEUE: "longer than any queue holds: a wrong clock or a re-send",
}
