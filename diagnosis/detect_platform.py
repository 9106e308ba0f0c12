"""A legitimate sending platform's account used for someone else's lure while authentication
passes (facts only): a sending service's (ESP, SaaS, CRM) customer stream or a website's mail
script sending a message whose content is not the account's own.

Only for mail that authenticates: the final receiver's aligned pass for the From domain, or a
pass of the service's own identity where the From domain publishes no DMARC policy. A failed
DMARC, composite authentication or SPF of the From domain is a spoof's story (detect_auth), never
this one. The signs are the message's own text (its From name, Subject, Reply-To): they say
"probably", never "is", and a newsletter of the account's own business shows none of them.
"""

from __future__ import annotations

import re

from headerlens.diagnosis.auth_state import aligned_pass, dmarc_failed, from_domain
from headerlens.diagnosis.detect_compromise import (
    exchange_submission,
    kit_mailer,
    reply_sign,
    script_pickup,
)
from headerlens.diagnosis.esp_hosts import esp_name
from headerlens.diagnosis.facts import Outcome, OutcomeFact, Situation
from headerlens.diagnosis.inputs import (
    boundary_hop,
    confirmed_rdns,
    entry,
    fields,
    first,
    org,
    same_org,
    stamp,
    stamps,
)
from headerlens.diagnosis.own_tenant import own_tenant
from headerlens.diagnosis.replyto import FREEMAIL, SHARED_SERVICES
from headerlens.model import Analysis, Hop
from headerlens.model.received import Vendor
from headerlens.model.verification import Verification
from headerlens.parsers.identity import HIDDEN_CHARS
from headerlens.parsers.spoofed_brands import DISPLAY_BRANDS

# "RE:" and its German, Nordic, Dutch and Italian forms; not "Fwd:": mail clients forward
# without In-Reply-To, so only a reply without one is a pretended conversation
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|vs|antw|rif)\s*(?:\[\d+\])?\s*(?::|$)", re.I)
# Crypto-asset lures (the usual content of a hacked site's form or a hijacked stream); only
# counted when the From domain's own name does not carry the word.
_LURE = re.compile(
    r"\b(nfts?|airdrops?|crypto(?:currency|currencies)?|bitcoin|usdt|ethereum|seed\s+phrase"
    r"|web3|defi|wallet\s+connect)\b",
    re.I,
)


def _brand_pattern(name: str) -> re.Pattern[str]:
    """The brand name as a whole word, its spaces optional ("Trust Wallet", "TrustWallet")."""
    words = r"\s*".join(re.escape(w) for w in name.split())
    return re.compile(rf"(?<![\w.]){words}(?!\w)", re.I)


_BRANDS = tuple((name, dom, _brand_pattern(name)) for name, dom in DISPLAY_BRANDS)


# Words a lure adds to a brand shown as the sender ("PayPal Support", "Coinbase Security Team"):
# with nothing else in the name, the name is the brand itself.
_SERVICE_WORDS = frozenset(
    [
        "support",
        "team",
        "service",
        "services",
        "security",
        "account",
        "accounts",
        "customer",
        "care",
        "help",
        "helpdesk",
        "notification",
        "notifications",
        "notice",
        "alert",
        "alerts",
        "billing",
        "office",
        "info",
        "official",
        "rewards",
        "admin",
        "center",
        "centre",
        "department",
        "dept",
        "verification",
        "noreply",
        "no",
        "reply",
        "mail",
        "update",
        "updates",
        "app",
        # a signing or sharing lure's words ("DocuSign | Review via e-Sign")
        "review",
        "via",
        "e",
        "sign",
        "document",
        "documents",
    ]
)


def _display(analysis: Analysis) -> str:
    """The From field's shown name, without invisible characters: a lure splits the brand with
    them ("M\U000e0139icrosoft") so that word filters miss it, while the client shows it whole."""
    author = analysis.from_addr
    name = re.sub(r"<[^>]*>", "", author.display or "") if author is not None else ""
    return HIDDEN_CHARS.sub("", name)


def brand_sign(analysis: Analysis, service: str | None) -> str | None:
    """The display name is a much-impersonated brand (alone, or with service words such as
    "Support") that is neither the From domain's organisation nor the sending service: the
    account shows someone else's brand as the sender."""
    found = shown_brand(analysis, service)
    if found is None:
        return None
    brand, brand_dom = found
    return (
        f"the From name shows {brand} (whose own domain is {brand_dom}), while the address "
        f"is {from_domain(analysis)}'s: a brand the account does not belong to"
    )


def shown_brand(analysis: Analysis, service: str | None = None) -> tuple[str, str] | None:
    """(brand, its own domain) when the From name is that brand alone or with service words,
    and neither the From domain nor the sending service is the brand's (see brand_sign)."""
    dom = from_domain(analysis)
    name = _display(analysis)
    if not dom or not name:
        return None
    own = (org(dom) or dom).lower()
    for brand, brand_dom, pattern in _BRANDS:
        label = brand_dom.split(".", 1)[0]
        if not pattern.search(name) or same_org(brand_dom, dom) or label in own:
            continue
        if service is not None and brand.lower() in service.lower():
            continue
        rest = re.findall(r"[^\W\d_]+", pattern.sub(" ", name).lower())
        if any(w not in _SERVICE_WORDS for w in rest):
            continue  # the brand is named among other words ("Google Ads partner news")
        return brand, brand_dom
    return None


def undisclosed(analysis: Analysis) -> str | None:
    """The message names no recipient ("To: Undisclosed recipients:;", an empty group): a mass
    Bcc mailing, which a person's own mailbox rarely sends."""
    to = (first(analysis, "to") or "").strip()
    if re.fullmatch(r"[^<>@,;:]*:\s*;", to):
        return f"To: {to} — a mass Bcc mailing that names no recipient"
    return None


def fake_reply(analysis: Analysis) -> str | None:
    """A Subject made to look like a reply or forward, with no In-Reply-To or References: the
    recipient never wrote, the lure pretends a conversation."""
    subject = analysis.subject or ""
    if not _REPLY_PREFIX.match(subject):
        return None
    if first(analysis, "in-reply-to") or first(analysis, "references"):
        return None
    return f"the Subject '{subject.strip()[:60]}' poses as a reply, but no In-Reply-To or References field refers to an earlier message"


def lure(analysis: Analysis) -> str | None:
    dom = (from_domain(analysis) or "").lower()
    for text in (analysis.subject or "", _display(analysis)):
        m = _LURE.search(text)
        if m and re.sub(r"\W", "", m.group(1).lower()).rstrip("s") not in dom:
            return (
                f"it offers {m.group(1)} ('{text.strip()[:60]}'), nothing the domain {dom} is about"
            )
    return None


# Hosted mailbox platforms by their outbound servers' names: a business's own tenant there.
_TENANTS = (
    ("outbound.protection.outlook.com", "Microsoft 365"),
    ("google.com", "Google Workspace"),
)


def _tenant(analysis: Analysis) -> tuple[str, Hop] | None:
    """The hosted mailbox platform (Microsoft 365, Google Workspace) whose outbound server the
    final receiver met: with an aligned pass, the From domain's own tenant sent it."""
    bh = boundary_hop(analysis)
    if bh is None:
        return None
    # The name is the receiver's word only as reverse DNS it confirmed; a HELO is the client's
    # claim (an attacker's own server can say "...outbound.protection.outlook.com"), except at
    # Microsoft's own receivers, whose lines record no other name.
    names = [confirmed_rdns(bh)]
    if bh.vendor in (Vendor.EOP, Vendor.EXCHANGE_ONLINE):
        names.append(bh.received.from_helo)
    for name in names:
        host = (name or "").lower().rstrip(".")
        for sfx, platform in _TENANTS:
            if host.endswith("." + sfx):
                return platform, bh
    return None


def service_hop(analysis: Analysis, below: list[Hop]) -> tuple[str, Hop] | None:
    """The sending service and the hop that shows it: the client the final receiver met is the
    service's outbound server, or a line of the service's own names its server."""
    bh = boundary_hop(analysis)
    if bh is not None:
        name = esp_name(bh.received.from_rdns) or esp_name(bh.received.from_helo)
        if name:
            return name, bh
    for hop in reversed(below):
        if hop.vendor is Vendor.SENDGRID:
            return "SendGrid", hop
        if name := esp_name(hop.received.by):
            return name, hop
    return None


def authenticated(analysis: Analysis, verification: Verification | None) -> tuple[str, bool] | None:
    """(the pass, aligned) when the message authenticates and nothing of the From domain failed:
    an aligned pass, or only another identity's pass with no DMARC policy to fail."""
    dom = from_domain(analysis)
    if not dom or dmarc_failed(analysis, verification):
        return None
    if any(s.value in ("fail", "softfail") for s in stamps(analysis, "compauth")):
        return None
    if passed := aligned_pass(analysis):
        return passed, True
    spf = stamp(analysis, "spf")
    if spf is not None and spf.value in ("fail", "softfail"):
        return None
    d = stamp(analysis, "dmarc")
    if d is not None and d.value not in ("none",):
        return None
    other = next(
        (s for s in stamps(analysis, "spf") + stamps(analysis, "dkim") if s.value == "pass"), None
    )
    return (other.quote(), False) if other is not None else None


# A website's own mailer, as the message names it (PHPMailer, WordPress's wp_mail).
_SITE_MAILER = re.compile(r"\b(?:phpmailer|wordpress)\b", re.I)


def _site_mailer(analysis: Analysis, below: list[Hop]) -> tuple[str, Hop] | None:
    """(evidence, hop) when a website's mail script wrote the message: PHP's script field with the
    local MTA's pickup line, or a website mailer (PHPMailer, WordPress) named by the message
    itself, handed over by the site's server (the newest line the sending side wrote, else the
    client the receiver met)."""
    if found := script_pickup(analysis, below):
        field, hop = found
        return (
            f"{field.name}: {field.value.strip()[:50]} — a web script handed it to "
            f"{hop.received.by} (hop {hop.number}, a local pickup)"
        ), hop
    address = analysis.from_addr.address if analysis.from_addr else None
    named = [(f.name, f.value) for f in fields(analysis, "x-mailer", "user-agent")]
    if address and address.lower().startswith("wordpress@"):
        named.append(("From", address))
    hit = next(((n, v) for n, v in named if _SITE_MAILER.search(v)), None)
    last = below[-1] if below else boundary_hop(analysis)
    if hit is None or last is None:
        return None
    server = last.received.by if below else last.received.from_helo
    hop = last
    return (
        f"{hit[0]}: {hit[1].strip()[:50]} — a website's mailer wrote it "
        f"(sent by {server or 'the site'}'s server, hop {hop.number})"
    ), hop


def abused(
    analysis: Analysis,
    verification: Verification | None,
    outcome: OutcomeFact,
    overridden: bool,
) -> Situation | None:
    """A sending service's stream or a website's mail script sent an authenticated message with
    one strong sign (another brand in the From name) or two weak ones (a fake reply, replies to
    a free-mail mailbox, a crypto lure from a website's script, the receiver's filter judging
    it spam) that it is not the account owner's own mail."""
    dom = from_domain(analysis)
    auth = authenticated(analysis, verification)
    if not dom or org(dom) in FREEMAIL or auth is None:
        return None
    passed, aligned = auth
    b = entry(analysis)
    below = [h for h in analysis.chain.hops if b is None or h.number < b.hop_number]
    service = service_hop(analysis, below)
    script = _site_mailer(analysis, below) if service is None else None
    tenant = _tenant(analysis) if service is None and script is None and aligned else None
    if tenant is not None:
        return _tenant_mailbox(analysis, tenant, passed, receiver_spam_sign(outcome, overridden))
    if service is None and (script is None or not aligned):
        return None
    name = service[0] if service else None
    strong = [s for s in (brand_sign(analysis, name),) if s]
    reply = reply_sign(analysis)
    weak = [fake_reply(analysis), reply[0] if reply and reply[1] else None]
    if script is not None:
        weak.append(lure(analysis))
    weak.append(receiver_spam_sign(outcome, overridden))
    signs = [w for w in weak if w]
    if not strong and len(signs) < 2:
        return None
    party = (org(dom) or dom) if aligned or script else (name or dom)
    if script is not None:
        how, hop = script
        facts = [("party", party), ("what", "website or hosting account")]
    else:
        assert service is not None
        hop = service[1]
        whose = f"{org(dom) or dom}'s account" if aligned else f"an account showing {dom}"
        how = f"sent through {name} (hop {hop.number}), by {whose} there"
        facts = [
            ("party", party),
            ("what", f"{name} account" if aligned else "sending account"),
            ("service", name or "?"),
        ]
    facts.append(("abused", "yes"))
    facts.append(("passed", passed) if aligned else ("claimed", org(dom) or dom))
    ev = (f"{passed}: the message authenticates", how, *strong, *signs)
    return Situation("compromised-account", hop.number, ev, tuple(facts))


def receiver_spam_sign(outcome: OutcomeFact, overridden: bool) -> str | None:
    """The final receiver's own spam judgement as a weak sign: it filed the message as junk
    or quarantine, or its filter judged it spam before an allow-list let it through."""
    if outcome.outcome in (Outcome.JUNK, Outcome.QUARANTINE):
        return f"the final receiver filed it as {outcome.outcome.value}"
    if overridden:
        return "the final receiver's filter judged it spam (an allow-list let it through)"
    return None


# Fields in which a sending server names the mailbox user who signed in to submit (Zimbra's and
# Kerio's X-Authenticated-User, cPanel's X-Authenticated-Sender, X-AuthUser): the sending
# side's text, read only with the receiver's aligned pass for that domain.
_MAILBOX_FIELDS = ("x-authenticated-user", "x-authenticated-sender", "x-authuser")
# (?<!...) starts a match only where a run of address characters starts: a long run without
# an @ is then tried once, not once per character (that was quadratic: 40 KB took 16 s).
_ADDRESS = re.compile(r"(?<![\w.+-])([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


def mailbox_user(
    analysis: Analysis,
    verification: Verification | None,
    outcome: OutcomeFact,
    overridden: bool,
) -> Situation | None:
    """A signed-in mailbox user of the From domain's own mail server sent it (its server names
    the mailbox, and the final receiver's aligned pass shows the message left from there), with
    a free-mail Reply-To or another brand in the From name, or two weaker signs: someone else
    used the mailbox (a stolen password, a webmail session)."""
    dom = from_domain(analysis)
    auth = authenticated(analysis, verification)
    if not dom or org(dom) in FREEMAIL or auth is None or not auth[1]:
        return None
    named = next(
        (
            (f, m.group(1))
            for f in fields(analysis, *_MAILBOX_FIELDS)
            if (m := _ADDRESS.search(f.value)) and same_org(m.group(1).rpartition("@")[2], dom)
        ),
        None,
    )
    # a mail client's submission to the domain's own Exchange (its X-Originating-IP) names no
    # mailbox, so it needs one more weak sign: a mass Bcc mailing from a person's mailbox
    client = exchange_submission(analysis) if named is None else None
    if named is None and client is None:
        return None
    reply = reply_sign(analysis)
    strong = [s for s in (brand_sign(analysis, None), kit_mailer(analysis)) if s]
    weak = [fake_reply(analysis), undisclosed(analysis) if client else None]
    if reply is not None:
        (strong if reply[1] else weak).append(reply[0])
    weak.append(receiver_spam_sign(outcome, overridden))
    signs = [w for w in weak if w]
    if not strong and len(signs) < (3 if client else 2):
        return None
    b = entry(analysis)
    below = [h for h in analysis.chain.hops if b is None or h.number < b.hop_number]
    hop = below[0] if below else boundary_hop(analysis)
    if hop is None:
        return None
    if named is not None:
        field, mailbox = named
        how = f"{field.name}: {mailbox} — the sending server names the mailbox user who signed in"
        what = f"mailbox {mailbox}"
    else:
        how, what = client or "", "mailbox"
    ev = (f"{auth[0]}: the message left from {dom}'s own mail system", how, *strong, *signs)
    facts = (("party", org(dom) or dom), ("what", what), ("passed", auth[0]))
    return Situation("compromised-account", hop.number, ev, facts)


def _tenant_mailbox(
    analysis: Analysis, tenant: tuple[str, Hop], passed: str, junked: str | None
) -> Situation | None:
    """A business's own Microsoft 365 or Google Workspace mailbox (aligned pass) sending a lure:
    a much-impersonated brand as its name (a "DocuSign" or "Microsoft" lure) or a spam kit's
    mailer; replies sent to a free-mail mailbox beside one more sign; or three weaker signs
    together (a pretended reply, a mass Bcc mailing, the receiver's junk verdict). Probably a
    taken-over mailbox, or a tenant set up for it: DNS cannot stop it, the provider can. A real
    user's junked reply alone is ordinary."""
    platform, hop = tenant
    dom = from_domain(analysis)
    if not dom or org(dom) in SHARED_SERVICES:
        return None  # an account anyone can open under the service's own domain proves nothing
    strong = [s for s in (brand_sign(analysis, platform), kit_mailer(analysis)) if s]
    weak = [s for s in (fake_reply(analysis), undisclosed(analysis), junked) if s]
    reply = reply_sign(analysis)
    if reply is not None and reply[1] and weak:
        strong.append(reply[0])
    if not strong and len(weak) < 3:
        return None
    if own_tenant(analysis, dom) is not None:
        return None  # the sender's own tenant: nobody's mailbox was taken over (own_tenant)
    ev = (
        f"{passed}: the message authenticates",
        f"sent from {org(dom) or dom}'s own {platform} tenant (hop {hop.number})",
        *strong,
        *weak,
    )
    facts = (
        ("party", org(dom) or dom),
        ("what", f"{platform} mailbox"),
        ("abused", "yes"),
        ("passed", passed),
        ("service", platform),
    )
    return Situation("compromised-account", hop.number, ev, facts)
