"""The trust boundary: where the message entered the receiving organisation, from what it wrote.

Only what a receiver wrote about its client counts: the connecting IP, reverse DNS it looked up
and confirmed, its own host name and tier, and its own SPF stamps. What the client claims (the
HELO name, the name before the IP) never makes a hop internal, and a stamp counts only where the
receiving organisation wrote it (RFC 8601 §5, RFC 7208 §9.1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.model.received import Boundary, Hop, Received, TrustedHosts
from headerlens.parsers.boundary_client import (
    PRIVATE_CLIENT,
    UNCONFIRMED_REASONS,
    client_inside,
    is_retrieval,
    names_client,
    provider_tier,
    rdns_confirmed,
)
from headerlens.parsers.boundary_envelope import choose_mail_from, return_path
from headerlens.parsers.boundary_handoff import (
    HOSTED_GATEWAY,
    UNRECORDED,
    hands_on,
    hosted_gateway,
    unrecorded_relay,
)
from headerlens.parsers.boundary_sameorg import RDNS_INSIDE, outbound_entry
from headerlens.parsers.boundary_stamps import (
    identity_in_org,
    org_of,
    receivers_pick,
    set_aside,
    spf_at,
)
from headerlens.parsers.hops import is_internal_ip, special_range
from headerlens.parsers.inbound_filter import inbound_filter_entry
from headerlens.parsers.masked_ip import client_text, masked_private
from headerlens.parsers.provenance_yahoo import atlas_restatement
from headerlens.parsers.provider_tiers import route_handoff
from headerlens.parsers.received import normalize_ip
from headerlens.parsers.stamp_evidence import spf_evidence

__all__ = ["find_boundary", "identity_in_org", "loopback_client", "org_of", "receiver_org"]


def receiver_org(hops: Sequence[Hop], domain_of: Callable[[str], str | None]) -> str | None:
    """The registrable domain of the final receiver: the newest 'by' that is a host name.

    A final receiver that names itself only by a bare name or an address ("by localhost
    (Postfix)", "by mail", qmail's "by 0", "by 192.0.2.10") while it took the message from a
    public address over SMTP (not a fetchmail retrieval) has no name of its own here: the hosts
    below it are the sender's, so its organisation is that of the recipient it wrote (``for``),
    else unknown."""
    for hop in reversed(hops):
        r = hop.received
        by = r.by
        if by and normalize_ip(by) is None and "." in by:
            return domain_of(by)
        if by and r.from_ip and not is_internal_ip(r.from_ip) and not is_retrieval(r):
            rcpt = (r.for_addr or "").rpartition("@")[2].strip(" <>.")
            return domain_of(rcpt) if "." in rcpt else None
    return None


def _host(name: str | None) -> str | None:
    """A ``by`` host name, lower case, without the root dot; None for an address or no name."""
    host = (name or "").lower().rstrip(".")
    return host if "." in host and normalize_ip(host.strip("[]")) is None else None


def _walk(
    hops: Sequence[Hop],
    org: str | None,
    domain_of: Callable[[str], str | None],
    trusted: TrustedHosts | None,
    top_why: str | None = None,
    headers: Sequence[HeaderField] = (),
) -> tuple[Hop | None, list[tuple[Hop, str]], str | None]:
    """The newest hop whose client is outside the receiving organisation, walking down from the
    newest hop. Above a line naming a public client address, a line that names no client (a
    local hand-off or submission) ends the walk when that line was not written by the same host,
    and one whose client has a private or loopback address when that line's host is a name
    outside the organisation: only such lines continue the receiver's trace below it, anything
    else was handed in with the message (a sender's forged "from <an IP the From domain
    authorises> by <any host>" would otherwise become the entry).

    Also returns the hops passed over on a reason nothing the receiver wrote confirms (a
    private, loopback or LMTP client), with that reason; never any when ``trusted`` is given.
    ``top_why`` says why the newest line is internal when only the header around it shows it."""
    newest_first = list(reversed(hops))
    unconfirmed: list[tuple[Hop, str]] = []
    # the organisations the receiver's own lines name (Posteo's run posteo.local, .name, .de)
    orgs = {org}
    for hop, older in zip(newest_first, [*newest_first[1:], None], strict=True):
        why = (hop is newest_first[0] and top_why) or client_inside(hop, org, domain_of, trusted)
        if why is None and (other := org_of(hop.received.from_rdns, domain_of)) in orgs - {org}:
            why = client_inside(hop, other, domain_of, trusted)
        if why is None and trusted is None:
            why = unrecorded_relay(hop, older, orgs, domain_of) or hosted_gateway(
                hop, older, headers, domain_of
            )
        own = outbound_entry(hop, older) if why and why.startswith(RDNS_INSIDE) else None
        if why is None or own:
            return hop, unconfirmed, own
        host, below = _host(hop.received.by), _host(older.received.by) if older else None
        orgs.add(domain_of(host) if host else None)
        if older is None or not older.received.from_ip or is_internal_ip(older.received.from_ip):
            # only a public client below could be made the entry; a hand-off nothing confirms
            # still marks where the sender's text may begin (a proxy in front records loopback)
            _note_unconfirmed(unconfirmed, hop, why)
            continue
        if (
            not names_client(hop)
            and host
            and below != host
            and route_handoff(hop.received, older.received) is None
        ):
            return hop, unconfirmed, None
        if (
            why.startswith(PRIVATE_CLIENT)
            and host
            and below
            and domain_of(below) not in orgs
            and not hands_on(hop, older)
        ):
            return hop, unconfirmed, None
        _note_unconfirmed(unconfirmed, hop, why)
    return None, unconfirmed, None


def _note_unconfirmed(unconfirmed: list[tuple[Hop, str]], hop: Hop, why: str) -> None:
    """Add ``hop`` to the hops passed over on a reason nothing its receiver wrote confirms (a
    private, loopback or LMTP client, a relay's name with no address, a hosted gateway)."""
    if (
        why.startswith((*UNCONFIRMED_REASONS, UNRECORDED, HOSTED_GATEWAY))
        and (client_text(hop.received) or why.startswith(UNRECORDED))
        and not provider_tier(hop)
    ):
        unconfirmed.append((hop, why))


def find_boundary(
    hops: Sequence[Hop],
    headers: Sequence[HeaderField],
    domain_of: Callable[[str], str | None],
    trusted: TrustedHosts | None = None,
) -> tuple[Boundary | None, list[Defect]]:
    """The boundary hop with its client, HELO and MAIL FROM, and the defects found on the way.

    ``trusted`` lists the receiving organisation's own hosts: only they continue its trace."""
    defects: list[Defect] = []
    if not hops:
        return None, defects
    org = receiver_org(hops, domain_of)
    walk, passed, own = _walk(
        hops, org, domain_of, trusted, atlas_restatement(hops, headers), headers
    )
    if walk is None:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.CHAIN_NO_BOUNDARY,
                "Every hop is internal to the receiving organisation; no entry point found."
                if any(names_client(h) for h in hops)
                else "No Received line names the client that handed the message over (stamps "
                'such as "by host with SMTP id …" or qmail\'s "(qmail N invoked from '
                'network)" record only the receiving side), so where the message entered '
                "cannot be told.",
                Severity.INFO,
            )
        )
        return None, defects
    evidence = spf_evidence(headers)
    pick, used = receivers_pick(evidence, hops, walk, org, domain_of, trusted)
    filt = inbound_filter_entry(
        walk, hops, rdns_confirmed(walk.received), spf_at(headers, walk), domain_of
    )
    if filt is not None and (pick is None or pick.hop.number <= walk.number):
        # The mailbox host's own stamps checked the filter's IP, not the sender's.
        walk, pick = filt.entry, None
    r0 = walk.received
    sender = (r0.from_rdns or r0.from_ip or r0.from_helo) if names_client(walk) else None
    walked = (
        f"Hop {walk.number} is the newest hop whose client ({sender}) is outside the receiving "
        f"organisation ({org or 'unknown'}) as far as its receiver wrote; every later hop is "
        "internal by what its receiver wrote (a HELO name is the client's claim and does not "
        "count)."
    )
    if sender is None:
        walked = (
            f"Hop {walk.number} names no client: {walk.received.by or 'the receiver'} took the "
            "message in without recording who handed it over (a local submission or hand-off), "
            "and the line below it was not written by that host, so it is text that came with "
            "the message: the entry client is unknown."
        )
    elif trusted is not None and _private_client(walk.received):
        walked = (
            f"Hop {walk.number}'s client has a private or loopback address "
            f"({client_text(walk.received)}) that is not among the hosts given with --trusted-host, "
            "so the lines below it are text that came with the message: the entry client is "
            f"unknown (a NAT or a proxy in front of {walk.received.by or 'the receiver'} hid it)."
        )
    elif _private_client(walk.received):
        walked = (
            f"Hop {walk.number}'s client has a private or loopback address "
            f"({client_text(walk.received)}) and the line below it names a host outside the "
            f"receiving organisation ({org or 'unknown'}), so that line is text that came with "
            "the message: the entry client is unknown (a NAT or a proxy in front of "
            f"{walk.received.by or 'the receiver'} hid it)."
        )
    masked = walk.received.from_ip_masked if walk.received.from_ip is None else None
    if masked and not masked_private(walk.received):
        walked += (
            f" Its client address is masked in the paste ({masked}): unknown, neither internal "
            "nor external, so SPF cannot be replayed for it and nothing here says which server "
            "connected."
        )
    if own:
        walked = own
    if filt is not None and walk is filt.entry:
        h = filt.handoff.received
        walked = (
            f"Hop {walk.number} is where {walk.received.by} accepted the message from {sender}: "
            f"{filt.service} is the recipient's inbound filtering service, which handed it to "
            f"{h.by} (hop {filt.handoff.number}; {h.by} confirmed its reverse DNS {h.from_rdns})."
        )
    if pick is not None:
        hop = pick.hop
        reason = (
            f"The receiver's {pick.ev.source} field names {pick.ev.ip} as the connecting client, "
            f"and hop {hop.number} is where {hop.received.by or 'the receiver'} accepted the "
            f"message from {pick.ev.ip}."
        )
        if hop.number != walk.number:
            reason += f" (Walking the chain alone would have chosen hop {walk.number}.)"
        mine = [e for e in used if e.ip == pick.ev.ip]
    else:
        hop, reason, mine = walk, walked, []
        if used:
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.CHAIN_SPF_IP_NOT_IN_CHAIN,
                    "The client IP stated by the receiver's Received-SPF/Authentication-Results "
                    "matches no usable Received hop; the boundary was chosen from the chain alone.",
                    Severity.INFO,
                )
            )
    unconfirmed = _unconfirmed(passed, hop, org)
    if unconfirmed:
        reason += (
            " Unconfirmed: the lines above it are taken as internal on a private, loopback or "
            "LMTP client, or a relay's name with no address, alone (--trusted-host decides)."
        )
    candidates = [e.mail_from for e in mine if e.mail_from is not None]
    mail_from = choose_mail_from(candidates, return_path(headers), hop.received.envelope_from)
    helo = next((e.helo for e in mine if e.helo), None)
    defects += set_aside(evidence, used, hops, hop, mail_from)
    return (
        Boundary(
            hop_number=hop.number,
            receiver=hop.received.by,
            ip=hop.received.from_ip,
            helo=helo or hop.received.from_helo,
            mail_from=mail_from,
            reason=reason,
            unconfirmed=unconfirmed,
            unconfirmed_hop=_weakest(passed, hop) if unconfirmed else None,
        ),
        defects,
    )


def _weakest(passed: Sequence[tuple[Hop, str]], entry: Hop) -> int | None:
    """The hop above ``entry`` below whose line the sender's text may begin: the newest one
    passed over on a loopback or private client or with no client address (a local proxy or a
    NAT in front records one address for every sender; a lower such line may be the sender's
    own forged one), else the newest one passed over unconfirmed."""
    above = [h for h, _ in passed if h.number > entry.number]
    weak = (
        h
        for h in above
        if loopback_client(h.received)
        or _private_client(h.received)
        or client_text(h.received) is None
    )
    return next((h.number for h in weak), None) or next((h.number for h in above), None)


def loopback_client(r: Received) -> bool:
    """The receiver recorded a loopback client address (written out, or masked in the paste
    with the client's name confirmed as localhost)."""
    if r.from_ip is not None:
        return special_range(r.from_ip) == "loopback"
    return bool(r.from_ip_masked) and (r.from_rdns or "").lower() in (
        "localhost",
        "localhost.localdomain",
    )


def _private_client(r: Received) -> bool:
    """The client address is private or loopback, written out or masked in the paste."""
    return is_internal_ip(r.from_ip) or masked_private(r) is not None


def _unconfirmed(passed: Sequence[tuple[Hop, str]], entry: Hop, org: str | None) -> str | None:
    """Why the boundary rests on a line nothing confirms: a hop above ``entry`` taken
    as internal for its private, loopback or LMTP client, or its relay name, alone (the one
    nearest the entry: the line the entry's own trace rests on)."""
    above = [(h, why) for h, why in passed if h.number > entry.number]
    if not above or not entry.received.from_ip or is_internal_ip(entry.received.from_ip):
        return None
    hop, why = above[-1]
    by = hop.received.by or "the receiver"
    client = client_text(hop.received)
    outside = f"If it is a NAT or a proxy in front of {by} (or anything else outside)"
    decide = "Give the organisation's own hosts with --trusted-host to decide."
    if client is None:
        client = f"the client it named ({hop.received.from_helo or hop.received.from_rdns})"
        outside = "If the client only gave that name (any server can)"
        decide = (
            "With --trusted-host only listed hosts' addresses continue the trace, so this line, "
            "which records none, is then the entry and the connecting client unknown."
        )
    return (
        f"The boundary rests on hop {hop.number}'s line being internal: {why}; nothing "
        f"{by} wrote confirms that {client} is one of {org or 'the receiving organisation'}'s "
        f"own hosts. {outside}, hop {entry.number}'s line was written by the sender, and SPF "
        f"and DMARC replayed on it prove nothing. {decide}"
    )
