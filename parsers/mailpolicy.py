"""MTA-STS (RFC 8461 §3.1), TLS-RPT (RFC 8460 §3) and BIMI TXT records: syntax and plain words.

Pure: each function reads the TXT strings found at one name and says what a receiver makes of
them. The tag=value syntax is the DKIM-style list shared with our other records
(``parse_tag_list``); the rules of each record are written here from the specifications.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.parsers.taglist import parse_tag_list

# RFC 8461 §3.1: sts-id = 1*32(ALPHA / DIGIT)
_STS_ID_RE = re.compile(r"[A-Za-z0-9]{1,32}\Z")


@dataclass(frozen=True, slots=True)
class PolicyReading:
    """What one policy record says: the record used (or None), plain words, problems."""

    record: str | None
    tags: tuple[tuple[str, str], ...]
    words: tuple[str, ...]
    problems: tuple[Defect, ...]


def _pick(
    texts: Sequence[str], prefix: str, kind: str, code: Code
) -> tuple[str | None, list[Defect]]:
    """The one record starting with ``prefix``; more than one means none is used."""
    found = [t for t in texts if t.strip().startswith(prefix)]
    if not found:
        return None, []
    if len(found) > 1:
        return None, [
            Defect(
                code,
                f"{len(found)} {kind} records are published at one name: receivers then use "
                "none of them. Keep exactly one.",
                Severity.ERROR,
            )
        ]
    return found[0].strip(), []


def _tag_problems(
    text: str, code: Code, kind: str
) -> tuple[tuple[tuple[str, str], ...], list[Defect]]:
    parsed = parse_tag_list(text)
    problems = [
        Defect(code, f"{kind} record: {d.message}", Severity.WARNING) for d in parsed.defects
    ]
    return parsed.tags, problems


def read_mta_sts(texts: Sequence[str]) -> PolicyReading:
    """``_mta-sts.DOMAIN`` TXT (RFC 8461 §3.1): ``v=STSv1; id=...``."""
    record, problems = _pick(texts, "v=STSv1", "MTA-STS", Code.MTA_STS_MULTIPLE)
    if record is None:
        words = (
            ()
            if problems
            else (
                "No MTA-STS record: sending servers may deliver over "
                "unencrypted or unverified TLS (no MTA-STS policy).",
            )
        )
        return PolicyReading(None, (), words, tuple(problems))
    tags, problems = _tag_problems(record, Code.MTA_STS_SYNTAX, "MTA-STS")
    first = tags[0][0] if tags else ""
    if first != "v":
        problems.append(
            Defect(Code.MTA_STS_VERSION, "MTA-STS record must start with v=STSv1.", Severity.ERROR)
        )
    sts_id = next((v for k, v in tags if k == "id"), None)
    if sts_id is None:
        problems.append(
            Defect(
                Code.MTA_STS_NO_ID,
                "MTA-STS record has no id=: senders ignore it (RFC 8461 §3.1).",
                Severity.ERROR,
            )
        )
    elif not _STS_ID_RE.match(sts_id):
        problems.append(
            Defect(
                Code.MTA_STS_BAD_ID,
                f"MTA-STS id={sts_id!r} is not 1-32 letters and digits (RFC 8461 §3.1): senders "
                "ignore the record.",
                Severity.ERROR,
            )
        )
    words = (
        (
            f"MTA-STS is announced (policy id {sts_id}); senders fetch the policy from "
            "https://mta-sts.DOMAIN/.well-known/mta-sts.txt — that HTTPS fetch is not checked here "
            "(headerlens makes DNS queries only).",
        )
        if sts_id
        else ()
    )
    return PolicyReading(record, tags, words, tuple(problems))


def read_tls_rpt(texts: Sequence[str]) -> PolicyReading:
    """``_smtp._tls.DOMAIN`` TXT (RFC 8460 §3): ``v=TLSRPTv1; rua=mailto:...,https://...``."""
    record, problems = _pick(texts, "v=TLSRPTv1", "TLS-RPT", Code.TLS_RPT_MULTIPLE)
    if record is None:
        words = (
            ()
            if problems
            else (
                "No TLS-RPT record: nobody receives reports of TLS "
                "failures when servers deliver to this domain.",
            )
        )
        return PolicyReading(None, (), words, tuple(problems))
    tags, problems = _tag_problems(record, Code.TLS_RPT_SYNTAX, "TLS-RPT")
    rua = next((v for k, v in tags if k == "rua"), None)
    uris: list[str] = []
    if rua is None:
        problems.append(
            Defect(
                Code.TLS_RPT_NO_RUA,
                "TLS-RPT record has no rua=: no report can be sent (RFC 8460 §3).",
                Severity.ERROR,
            )
        )
    else:
        uris = [u.strip() for u in rua.split(",") if u.strip()]
        for uri in uris:
            if not uri.lower().startswith(("mailto:", "https://")):
                problems.append(
                    Defect(
                        Code.TLS_RPT_BAD_URI,
                        f"TLS-RPT rua {uri!r} is neither mailto: nor https: (RFC 8460 §3); write "
                        f"it as mailto:{uri}"
                        if "@" in uri
                        else f"TLS-RPT rua {uri!r} is neither mailto: nor https: (RFC 8460 §3).",
                        Severity.ERROR,
                    )
                )
    words = (f"TLS failure reports go to {', '.join(uris)}.",) if uris else ()
    return PolicyReading(record, tags, words, tuple(problems))


def read_bimi(texts: Sequence[str], dmarc_policy: str | None) -> PolicyReading:
    """``default._bimi.DOMAIN`` TXT: ``v=BIMI1; l=<https SVG>; a=<https VMC/CMC PEM>``.

    ``dmarc_policy`` is the effective DMARC policy of the domain (None when it has none):
    mailbox providers show a BIMI logo only under an enforcing policy (quarantine or reject).
    The logo and the certificate are not fetched.
    """
    record, problems = _pick(texts, "v=BIMI1", "BIMI", Code.BIMI_MULTIPLE)
    if record is None:
        return PolicyReading(None, (), (), tuple(problems))
    tags, problems = _tag_problems(record, Code.BIMI_SYNTAX, "BIMI")
    logo = next((v for k, v in tags if k == "l"), "")
    cert = next((v for k, v in tags if k == "a"), "")
    if not logo and not cert:
        return PolicyReading(
            record,
            tags,
            ("The BIMI record declines to show a logo (l= and a= empty).",),
            tuple(problems),
        )
    for tag, value, code in (
        ("l", logo, Code.BIMI_L_NOT_HTTPS),
        ("a", cert, Code.BIMI_A_NOT_HTTPS),
    ):
        if value and not value.lower().startswith("https://"):
            problems.append(
                Defect(
                    code,
                    f"BIMI {tag}={value!r} must be an https:// URL.",
                    Severity.ERROR,
                )
            )
    if logo and not logo.lower().split("?", 1)[0].endswith(".svg"):
        problems.append(
            Defect(
                Code.BIMI_LOGO_NOT_SVG,
                f"BIMI l={logo!r} is not an SVG file (BIMI needs SVG Tiny PS).",
                Severity.WARNING,
            )
        )
    if dmarc_policy not in ("quarantine", "reject"):
        shown = f"p={dmarc_policy}" if dmarc_policy else "no DMARC policy"
        problems.append(
            Defect(
                Code.BIMI_DMARC_NOT_ENFORCED,
                f"BIMI logos are shown only when DMARC is enforced (p=quarantine or p=reject); "
                f"this domain has {shown}.",
                Severity.WARNING,
            )
        )
    words = [f"BIMI logo: {logo}" if logo else "BIMI: no logo URL"]
    words.append(
        f"certificate (VMC/CMC): {cert}"
        if cert
        else "no certificate (a=): Gmail and Apple show no logo without one"
    )
    words.append("The logo and certificate are not fetched (DNS only).")
    return PolicyReading(record, tags, tuple(words), tuple(problems))
