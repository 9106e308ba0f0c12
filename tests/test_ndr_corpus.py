"""Every bounce in ../shared/corpus is read as one: status, diagnostic, refusing server, original.

The files are read in place (some are CC BY-NC): never copied into the repository. Expected
values come from the files themselves and, for real2/, from the expert stories in STORIES.tsv.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import pytest

from headerlens.analyze import analyze
from headerlens.model import NdrFormat, OriginalKind, Rejecter, WhoActs
from tests.paths import CORPUS, need_shared


@dataclass(frozen=True)
class Case:
    path: str
    fmt: NdrFormat
    address: str
    status: str | None  # the most specific enhanced code (remote reply over the report's 5.0.0)
    smtp: int | None
    diag: str  # a piece of the diagnostic that must be there (the full reply, not a cut)
    rejecter: Rejecter
    remote: str | None
    kind: OriginalKind
    original_from: str | None  # the returned message's author
    meaning: str  # catalogue key the explanation comes from
    who: WhoActs
    original_recipient: str | None = None


CASES = [
    Case(
        "real2/ndr-exchange-online-forwarded-copy-rejected-by-godaddy-spf-5.1.0.eml",
        NdrFormat.EXCHANGE,
        "kijitora@example.com",
        "5.1.0",
        550,
        "per it's SPF Record",
        Rejecter.RECIPIENT_MAILBOX,
        "neko-smtp-02-22.prod.cats.secureserver.net",
        OriginalKind.QUOTED,
        "sironeko@example.com",
        "text:spf-ib508",
        WhoActs.SENDER_ADMIN,
    ),
    Case(
        "real2/ndr-exim-5.7.1-missing-reverse-dns-fix-ptr.eml",
        NdrFormat.EXIM,
        "kijitora@example.net",
        "5.7.1",
        550,
        "Fix reverse DNS for 203.0.113.2",
        Rejecter.RECIPIENT_SERVER,
        "mail-mx1.example.net",
        OriginalKind.MESSAGE,
        "sironeko@nyaan.example.com",
        "text:reverse-dns",
        WhoActs.SENDER_ADMIN,
    ),
    Case(
        "real2/ndr-outlookcom-5.1.1-nonindented-continuation-lines.eml",
        NdrFormat.EXCHANGE,
        "kijitora@cr3.neko.nyaan.jp",
        "5.1.1",
        550,
        "User Unknown",
        Rejecter.RECIPIENT_SERVER,
        "nijo.cr3.neko.nyaan.jp",
        OriginalKind.MESSAGE,
        "azumakuniyuki@microsoft.example.com",
        "text:user-unknown",
        WhoActs.SENDER,
    ),
    Case(
        "real2/ndr-postfix-gmail-5.7.26-unauthenticated-alias-fix-at-sender.eml",
        NdrFormat.POSTFIX,
        "kijitora@google.example.com",
        "5.7.26",
        550,
        "SPF [relay3.example.com] with ip: [192.0.2.22] = did not pass",
        Rejecter.RECIPIENT_MAILBOX,
        "gmail-smtp-in.l.google.com",
        OriginalKind.MESSAGE,
        "kijitora@google.example.com",
        "text:unauthenticated",
        WhoActs.SENDER_ADMIN,
        "contact@example.co.jp",
    ),
    Case(
        "real2/ndr-postfix-mimecast-554-host-network-not-allowed.eml",
        NdrFormat.POSTFIX,
        "sabatora@example.com",
        "5.0.0",
        554,
        "Host network not allowed",
        Rejecter.RECIPIENT_GATEWAY,
        "us-smtp-inbound-1.mimecast.com",
        OriginalKind.MESSAGE,
        "kijitora@example.co.jp",
        "text:mimecast-host-network",
        WhoActs.RECIPIENT_ADMIN,
    ),
    Case(
        "real2/ndr-qmail-outlookcom-5.7.509-own-domain-dmarc-reject.eml",
        NdrFormat.QMAIL,
        "pseudo-local-part-of-microsoft-outlook@outlook.com",
        "5.7.509",
        550,
        "does not pass DMARC verification",
        Rejecter.RECIPIENT_MAILBOX,
        None,
        OriginalKind.QUOTED,
        "kijitora@nq.example.jp",
        "text:dmarc-policy",
        WhoActs.SENDER_ADMIN,
    ),
    Case(
        "real2/ndr-sendmail-alias-forward-to-gmail-dmarc-reject-cpanel-spoof.eml",
        NdrFormat.SENDMAIL,
        "kijitora+neko-nyaan@google.example.com",
        "5.7.1",
        550,
        "Please contact the administrator of cpanel.com domain",
        Rejecter.RECIPIENT_MAILBOX,
        "gmail-smtp-in.l.google.com",
        OriginalKind.HEADERS,
        "cpanel@cpanel.com",
        "text:dmarc-policy",
        WhoActs.SENDER_ADMIN,
        "info@example.jp",
    ),
    Case(
        "real2/ndr-sendmail-alias-forward-to-gmail-unauthenticated-5.7.1.eml",
        NdrFormat.SENDMAIL,
        "kijitora+example.jp@google.example.com",
        "5.7.1",
        550,
        "authentication checks. To best protect our users from spam",
        Rejecter.RECIPIENT_MAILBOX,
        "gmail-smtp-in.l.google.com",
        OriginalKind.HEADERS,
        "no-reply@talksite.com",
        "text:unauthenticated",
        WhoActs.SENDER_ADMIN,
        "info@example.jp",
    ),
    Case(
        "real2/ndr-sendmail-eop-5.7.606-banned-ip-cr-only-line-endings.eml",
        NdrFormat.SENDMAIL,
        "kijitora@example.com",
        "5.7.606",
        550,
        "banned sending IP [198.51.100.222]",
        Rejecter.RECIPIENT_GATEWAY,
        "example.com.mail.protection.outlook.com",
        OriginalKind.HEADERS,
        "shironeko@example.org",
        "5.7.606",
        WhoActs.SENDER_ADMIN,
    ),
    Case(
        "eml/office365-outlookcom-ndr-forefront-untrusted-headers.eml",
        NdrFormat.EXCHANGE,
        "otsu-sakaba-hunter-neko-nyaaaaaaan@ezweb.ne.jp",
        "5.1.351",
        550,
        "unknown recipient or mailbox unavailable",
        Rejecter.RECIPIENT_SERVER,
        "msmx.au.com",
        OriginalKind.MESSAGE,
        "azumakuniyuki@outlook.example.com",
        "text:user-unknown",
        WhoActs.SENDER,
    ),
    Case(
        "eml/trendmicro-hes-imsva-exchange-ndr-embedded-original-headers.eml",
        NdrFormat.EXCHANGE,
        "transports@agglo-saumur.fr",
        "5.1.1",
        550,
        "RESOLVER.ADR.RecipNotFound",
        Rejecter.RECIPIENT_MAILBOX,
        None,
        OriginalKind.MESSAGE,
        "newsletter@mb.newsletter-autos.fr",
        "text:user-unknown",
        WhoActs.SENDER,
    ),
    Case(
        "eml/mimecast-ndr-dkim-pass.eml",
        NdrFormat.MIMECAST,
        "sabineko@neko.ef.example.org",
        "5.4.1",
        None,
        "Recipient address rejected: Access denied",
        Rejecter.RECIPIENT_MAILBOX,
        None,
        OriginalKind.NONE,
        None,
        "5.4.1",
        WhoActs.RECIPIENT_ADMIN,
    ),
    Case(
        "eml/barracuda-ndr-to-gmail-spf-best-guess-pass.eml",
        NdrFormat.DSN,
        "kijitora@example.jp",
        "5.7.1",
        550,
        "Message content rejected, UBE",
        Rejecter.RECIPIENT_SERVER,
        None,
        OriginalKind.HEADERS,
        "neko-nyaan@example.jp",
        "text:content-spam",  # the receiver's content filter: revise, or the recipient allows
        WhoActs.RECIPIENT_ADMIN,
    ),
    Case(
        "eml/google-workspace-ndr-arc1-dkim-pass-spf-none-dmarc-pass.eml",
        NdrFormat.GMAIL,
        "neko-nyaan-cat-meeting@google-groups.example.com",
        None,
        None,
        "Smtp server does not advertise AUTH capability",
        Rejecter.SENDER_OWN,
        None,
        OriginalKind.MESSAGE,
        "michitsuna@example.jp",
        "text:gmail-send-as",
        WhoActs.SENDER,
    ),
    Case(
        "eml/yahoo-ndr-dkim-pass.eml",
        NdrFormat.YAHOO,
        "otsu-sakaba-hunter-neko-nyaaaaaaan@ezweb.ne.jp",
        None,
        550,
        "User unknown",
        Rejecter.RECIPIENT_SERVER,
        None,
        OriginalKind.QUOTED,
        "azumakuniyuki@y.example.com",
        "text:user-unknown",
        WhoActs.SENDER,
    ),
    Case(
        "eml/amazonses-relayed-to-gmail-spf-fail-dkim-neutral.eml",
        NdrFormat.AMAZON_SES,
        "bounce@simulator.amazonses.com",
        "5.1.1",
        550,
        "user unknown",
        Rejecter.RECIPIENT_SERVER,
        None,
        OriginalKind.QUOTED,
        "kijitora@neko.example.org",
        # Amazon SES's mailbox simulator answers 5.1.1 by design: a test, nobody's fault
        "test:simulator",
        WhoActs.NOBODY_TEST,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.path.rsplit("/", 1)[1][:50] for c in CASES])
def test_bounce_is_read(case: Case) -> None:
    need_shared()
    analysis = analyze((CORPUS / case.path).read_bytes(), source_name=case.path)
    ndr = analysis.ndr
    assert ndr is not None, "not recognised as a bounce"
    assert ndr.format is case.fmt
    assert len(ndr.failed) == 1
    r = ndr.failed[0]
    assert r.address == case.address
    assert r.original_recipient == case.original_recipient
    assert r.effective_status == case.status
    assert r.smtp_code == case.smtp
    assert case.diag in r.diagnostic
    assert r.rejecter is case.rejecter, r.rejecter_why
    assert r.remote_mta == case.remote
    assert r.meaning is not None and r.meaning.key == case.meaning
    assert r.meaning.who_acts is case.who
    assert r.meaning.source
    assert ndr.original_kind is case.kind
    if case.original_from is None:
        assert ndr.original is None
    else:
        assert ndr.original is not None and ndr.original.from_addr is not None
        assert ndr.original.from_addr.address == case.original_from
        assert ndr.original.ndr is None  # one level deep


def test_real2_ndr_stories_all_covered() -> None:
    # every real2 message whose story carries the "ndr" label is a case above, and no other
    need_shared()
    with (CORPUS / "real2" / "STORIES.tsv").open(newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    labelled = {f"real2/{r['local_name']}" for r in rows if "ndr" in r["situations"].split(",")}
    assert len(labelled) == 9
    assert labelled <= {c.path for c in CASES}
    for row in rows:
        path = CORPUS / "real2" / row["local_name"]
        is_ndr = analyze(path.read_bytes()).ndr is not None
        assert is_ndr == ("ndr" in row["situations"].split(",")), row["local_name"]


def test_ordinary_corpus_messages_are_not_bounces() -> None:
    need_shared()
    bounces = {c.path for c in CASES}
    for path in sorted((CORPUS / "eml").glob("*.eml")) + sorted((CORPUS / "headers").glob("*")):
        rel = f"{path.parent.name}/{path.name}"
        if rel not in bounces:
            assert analyze(path.read_bytes()).ndr is None, rel


def test_original_hops_reach_the_refusing_server() -> None:
    # the returned message keeps its own chain: Exchange's quoted headers, four hops
    need_shared()
    path = CORPUS / "real2/ndr-exchange-online-forwarded-copy-rejected-by-godaddy-spf-5.1.0.eml"
    original = analyze(path.read_bytes()).ndr.original  # type: ignore[union-attr]
    assert original is not None
    assert len(original.chain.hops) == 4
    assert any("smtp.example.net" in (h.received.by or "") for h in original.chain.hops)
