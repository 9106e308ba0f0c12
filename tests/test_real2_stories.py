"""One test per message of ../shared/corpus/real2 against its expert story (STORIES.tsv).

Each test reads the report as `headerlens report --format json --offline` builds it (the JSON
``diagnosis`` plus the findings) and checks: the story's situation labels are all reported, the
delay is placed on the host the story names (or no delay is claimed when it says none), and
nothing the story's ``wrong_conclusions`` names is said, each wrong conclusion written as a
check on the structured output. Files are read from ../shared, never copied (CC BY-NC).

Where this reading disagrees with a story, DISAGREE says why and the test checks our reading.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from headerlens.analyze import analyze
from headerlens.diagnosis import GapKind, diagnose
from headerlens.diagnosis.facts import Diagnosis
from headerlens.report.json_report import report_dict
from tests.paths import CORPUS, need_shared, shared_cases

REAL2 = CORPUS / "real2"

# Story labels this reading does not report, with the reason.
DISAGREE = {
    # The story's own delay column says "no real delay (about 90 s for 16 hops)": the only
    # apparent gap is one appliance's clock 40 min behind (a skew pair). By the README's
    # definition ("a real queue delay of 10 minutes or more") the 'delay' label does not apply;
    # the skew pair is reported instead (checked below).
    "list-mailman2-dm-devel-wdc-ironport-clock-skew-redhat-mimecast.eml": {"delay"},
    # The README defines 'delay' as "a real queue delay of 10 minutes or more"; these stories'
    # own delay columns say about 3 min (forwarding-rule processing in the tenant, plus 88 s)
    # and about 6 min (a greylisting retry at lfdr.de while lists.linaro.org held it). A few
    # minutes on a relay or list server is ordinary, so it is said as information (a
    # delay.short-queue finding on the host the story names, checked by DELAY_HOST), not as a
    # delay in the situations, the headline or a warning.
    "forward-exo-tenant-srs-gmail-origin-to-outlookcom-untrusted-headers.eml": {"delay"},
    "list-mailman3-linaro-nvidia-dmarc-reject-rspamd-arc-reject.eml": {"delay"},
}

# Where the story puts the delay, as a fragment of the host name that held the message, for
# stories that describe the place rather than name the host.
DELAY_HOST = {
    "spoof-bradesco-protonmail-dmarc-fail-pnone-pm-spam.eml": "kpowjghjfrjguy.com.br",  # "the sender's host"
    "forward-exo-tenant-srs-gmail-origin-to-outlookcom-untrusted-headers.eml": "gbrp123.prod.outlook.com",  # "inside the forwarding tenant"
    "list-vger-linux-usb-trendmicro-hes-outbound-greylist-delay.eml": "hes.trendmicro.eu",  # "Trend Micro HES's outbound queue"
    "list-groupsio-st-eop-proofpoint-outbound-moderation-delay-25h.eml": "groups.io",
    "list-mailman3-linaro-nvidia-dmarc-reject-rspamd-arc-reject.eml": "lists.linaro.org",
    "compromised-helo-user-date-header-tz-mislabel-20h-queued-at-sender.eml": "s1.w-creator.biz",
    "compromised-mailenable-helo-user-korean-ip-21h-queued-at-sender.eml": "chetta.it",
    "compromised-postfix-esmtpa-helo-user-20h-queued-at-sender-junk.eml": "isp.numzaan.com",
    "ndr-sendmail-alias-forward-to-gmail-unauthenticated-5.7.1.eml": "mx.example.jp",
    # below the delay threshold, but the story names where the time went
    "compromised-ovh-esmtpsa-to-uol-vade-quarantine-sender-side-ar.eml": "server.globalbg.ovh",
    "sender-side-tpg-outbound-ironport-isp-relay-bestguesspass.eml": "rpt-glb-asav2.external.tpg.com.au",
}
_NO_DELAY = re.compile(r"^(?:none|no real delay|not determinable|no delay)", re.IGNORECASE)


@dataclass(frozen=True)
class Report:
    """What a helpdesk reader sees: the JSON report's diagnosis and findings."""

    d: Diagnosis
    json: dict[str, Any]
    hops: int

    @property
    def labels(self) -> set[str]:
        return {s["label"] for s in self.json["diagnosis"]["situations"]}

    @property
    def findings(self) -> list[dict[str, Any]]:
        return list(self.json["findings"])

    def evidence(self, label: str) -> str:
        return " ".join(
            " ".join(s["evidence"])
            for s in self.json["diagnosis"]["situations"]
            if s["label"] == label
        )

    @property
    def outcome(self) -> str:
        return str(self.json["diagnosis"]["outcome"])

    def delay_host(self) -> str:
        s = self.d.get("delay")
        return (s.fact("host") if s else "") or ""


Check = Callable[[Report], bool]

_ADD_SPF = re.compile(r"\b(?:add|include)\b[^.]*\bSPF\b", re.IGNORECASE)
_PUBLISH_DKIM = re.compile(
    r"\b(?:publish|enable)\b[^.]*\b(?:DKIM|key|selector)\b|selector's public key", re.I
)


def no_add_to_spf(r: Report) -> bool:
    return not any(_ADD_SPF.search(f["fix"]) for f in r.findings)


def no_publish_dkim(r: Report) -> bool:
    return not any(_PUBLISH_DKIM.search(f["fix"]) or "DKIM-sign" in f["fix"] for f in r.findings)


def has(label: str) -> Check:
    return lambda r: label in r.labels


def lacks(*labels: str) -> Check:
    return lambda r: not (set(labels) & r.labels)


def outcome(value: str) -> Check:
    return lambda r: r.outcome == value


def delay_at(fragment: str) -> Check:
    return lambda r: fragment in r.delay_host().lower()


def short_queue_at(fragment: str) -> Check:
    """The few minutes are said (information, not a delay) on the host the story names."""
    return lambda r: any(
        f["code"] == "delay.short-queue" and fragment in f["title"].lower() for f in r.findings
    )


def sender_side(name: str) -> Check:
    return lambda r: name.lower() in r.evidence("sender-side-scan").lower()


def outcome_not_from(name: str) -> Check:
    return lambda r: name.lower() not in " ".join(r.d.outcome.evidence).lower()


def gap_kind(kind: GapKind) -> Check:
    return lambda r: (
        any(g.kind is kind for g in r.d.gaps)
        and not any(g.kind is GapKind.TRANSIT and g.seconds < -60 for g in r.d.gaps)
    )


def cause_first(r: Report) -> bool:
    return bool(r.findings) and r.findings[0]["code"].startswith("situation.")


def no_fix_says_nothing_at_sender(r: Report) -> bool:
    return not any("Nothing to fix at" in f["fix"] for f in r.findings)


# Each wrong conclusion of STORIES.tsv, as a check that the report does not draw it.
WRONG: dict[str, list[tuple[str, Check]]] = {
    "self-spoof-sextortion-zimbra-spamassassin-date-in-future.eml": [
        ("the account is compromised", lacks("compromised-account")),
        ("the server delayed it 6-7 hours", lacks("delay")),
        ("add the sender's IP to SPF", no_add_to_spf),
    ],
    "spoof-amazon-subdomain-null-sender-helo-spf-dmarc-quarantine.eml": [
        ("Return-Path <> so this is a bounce", lacks("ndr")),
        ("Amazon must publish the DKIM selector", no_publish_dkim),
        ("add the sender to SPF", no_add_to_spf),
    ],
    "spoof-bancodobrasil-dmarc-quarantine-trustedsenderlist-inbox.eml": [
        ("EOP failed to detect it", has("allowlist-override")),
        ("the bank must add the sender to SPF", no_add_to_spf),
        ("publish a DKIM key for badcboundzw.com", no_publish_dkim),
    ],
    "spoof-bradesco-protonmail-dmarc-fail-pnone-pm-spam.eml": [
        ("Proton delayed it 11 minutes", lambda r: "protonmail" not in r.delay_host()),
        ("add 40.160.4.9 to bradesco.com.br SPF", no_add_to_spf),
        ("X-Pm-Spamscore 101 read as clean", outcome("junk")),
    ],
    "spoof-correios-via-locaweb-mailchannels-trustedsenderlist-inbox.eml": [
        (
            "MailChannels ARC auth=pass means legitimate",
            lambda r: "spoof" in r.labels and "control" not in r.labels,
        ),
        ("add MailChannels/Locaweb to correios.com.br SPF", no_add_to_spf),
        ("SCL 8 in the Inbox means the filter failed", has("allowlist-override")),
    ],
    "spoof-microsoft-eop-dmarc-oreject-safesender-flags-not-honoured.eml": [
        ("add the sending server to microsoft.com's SPF", no_add_to_spf),
        (
            "wl:1 means the sender was allowed",
            lambda r: "allowlist-override" not in r.labels and r.outcome == "junk",
        ),
        ("DKIM missing at Microsoft", no_publish_dkim),
    ],
    "spoof-netflix-eop-spf-fail-dkim-nokey-dmarc-oreject.eml": [
        ("Netflix's DKIM key is missing", no_publish_dkim),
        ("add 170.187.181.7 to netflix.com SPF", no_add_to_spf),
    ],
    "spoof-paypal-intl-eop-spf-none-dmarc-fail-oreject-junk.eml": [
        ("add the sender to PayPal's SPF", no_add_to_spf),
        ("enable DKIM for intl.paypal.com", no_publish_dkim),
        ("the message was rejected (oreject)", outcome("junk")),
        ("the Gmail Reply-To is harmless", lambda r: "reply-to" in r.evidence("spoof").lower()),
    ],
    "spoof-yahoo-from-sent-via-gmail-account-aligned-fail-oreject.eml": [
        ("SPF and DKIM passed, so it is authentic", has("spoof")),
        ("Yahoo should add Google to its SPF", no_add_to_spf),
        ("Gmail's DKIM is misconfigured", no_publish_dkim),
    ],
    "forward-exo-tenant-srs-gmail-origin-to-outlookcom-untrusted-headers.eml": [
        (
            "SCL 1 - it should have gone to the Inbox",
            lambda r: r.outcome == "junk" and sender_side("-Untrusted")(r),
        ),
        ("add Microsoft to gmail.com SPF", no_add_to_spf),
        (
            "Outlook.com delayed it",
            lambda r: "protection.outlook.com" not in r.delay_host().lower(),
        ),
    ],
    "forward-gmail-autoforward-to-outlookcom-dmarc-fail-arc-compauth-130.eml": [
        ("btconnect.com is being spoofed", lacks("spoof")),
        ("add Gmail to btconnect.com SPF", no_add_to_spf),
        ("the -Untrusted SCL 1 is Outlook.com's verdict", outcome_not_from("untrusted")),
        ("DMARC failed so it must have been junked", outcome("inbox")),
    ],
    "forward-gmail-autoforward-to-outlookcom-gmailapi-workspace-arc3-compauth-130-junk.eml": [
        ("dmarc=none means authentication failed", lacks("spoof")),
        (
            "junked because the SPF domain is gmail.com",
            lambda r: "forward-srs" in r.labels and no_add_to_spf(r),
        ),
        ("the Gmail API hop is a forged Received", lacks("forged-received")),
    ],
    "forward-gmail-autoforward-to-protonmail-santander-ironport-dkim-survives.eml": [
        ("SPF domain gmail.com differs, so it is spoofed", lacks("spoof")),
        ("Proton flagged it as spam (X-Spam: Yes)", outcome("inbox")),
    ],
    "relay-exo-srs-compromised-onprem-exchange-spoof-untrusted-outbound-spam.eml": [
        ("financier.com must add Microsoft 365 to its SPF", no_add_to_spf),
        ("SRS means the recipient forwarded it", lacks("forward-srs", "forward-nosrs")),
        (
            "the -Untrusted SCL 5 is the recipient's verdict",
            lambda r: sender_side("-Untrusted")(r) and outcome_not_from("untrusted")(r),
        ),
    ],
    "ndr-exchange-online-forwarded-copy-rejected-by-godaddy-spf-5.1.0.eml": [
        (
            "example.net must add the forwarder to its SPF",
            lambda r: no_add_to_spf(r) and "forward-nosrs" in r.labels,
        ),
        ("the NDR's own spf=none is the cause", cause_first),
    ],
    "ndr-exim-5.7.1-missing-reverse-dns-fix-ptr.eml": [
        ("fix SPF", no_add_to_spf),
        ("blocked for spam content", lambda r: "reverse dns" in r.evidence("ndr").lower()),
    ],
    "ndr-outlookcom-5.1.1-nonindented-continuation-lines.eml": [
        (
            "fields called BCL/abwl/(2603 shown as real",
            lambda r: all(x in r.evidence("paste-damage") for x in ("BCL", "abwl", "(2603")),
        ),
        ("authentication failure", lacks("spoof")),
    ],
    "ndr-postfix-gmail-5.7.26-unauthenticated-alias-fix-at-sender.eml": [
        (
            "spoof - nothing to fix at the sender",
            lambda r: "spoof" not in r.labels and no_fix_says_nothing_at_sender(r),
        ),
        ("pure forwarding problem", lacks("forward-srs", "forward-nosrs")),
        ("Gmail outage", lambda r: r.outcome == "rejected" and "5.7.26" in r.evidence("ndr")),
    ],
    "ndr-postfix-mimecast-554-host-network-not-allowed.eml": [
        ("SPF fail", lambda r: no_add_to_spf(r) and "spoof" not in r.labels),
        ("Mimecast spam score too high", lacks("junk")),
    ],
    "ndr-qmail-outlookcom-5.7.509-own-domain-dmarc-reject.eml": [
        ("add 52.101.68.24 to SPF", no_add_to_spf),
        ("someone spoofed our domain", lacks("spoof")),
    ],
    "ndr-sendmail-alias-forward-to-gmail-dmarc-reject-cpanel-spoof.eml": [
        ("cpanel.com must add mx2.example.jp to SPF", no_add_to_spf),
        ("a genuine cPanel notice was lost", has("spoof")),
    ],
    "ndr-sendmail-alias-forward-to-gmail-unauthenticated-5.7.1.eml": [
        (
            "talksite.com must fix SPF/DKIM",
            lambda r: no_add_to_spf(r) and "forward-nosrs" in r.labels,
        ),
        ("Gmail delayed 11 minutes", delay_at("mx.example.jp")),
    ],
    "ndr-sendmail-eop-5.7.606-banned-ip-cr-only-line-endings.eml": [
        ("SPF/DMARC failure", lacks("spoof")),
        ("recipient unknown", lambda r: "5.7.606" in r.evidence("ndr")),
        (
            "no headers found because of CR-only line ends",
            lambda r: r.hops >= 1 and "paste-damage" in r.labels,
        ),
    ],
    "google-groups-spam-nested-groups-dmarc-fail-arc-compauth-130-inbox.eml": [
        ("the Gmail user is spoofed", lacks("spoof")),
        ("gmail.com's SPF/DKIM are broken", lambda r: no_add_to_spf(r) and no_publish_dkim(r)),
        ("dmarc=fail so it was rejected", outcome("inbox")),
    ],
    "list-google-groups-clang-built-linux-kernelorg-arc2-rspamd-allow.eml": [
        ("From spoofed as googlegroups.com", lacks("spoof")),
        (
            "X-Original-Authentication-Results used as the final verdict",
            sender_side("X-Original-Authentication-Results"),
        ),
    ],
    "list-groupsio-st-eop-proofpoint-outbound-moderation-delay-25h.eml": [
        ("one hop - sent directly by groups.io", has("mailing-list")),
        ("25-hour delay at lfdr.de or ST's Proofpoint", delay_at("groups.io")),
        ("st.com impersonated by groups.io", lacks("spoof")),
    ],
    "list-mailman2-dm-devel-wdc-ironport-clock-skew-redhat-mimecast.eml": [
        (
            "40-minute queue at WDC / negative transit",
            lambda r: gap_kind(GapKind.SKEW)(r) and "delay" not in r.labels,
        ),
        ("X-Mimecast-Spam-Score 0 is lfdr.de's verdict", sender_side("X-Mimecast-Spam-Score")),
    ],
    "list-mailman2-ltp-redhat-workspace-mimecast-outbound-seeweb-spamassassin.eml": [
        ("Red Hat's DKIM is broken - fix it", no_publish_dkim),
        ("X-Mimecast-Spam-Score 0 is the recipient's score", sender_side("X-Mimecast-Spam-Score")),
        ("From is spoofed as lists.linux.it", lacks("spoof")),
        ("the list's SpamAssassin read as the final receiver's", outcome_not_from("x-spam-status")),
    ],
    "list-mailman3-linaro-nvidia-dmarc-reject-rspamd-arc-reject.eml": [
        ("nvidia.com SPF must include lists.linaro.org", no_add_to_spf),
        ("NVIDIA's DKIM is broken", no_publish_dkim),
        ("ARC_REJECT means the mail was forged", lacks("spoof", "forged-received")),
        ("lfdr.de delayed it 6 minutes", short_queue_at("lists.linaro.org")),
    ],
    "list-subspace-linux-spi-tmes-outbound-sender-eop-dmarc-fail-oreject-receiver-pass.eml": [
        (
            "DMARC failed with oreject - the mail was rejected",
            lambda r: r.outcome != "rejected" and "spoof" not in r.labels,
        ),
        ("add 213.61.166.92 to SPF urgently", no_add_to_spf),
        ("arc=fail means tampering", lacks("forged-received", "spoof")),
    ],
    "list-vger-linux-usb-trendmicro-hes-outbound-greylist-delay.eml": [
        ("vger.kernel.org took 20 minutes", delay_at("hes.trendmicro.eu")),
        ("X-TMASE-Result is the recipient's verdict", sender_side("X-TMASE-Result")),
    ],
    "phishsim-phishme-via-proofpoint-gateway-securefileshares.eml": [
        ("credential phish - incident", has("phish-sim")),
        ("return--path.com is a typo-squat attack", lacks("spoof")),
    ],
    "phishsim-phishme-via-proofpoint-gateway-to-google-workspace-court-notice.eml": [
        ("real phishing - block the domain", lambda r: r.d.labels()[:1] == ("phish-sim",)),
    ],
    "compromised-helo-user-date-header-tz-mislabel-20h-queued-at-sender.eml": [
        (
            "transit negative / 13 h from the Date header",
            lambda r: r.d.date_note is not None and r.d.date_note.kind is GapKind.TZ_LABEL,
        ),
        ("Outlook.com queued it", delay_at("s1.w-creator.biz")),
        ("legitimate because SPF pass", has("compromised-account")),
    ],
    "compromised-mailbox-czech-hoster-srs0-outbound-not-a-forward-junk.eml": [
        ("forwarded mail - not the sender's fault", lacks("forward-srs", "forward-nosrs")),
        (
            "spoof - nothing to fix at the sender",
            lambda r: "spoof" not in r.labels and no_fix_says_nothing_at_sender(r),
        ),
        ("add 1pmail.cz to SPF as the whole fix", no_add_to_spf),
    ],
    "compromised-mailenable-helo-user-korean-ip-21h-queued-at-sender.eml": [
        ("Microsoft delayed delivery by a day", delay_at("chetta.it")),
        ("SPF pass, so the sender is trustworthy", has("compromised-account")),
        ("the Korean IP should be added to SPF", no_add_to_spf),
    ],
    "compromised-ovh-esmtpsa-to-uol-vade-quarantine-sender-side-ar.eml": [
        ("auth=pass shows the recipient authenticated it", sender_side("Authentication-Results")),
        (
            "quarantined because SPF permerror",
            lambda r: any(
                "vade" in e.lower() or "delivered-to" in e.lower() for e in r.d.outcome.evidence
            ),
        ),
        (
            "the 2.5-minute delay is at UOL",
            lambda r: r.d.slowest is not None and r.d.slowest.host == "server.globalbg.ovh",
        ),
    ],
    "compromised-postfix-esmtpa-helo-user-20h-queued-at-sender-junk.eml": [
        ("Outlook.com held the mail for 20 hours", delay_at("isp.numzaan.com")),
        ("SPF pass = legitimate sender", has("compromised-account")),
        ("add 222.73.208.80 to SPF", no_add_to_spf),
    ],
    "protonmail-rspamd-windows-smtpsvc-tz-mislabel-date-in-future.eml": [
        ("arrived 7 hours before it was sent", gap_kind(GapKind.TZ_LABEL)),
        ("Rspamd score below threshold = clean", outcome("junk")),
        ("Toyota Industries must add this IP to SPF", no_add_to_spf),
    ],
    "tz-artefact-relay-hop-plus8h-mislabel-trustedsenderlist-inbox.eml": [
        (
            "8-hour delay at keepgoo/Outlook.com",
            lambda r: gap_kind(GapKind.TZ_LABEL)(r) and "delay" not in r.labels,
        ),
        ("SCL 6 in the Inbox means EOP failed", has("allowlist-override")),
        ("StayFriends must fix SPF", no_add_to_spf),
    ],
    "forged-received-template-smash-workspace-smtp-relay-all-pass.eml": [
        (
            "the message first passed through Microsoft EOP",
            lambda r: (s := r.d.get("forged-received")) is not None and s.hop_number == 1,
        ),
        ("a 28-minute delay at Google", lacks("delay")),
        ("all pass = legitimate", lacks("control")),
        ("the duplicated 'Received:from' split into two hops", lambda r: r.hops == 7),
    ],
    "sender-side-icloud-outbound-proofpoint-spam-details.eml": [
        ("the recipient's Proofpoint scored it 5", sender_side("X-Proofpoint-Spam-Details")),
        (
            "Date 3 h in the future - clock/delay problem",
            lambda r: "delay" not in r.labels and "tz-artefact" in r.labels,
        ),
    ],
    "sender-side-tpg-outbound-ironport-isp-relay-bestguesspass.eml": [
        ("the recipient's IronPort passed it", sender_side("X-IronPort")),
    ],
    "control-google-workspace-google-com-to-subspace-all-pass.eml": [
        ("SPF domain differs from From - misaligned", has("control")),
        ("the list broke DKIM", lambda r: no_publish_dkim(r) and "spoof" not in r.labels),
    ],
    "control-outlookcom-to-gmail-all-pass-arc1-manual-forward.eml": [
        (
            "ARC i=1 shows none - authentication failed",
            lambda r: "control" in r.labels and "spoof" not in r.labels,
        ),
    ],
}


def _stories() -> list[dict[str, str]]:
    path = REAL2 / "STORIES.tsv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


STORIES = _stories()


def read(name: str) -> Report:
    analysis = analyze((REAL2 / name).read_bytes(), source_name=name)
    return Report(diagnose(analysis), report_dict(analysis), len(analysis.chain.hops))


def problems(story: dict[str, str]) -> list[str]:
    """Everything this reading gets wrong about one story (empty = fully right)."""
    name = story["local_name"]
    r = read(name)
    out = []
    want = set(story["situations"].split(",")) - DISAGREE.get(name, set())
    if missing := want - r.labels:
        out.append(f"situations missing: {sorted(missing)}")
    if _NO_DELAY.match(story["delay"]) and "delay" in r.labels:
        out.append(
            f"a delay is claimed on {r.delay_host()} but the story says: {story['delay'][:60]}"
        )
    if name in DELAY_HOST:
        host = (r.delay_host() or (r.d.slowest.host if r.d.slowest else "") or "").lower()
        if DELAY_HOST[name] not in host:
            out.append(f"delay placed on {host!r}, story: {story['delay'][:60]}")
    out += [f"says: {text}" for text, check in WRONG.get(name, []) if not check(r)]
    return out


def test_every_story_is_tested() -> None:
    need_shared()
    assert len(STORIES) == 45
    assert {s["local_name"] for s in STORIES} == set(WRONG)


@pytest.mark.parametrize(
    "story",
    shared_cases([pytest.param(s, id=s["local_name"]) for s in STORIES]),
)
def test_story(story: dict[str, str]) -> None:
    assert problems(story) == []


def test_labels_are_the_vocabulary() -> None:
    need_shared()
    from headerlens.diagnosis import LABELS

    readme = (REAL2 / "README.md").read_text(encoding="utf-8")
    table = readme.split("### What each label means", 1)[1].split("###", 1)[0]
    vocabulary = set(re.findall(r"^\| `([a-z-]+)` \|", table, re.MULTILINE))
    assert vocabulary == set(LABELS)


if __name__ == "__main__":  # python -m tests.test_real2_stories: the count of fully right stories
    bad = {s["local_name"]: p for s in STORIES if (p := problems(s))}
    for n, p in bad.items():
        print(n, p)
    print(f"{len(STORIES) - len(bad)} of {len(STORIES)} fully right")
