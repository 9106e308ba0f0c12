"""Receiver-written evidence that a list's own server handed the message over, and its wording facts."""

from __future__ import annotations

import ipaddress
import re

from headerlens.diagnosis.auth_state import from_domain
from headerlens.diagnosis.facts import Situation
from headerlens.diagnosis.inputs import (
    boundary_hop,
    confirmed_rdns,
    org,
    receiver_fields,
    same_org,
    stamp,
)
from headerlens.diagnosis.list_party import passed_at_intake
from headerlens.model import Analysis
from headerlens.model.verdicts import DkimResult
from headerlens.model.verification import Verification, VerifyMode

# List services whose outbound servers are named under another registrable domain than the
# lists they send: (the servers' organisation, the list organisations they send for, or () for
# a list-hosting service that sends any domain's groups, and the mark every bounce address of
# theirs carries, "" when it is the list's own name). A sender cannot borrow these: the
# receiver confirmed the server's reverse DNS (the PTR and the forward lookup are the
# operator's), and the operator writes the envelope sender, which a Gmail or groups.io user
# cannot set to a group's bounce address.
_OUTBOUND: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("google.com", (), "+bnc"),  # Google Groups, also Workspace groups on a customer domain
    ("groups.io", (), "bounce+"),  # groups.io, also groups on a customer domain
    ("vger.email", ("kernel.org",), ""),  # vger.kernel.org's outbound (out1/out2.vger.email)
    ("kernel.org", ("linux.dev",), ""),  # lists.linux.dev (subspace), sent by kernel.org hosts
    ("gnu.org", ("nongnu.org",), ""),  # Savannah: lists.gnu.org sends the nongnu.org lists
    ("sourceware.org", ("gnu.org", "cygwin.com"), ""),  # gcc.gnu.org, cygwin.com lists
    # Yahoo Groups (closed 2020; old archives): n*.grp.*.yahoo.com sent each group's copies with
    # the envelope sentto-<group>-<msg>-<time>-<member>@returns.groups.yahoo.com (also in its
    # X-eGroups-Return), which Freegle's group gateway (Freegle/iznik) takes as the group's own
    ("yahoo.com", ("yahoogroups.com",), "sentto-"),
)
# The list organisations whose servers and bounce addresses only their operators control
# (the operators above and the lists they send): tied to one of them, by its own server or an
# operator's, the list is real, and no "a sender can run a list on its own domain" caveat
# applies. One rule for both ways a vger list reaches a reader (out1.vger.email or a kernel.org
# host such as sv.mirrors.kernel.org).
# google.com and yahoo.com are also free-mail providers: a user's own address there is no list
_KNOWN_LISTS = frozenset(o for op, lists, _ in _OUTBOUND for o in (op, *lists)) - {
    "google.com",
    "yahoo.com",
}
# The same operators by the client address the receiver recorded, for a receiver that wrote no
# confirmed name: the address of the TCP peer is not the client's to choose.
_NETWORKS = ((ipaddress.ip_network("2620:137:e000::/48"), "vger.email"),)


def receiver_envelope(analysis: Analysis) -> str | None:
    """The envelope sender as the final receiver wrote it: its Return-Path, its entry line's
    ``envelope-from``, or the MAIL FROM its own SPF stamp names. A Return-Path below the
    receiver's line is the sender's text and does not count."""
    for f in receiver_fields(analysis, "return-path"):
        m = re.search(r"<([^<>]*)>", f.value)
        addr = (m.group(1) if m else f.value).strip()
        if "@" in addr:
            return addr
    hop = boundary_hop(analysis)
    if hop is not None and hop.received.envelope_from and "@" in hop.received.envelope_from:
        return hop.received.envelope_from.strip("<> ")
    spf = stamp(analysis, "spf")
    mf = spf.result.prop("smtp.mailfrom") if spf is not None else None
    return mf if mf and "@" in mf else None


def _server_org(analysis: Analysis) -> tuple[str, str] | None:
    """(organisation, how the receiver showed it) of the entry hop's client: its confirmed
    reverse-DNS name, else a known list operator's network its address is in."""
    hop = boundary_hop(analysis)
    if hop is None:
        return None
    ip = hop.received.from_ip or ""
    rdns = confirmed_rdns(hop)
    if rdns and (o := org(rdns)):
        return o, f"{rdns} [{ip}]" if ip else rdns
    try:
        addr = ipaddress.ip_address(ip.partition("%")[0])
    except ValueError:
        return None
    for net, operator in _NETWORKS:
        if addr.version == net.version and addr in net:
            return operator, f"[{ip}] (in {operator}'s network)"
    return None


def _bounce_of(env: str, name: str, list_host: str, mark: str, operator: str = "") -> bool:
    """``env`` is a bounce address of list ``name``: in the list's organisation (or, with a
    mark, the operator's), its local part the list's name with an owner/bounce suffix
    (NAME-owner, NAME-bounces, NAME+bounces-…, NAME-return-…, owner-NAME) or the operator's own
    mark (NAME+bnc…, bounce+…, Yahoo Groups' sentto-…)."""
    local, _, dom = env.lower().rpartition("@")
    at_operator = bool(mark and operator and same_org(dom, operator))
    if not name or not (same_org(dom, list_host) or at_operator):
        return False
    if mark == "+bnc":
        return local.startswith(f"{name}+bnc")
    if mark:
        return local.startswith(mark)
    return local == f"owner-{name}" or local.startswith((f"{name}-", f"{name}+"))


def _spf_vouched(analysis: Analysis, env: str) -> str | None:
    """The entry hop's client as the receiver recorded it, when the receiver's own SPF check
    passed the envelope domain ``env`` for it: that domain authorised the host to send its
    mail, whatever name the host has (a list hosted under another name than its own)."""
    spf = stamp(analysis, "spf")
    checked = spf.result.prop("smtp.mailfrom") if spf is not None else None
    hop = boundary_hop(analysis)
    if spf is None or spf.value != "pass" or hop is None or not checked:
        return None
    if checked.rpartition("@")[2].lower() != env.rpartition("@")[2].lower():
        return None
    ip = hop.received.from_ip or ""
    host = confirmed_rdns(hop) or hop.received.from_helo or "the client"
    return f"{host} [{ip}] (SPF pass for {checked.rpartition('@')[2]} at the receiver)"


def handed_over(analysis: Analysis, name: str, list_host: str) -> tuple[str, str, str] | None:
    """(the list's server as the receiver recorded it, the envelope sender) when what the final
    receiver wrote shows that list ``name`` (List-Id ``<name.list_host>``) handed the message
    over: the entry hop's client is the list's server (confirmed reverse DNS, or a known list
    operator's network) and the envelope sender the receiver wrote is the list's bounce
    address. The List-Id itself is the sender's text: it only names which list to check.
    The third item is the list's organisation when only its own domain ties the server (its
    SPF or its server's name) and it is not a known list organisation: a sender can run such a
    list on its own domain, so the spoof stays possible; "" for a known list organisation."""
    server = _server_org(analysis)
    env = receiver_envelope(analysis)
    list_org = org(list_host)
    if env is None or not list_org:
        return None
    own = "" if list_org in _KNOWN_LISTS else list_org
    if (vouched := _spf_vouched(analysis, env)) is not None and _bounce_of(
        env, name, list_host, ""
    ):
        return vouched, env, own
    if server is None:
        return None
    server_org, shown = server
    for operator, lists, mark in _OUTBOUND:
        if server_org != operator or (lists and list_org not in lists):
            continue
        if _bounce_of(env, name, list_host, mark, operator):
            return shown, env, ""
    if server_org == list_org and _bounce_of(env, name, list_host, ""):
        return shown, env, own
    return None


def body_changed_only(verification: Verification | None) -> bool:
    """The re-verification judged nothing but DKIM body hashes (offline: no key, no SPF), and
    one of them no longer matches: what a list's footer or subject tag does to the author's
    signature, so no evidence of a spoof by itself when the message names a list."""
    if verification is None or verification.spf is not None or not verification.dkim:
        return False
    unjudged = all(
        d.result in (DkimResult.UNAVAILABLE, DkimResult.TEMPERROR) for d in verification.dkim
    )
    return unjudged and any(d.body_result is DkimResult.FAIL for d in verification.dkim)


def why_undecided(verification: Verification | None) -> tuple[str, str]:
    """(why nothing decided DMARC, what to do about it)."""
    if verification is not None and verification.mode is VerifyMode.OFFLINE:
        return "offline: SPF, DKIM and DMARC were not checked", "re-run with DNS"
    if verification is not None:
        return "the re-verification did not decide DMARC", "re-run the check when DNS answers"
    return "no DMARC verdict from the receiver, not re-verified", "re-run with DNS"


def receiver_filter_dmarc(analysis: Analysis) -> str | None:
    """The DMARC symbol of the final receiver's own Rspamd run (DMARC_POLICY_ALLOW,
    DMARC_POLICY_REJECT, DMARC_NA…), where the field attribution ties that run to the receiver:
    its filter decided DMARC even though it wrote no Authentication-Results."""
    for f in receiver_fields(analysis, "x-spamd-result"):
        if m := re.search(r"\b(DMARC_[A-Z_]+)\(", f.value):
            return m.group(1)
    return None


def delivered(
    analysis: Analysis,
    verification: Verification | None,
    lst: Situation,
    by: tuple[str, str, str],
) -> Situation:
    """``lst`` with the facts of a list delivery the receiver recorded, when nothing decided the
    author's DMARC: the list is real, the author's DMARC is unknown, and a failure from the
    list's re-send would be the list's to fix."""
    why, rerun = why_undecided(verification)
    server, env, own = by
    dom = from_domain(analysis) or ""
    ev = (
        f"the final receiver's own Received line: the client is the list's server {server}",
        f"the envelope sender the receiver wrote, {env}, is the list's bounce address",
        f"DMARC for {dom or 'the From domain'} unknown: {why}",
    )
    facts: tuple[tuple[str, str], ...] = (
        ("delivered", server),
        ("envelope", env),
        ("undecided", why),
        ("rerun", rerun),
    )
    facts += (("domain", dom),) if dom else ()
    # tied by the list's own domain alone: whoever runs that domain may have sent a spoof
    facts += (("own-domain", own),) if own else ()
    if (
        own
        and lst.hop_number is not None
        and (said := passed_at_intake(analysis, lst.hop_number, own))
    ):
        facts += (("intake", said),)
    return Situation(lst.label, lst.hop_number, lst.evidence[:3] + ev, lst.facts + facts)
