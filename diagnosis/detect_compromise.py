"""Signs that a real account, website or mailbox was taken over and used to send (facts only).

Each sign is only evidence, weighed with the others; the label needs a submission by a real
account or script of the sending side (an authenticated SMTP submission, a web script on a
server, a mail client handing the message to an Exchange server) plus a sign that the client
or the content is not that account's owner's: a client name no mail program of a real user
announces, a mailer that only spam kits use, replies sent to a free-mail or another
organisation's mailbox, the receiver filing it as junk. Everything here is the sending side's
own text: it says "signs of", never "is", and never overrides a failed DMARC.
"""

from __future__ import annotations

import re

from headerlens.diagnosis.auth_state import aligned_pass
from headerlens.diagnosis.compromise_blast import blast_sign
from headerlens.diagnosis.compromise_helo import helo_sign, public_ip
from headerlens.diagnosis.compromise_server import login_server
from headerlens.diagnosis.esp_hosts import esp_name
from headerlens.diagnosis.facts import Outcome, OutcomeFact, Situation
from headerlens.diagnosis.inputs import (
    ADDRESS,
    boundary_hop,
    by_receiver,
    entry,
    envelope,
    fields,
    first,
    foreign_account,
    org,
    same_org,
    srs_original_domain,
    submission_hops,
    submitted_account,
)
from headerlens.diagnosis.replyto import FREEMAIL, reply_to_elsewhere
from headerlens.model import Analysis, Hop
from headerlens.model.core import HeaderField
from headerlens.model.received import Vendor
from headerlens.parsers.hops import is_internal_ip
from headerlens.parsers.received_syntax import normalize_ip

# Mailers only mass-mailing kits announce (uploaded to a hacked site or run with stolen logins).
_KIT_MAILER = re.compile(
    r"\b(?:leaf\s*phpmailer|leafmailer|alexus\s*mailer|owl\s*phpmailer|xleet|ninja\s*mailer"
    r"|priv8\s*mailer|gammadyne|super\s*mailer)\b",
    re.IGNORECASE,
)
_PHP_SCRIPT = ("x-php-originating-script", "x-php-script")
# A message handed to the local MTA by a program on the server (Postfix pickup, Exim -bs/-t).
_LOCAL_PICKUP = re.compile(r"\(Postfix, from userid (\d+)\)|\bwith local\b", re.IGNORECASE)


def _from_domain(analysis: Analysis) -> str | None:
    return analysis.from_addr.domain if analysis.from_addr else None


def kit_mailer(analysis: Analysis) -> str | None:
    for name in ("x-mailer", "user-agent"):
        value = first(analysis, name)
        if value and _KIT_MAILER.search(value):
            return f"{name.title()}: {value.strip()[:60]} (a mailer of mass-mailing kits)"
    return None


_SHOWN_DOMAIN = re.compile(r"(?<![@\w.-])([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?![\w@-])", re.I)


def display_sign(analysis: Analysis) -> str | None:
    """A display name that is (or shows) another organisation's domain name as the sender
    ("Tether.to" on an account of another domain): a brand the account does not belong to.
    Weak: a person may put a company site in the name. Addresses in the name are the
    impersonation finding's."""
    author = analysis.from_addr
    dom = _from_domain(analysis)
    name = re.sub(r"<[^>]*>", "", author.display or "") if author is not None else ""
    if author is None or not dom or "@" in name:
        return None
    for m in _SHOWN_DOMAIN.finditer(name):
        shown = org(m.group(1))
        if shown is not None and not same_org(shown, dom) and normalize_ip(m.group(1)) is None:
            return f"the display name shows another domain ({m.group(1)}) as the sender"
    return None


def _list_orgs(analysis: Analysis) -> set[str]:
    out: set[str] = set()
    for f in fields(analysis, "list-id", "list-post", "sender", "x-mailing-list"):
        for m in re.finditer(r"([\w-]+(?:\.[\w-]+)+)", f.value):
            if (o := org(m.group(1))) is not None:
                out.add(o)
    return out


def reply_sign(analysis: Analysis) -> tuple[str, bool] | None:
    """Where replies go when that is not the From domain: (evidence, strong). A free-mail
    mailbox is strong; another organisation's domain (not a list's) is weak, and never counted
    when the From address itself is a free-mail one (people reply-to their work address)."""
    if free := reply_to_elsewhere(analysis):
        return free, True
    m = re.search(r"@([\w.-]+)", first(analysis, "reply-to") or "")
    rt = org(m.group(1)) if m else None
    dom = _from_domain(analysis)
    if rt is None:
        return None
    if dom is None:
        return (
            (f"Reply-To is at {rt}, a free-mail domain, and the From field names no address", True)
            if rt in FREEMAIL
            else None
        )
    if same_org(rt, dom) or org(dom) in FREEMAIL or rt in _list_orgs(analysis):
        return None
    if _author_restored(analysis, dom):
        return None
    return f"Reply-To is at {rt}, another organisation than {dom}", False


def _author_restored(analysis: Analysis, dom: str) -> bool:
    """A list that rewrote From to its own address (DMARC mitigation: Google Groups' "'X' via
    Group", Mailman's from_is_list) puts the author back in Reply-To and X-Original-From: the
    Reply-To is then the author's own address, not replies diverted elsewhere. Only when the
    From domain is the list's own (its List-Id / List-Post / Sender name it)."""
    reply = ADDRESS.search(first(analysis, "reply-to") or "")
    if reply is None or org(dom) not in _list_orgs(analysis):
        return False
    original = " ".join(f.value for f in fields(analysis, "x-original-from", "x-original-sender"))
    return reply.group(0).lower() in original.lower()


_ENVELOPE = "the envelope sender"


def _own_account(analysis: Analysis, hop: Hop) -> str | None:
    """Evidence that the From domain's own mail system accepted the authenticated submission."""
    dom = _from_domain(analysis)
    if not dom or foreign_account(analysis, hop):
        return None
    for f in fields(analysis, "authentication-results"):
        m = re.search(r"smtp\.auth=([^\s;]+)", f.value)
        if m and same_org(m.group(1), dom):
            return f"the sender's server recorded SMTP AUTH as {m.group(1)}"
    if same_org(hop.received.by, dom):
        return f"hop {hop.number}: {hop.received.by} is the From domain's own server"
    env = envelope(analysis)
    srs = srs_original_domain(env)
    if srs and same_org(srs, dom):
        return f"the envelope {env} was rewritten by the From domain's hoster"
    if env and same_org(env, dom) and not same_org(env, hop.received.by):
        return f"{_ENVELOPE} {env} is in the From domain"
    return None


def _party(analysis: Analysis, hop: Hop, foreign: bool) -> str:
    """Whose account: the domain of the account that authenticated when it is another domain's,
    else the From domain's (or the receiving server's organisation)."""
    acct = submitted_account(analysis, hop) if foreign else None
    if acct is not None:
        account_domain = acct[0].rpartition("@")[2]
        return org(account_domain) or account_domain
    dom = _from_domain(analysis)
    return org(dom) or org(hop.received.by) or hop.received.by or "the sending organisation"


def _situation(analysis: Analysis, hop: Hop, ev: list[str], party: str, what: str) -> Situation:
    """The label with the organisation whose account it is, and the aligned pass (if any) that
    the account's own server earned: it passed because the message really came from there."""
    facts = [("party", party), ("what", what)]
    passed = aligned_pass(analysis)
    dom = _from_domain(analysis)
    if passed and same_org(party, dom):
        facts.append(("passed", passed))
    if dom and not same_org(party.split(" ", 1)[0], dom):
        facts.append(("claimed", org(dom) or dom))  # the From domain is another one
    if org(party.split(" ", 1)[0]) in FREEMAIL:
        # a free-mail provider opens an account for anyone: the spammer's own as likely as stolen
        facts.append(("free-mail", "yes"))
    return Situation("compromised-account", hop.number, tuple(dict.fromkeys(ev)), tuple(facts))


def _submitted(
    analysis: Analysis, below: list[Hop], outcome: OutcomeFact, is_list: bool
) -> Situation | None:
    """An authenticated SMTP submission by an account of the From domain (or of another
    domain) with a sign that its owner did not send it."""
    dom = _from_domain(analysis)
    reply = reply_sign(analysis)
    kit = kit_mailer(analysis)
    for hop in (h for h in submission_hops(analysis) if h in below):
        foreign = foreign_account(analysis, hop)
        own = _own_account(analysis, hop) or foreign
        if not own:
            continue
        shown = display_sign(analysis)
        helo = helo_sign(analysis, hop)
        # a list accepted the post from a subscriber: a workstation's name is no strong sign
        helo = (helo[0], False) if helo is not None and is_list else helo
        signs = [helo, (kit, True) if kit else None, reply]
        # a list's post is written to many (its Cc culture); a free-mail account that blasts
        # strangers is as likely the spammer's own
        signs.append(None if is_list or org(dom) in FREEMAIL else blast_sign(analysis, hop))
        signs.append((shown, False) if shown else None)
        strong = [s[0] for s in signs if s is not None and s[1]]
        weak = [s[0] for s in signs if s is not None and not s[1]]
        # a free-mail provider authenticates whoever opened the account: spam from one that
        # was junked is as likely the spammer's own account as a taken-over one
        # the final receiver's junk verdict is about the message itself, not (on a list) about
        # the list's copy: with it one sign is enough; otherwise two weak ones (a Reply-To at a
        # partner organisation alone is ordinary)
        junked = (
            not is_list
            and outcome.outcome in (Outcome.JUNK, Outcome.QUARANTINE)
            and org(dom) not in FREEMAIL
        )
        if junked:
            weak.append(f"the final receiver filed it as {outcome.outcome.value}")
        if strong or len(weak) >= 2 or junked:
            proto = hop.received.with_protocol or ""
            kept = proto.upper().endswith("A") or proto.upper().startswith("HTTP")
            how = proto if kept else "SMTP AUTH, as its line writes it"
            to = hop.received.by if not (hop.received.by or "0").isdigit() else "the sending server"
            # only the envelope names the From domain: the login is the server's organisation's
            server = (
                None if foreign or not own.startswith(_ENVELOPE) else login_server(analysis, hop)
            )
            ev = [
                f"hop {hop.number}: authenticated submission ({how}) "
                f"from {hop.received.from_ip or '?'} to {to}",
                server[1] if server else own,
                *strong,
                *weak,
            ]
            party = server[0] if server else _party(analysis, hop, foreign is not None)
            found = _situation(analysis, hop, ev, party, "mail account")
            if server is None:
                return found
            facts = (*found.facts, ("service", hop.received.by or party))
            return Situation(found.label, found.hop_number, found.evidence, facts)
    return None


def script_pickup(analysis: Analysis, below: list[Hop]) -> tuple[HeaderField, Hop] | None:
    """PHP's X-PHP-Originating-Script (or X-PHP-Script) with the local MTA's pickup line: a web
    script on that server wrote the message."""
    script = next(iter(fields(analysis, *_PHP_SCRIPT)), None)
    pickup = next((h for h in below if _LOCAL_PICKUP.search(h.received.raw)), None)
    if script is None or pickup is None or not pickup.received.by:
        return None
    return script, pickup


def _scripted(analysis: Analysis, below: list[Hop]) -> Situation | None:
    """A web script on a server wrote the message, and a kit's mailer or replies to a free-mail
    mailbox show it was not the site's own form: the site or hosting account there was probably
    taken over."""
    found = script_pickup(analysis, below)
    if found is None:
        return None
    script, pickup = found
    reply = reply_sign(analysis)
    signs = [s for s in (kit_mailer(analysis), reply[0] if reply and reply[1] else None) if s]
    if not signs:
        return None
    host = pickup.received.by or "?"  # script_pickup only returns a pickup that names its host
    dom = _from_domain(analysis)
    webmail = _webmail(analysis, script)
    if webmail and dom and org(dom) not in FREEMAIL:
        # a webmail's own script: a mailbox user signed in and sent it, not an uploaded script
        ev = [f"{webmail} — the webmail on {host} sent it (hop {pickup.number})", *signs]
        return _situation(analysis, pickup, ev, org(dom) or dom, "webmail mailbox")
    ev = [
        f"{script.name}: {script.value.strip()[:50]} — a web script handed it to "
        f"{host} (hop {pickup.number}, a local pickup)",
        *signs,
    ]
    return _situation(analysis, pickup, ev, org(host) or host, "website or hosting account")


_WEBMAIL = re.compile(
    r"\b(?:roundcube|rcube\.php|squirrelmail|horde|rainloop|snappymail|afterlogic)\b", re.I
)


def _webmail(analysis: Analysis, script: HeaderField) -> str | None:
    """The webmail that sent the message, by its script or its User-Agent / X-Mailer."""
    for f in (script, *fields(analysis, "user-agent", "x-mailer")):
        if _WEBMAIL.search(f.value):
            return f"{f.name}: {f.value.strip()[:50]}"
    return None


_M365_AUTH = re.compile(r"^\s*(?:internal|authenticated)\b", re.IGNORECASE)


def exchange_submission(analysis: Analysis) -> str | None:
    """Evidence, in the sending side's own fields, that a signed-in mailbox user handed the
    message to Exchange: X-Originating-IP with the client's public address (webmail, phone,
    Outlook), or Microsoft 365's AuthAs Internal/Authenticated of the sending tenant (only with
    an aligned pass: then that tenant is the From domain's own)."""
    for f in fields(analysis, "x-originating-ip"):
        ip = normalize_ip(f.value.strip().strip("[]"))
        if ip is not None and public_ip(ip) and not by_receiver(analysis, f.index):
            return f"X-Originating-IP: {ip} — a mail client at that address gave it to the sending organisation's Exchange"
    if aligned_pass(analysis) is None:
        return None
    for f in fields(
        analysis, "x-ms-exchange-crosstenant-authas", "x-ms-exchange-organization-authas"
    ):
        if _M365_AUTH.match(f.value) and not by_receiver(analysis, f.index):
            return f"{f.name}: {f.value.strip()} — a signed-in user of the sending Microsoft 365 tenant submitted it"
    return None


def _exchange_client(analysis: Analysis, below: list[Hop]) -> Situation | None:
    """A mailbox user's submission to the sending organisation's Exchange or Microsoft 365 with
    replies sent to a free-mail mailbox or a spam kit's mailer: the mailbox was probably taken
    over."""
    dom = _from_domain(analysis)
    submitted = exchange_submission(analysis)
    if submitted is None or org(dom) in FREEMAIL:
        return None
    reply = reply_sign(analysis)
    signs = [s for s in (kit_mailer(analysis), reply[0] if reply and reply[1] else None) if s]
    # the newest line the sending side wrote names its server; with none, the server is the
    # client the receiver met (its own name for itself, a claim)
    hop = below[-1] if below else boundary_hop(analysis)
    if hop is None or not signs:
        return None
    server = hop.received.by if below else hop.received.from_helo
    ev = [f"{submitted} ({server or 'unnamed server'})", *signs]
    party = (org(dom) if dom else None) or org(server) or server or "the sending organisation"
    if not dom and not below and server:
        party += " (by the name its server gave itself, unconfirmed)"
    return _situation(analysis, hop, ev, party, "mailbox")


def _esp_account(analysis: Analysis, below: list[Hop], outcome: OutcomeFact) -> Situation | None:
    """A sending service sent it for the From domain with an aligned pass (the domain's own
    account there), the receiver filed it as junk, and the service's own submission line shows
    the message handed in by a client naming itself as the bare domain of an unrelated
    organisation (what bulk tools announce; a real application server gives its host name,
    e.g. GitHub's github-smtp2a-....github.net). Each is weak alone (legitimate marketing gets
    junked; agencies send for clients): all three are needed."""
    dom = _from_domain(analysis)
    passed = aligned_pass(analysis)
    bh = boundary_hop(analysis)
    if dom is None or passed is None or bh is None or org(dom) in FREEMAIL:
        return None
    if outcome.outcome not in (Outcome.JUNK, Outcome.QUARANTINE):
        return None
    esp = esp_name(bh.received.from_rdns) or esp_name(bh.received.from_helo)
    sg = [h for h in below if h.vendor is Vendor.SENDGRID or esp_name(h.received.by)]
    esp = esp or ("SendGrid" if any(h.vendor is Vendor.SENDGRID for h in sg) else None)
    handed = next(
        (
            h
            for h in sg
            if (helo := (h.received.from_helo or "").lower().rstrip("."))
            and normalize_ip(helo.strip("[]")) is None
            and org(helo) == helo
            and not same_org(helo, dom)
            and esp_name(helo) is None
        ),
        None,
    )
    if esp is None or handed is None:
        return None
    ev = [
        f"{passed}: {dom}'s own {esp} account sent it",
        f"{esp}'s own line (hop {handed.number}) shows it handed in by a client calling itself "
        f"by the bare domain {handed.received.from_helo}, unrelated to {dom}",
        f"the final receiver filed it as {outcome.outcome.value}",
    ]
    found = _situation(analysis, handed, ev, org(dom) or dom, f"{esp} account")
    return Situation(
        found.label, found.hop_number, found.evidence, (*found.facts, ("service", esp))
    )


def compromised(analysis: Analysis, outcome: OutcomeFact, is_list: bool) -> Situation | None:
    b = entry(analysis)
    below = [h for h in analysis.chain.hops if b is None or h.number < b.hop_number]
    found = (
        _submitted(analysis, below, outcome, is_list)
        or _scripted(analysis, below)
        or _exchange_client(analysis, below)
        or _esp_account(analysis, below, outcome)
    )
    if found is not None:
        return found
    # a workstation name where a mailbox user sends: an authenticated submission or a client
    # on the organisation's own network; a public client with it talking straight to an MX is
    # a spam bot's default name, not someone's account
    # On a list post the workstation is a subscriber's own PC (a list accepted the post): it is
    # a sign only beside replies sent to a free-mail mailbox.
    subs = submission_hops(analysis)
    for hop in below:
        ip = hop.received.from_ip
        user_side = hop in subs or (ip is not None and is_internal_ip(ip))
        sign = helo_sign(analysis, hop) if user_side else None
        reply = reply_sign(analysis)
        if sign is not None and sign[1] and (not is_list or (reply and reply[1])):
            ev = [sign[0]] + ([reply[0]] if reply and reply[1] else [])
            return _situation(
                analysis, hop, ev, org(hop.received.by) or hop.received.by or "?", "account"
            )
    return None
