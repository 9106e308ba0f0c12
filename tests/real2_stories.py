"""Read the expert stories of ../shared/corpus/real2 (STORIES.tsv) and check an analysis against
their `boundary` and `receiver_verdicts` columns (the messages are read from ../shared only)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from headerlens.model import Analysis
from headerlens.stamped import final_receiver_results
from tests.paths import CORPUS

REAL2 = CORPUS / "real2"
_METHODS = ("spf", "dkim", "dmarc", "compauth", "arc", "sender-id")
_TOKEN = re.compile(r"\b(" + "|".join(_METHODS) + r")=([a-z]+)", re.IGNORECASE)
_NO_VERDICT = re.compile(
    r"no verdict (?:written )?(?:by|from)|none written by the final receiver"
    r"|No Authentication-Results were written",
    re.IGNORECASE,
)
# Where a story leaves the final receiver's own verdicts: an intermediary's or a list's, an ARC
# copy, the sender's own field carried in an NDR, or the text of the bounce.
_OTHERS = re.compile(
    r"List inbound|Intermediate|On the list side|ARC-Authentication-Results|ARC-AR|"
    r"\bDSN\b|NDR text|tenant's Authentication-Results|vger:",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Story:
    """One row of STORIES.tsv, with the parts this test reads."""

    name: str
    boundary_text: str
    verdicts_text: str
    sender_side_text: str = ""

    @property
    def path(self) -> Path:
        return REAL2 / self.name

    @property
    def boundary_hop(self) -> int | None:
        m = re.match(r"hop (\d+)", self.boundary_text)
        return int(m.group(1)) if m else None

    @property
    def boundary_ip(self) -> str | None:
        """The connecting IP of the final receiver's entry hop (the first one the story gives)."""
        m = re.search(r"\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]", self.boundary_text.split(";")[0])
        return m.group(1).lower() if m else None

    @property
    def locally_generated(self) -> bool:
        """No network hop: a bounce made on the host that delivered it."""
        return self.boundary_ip is None

    def receivers_part(self) -> str:
        """The story's text about the final receiver's own verdicts only."""
        text = self.verdicts_text
        parts = re.split(r"(?<=[.;)])\s+(?=[A-Z(])", text)
        kept: list[str] = []
        for part in parts:
            if _OTHERS.search(part):
                if part.startswith(("List inbound", "Intermediate", "On the list side", "DSN")):
                    break  # everything after is someone else's
                part = _OTHERS.split(part)[0]
            kept.append(part)
        return " ".join(kept)

    def expected_results(self) -> list[tuple[str, str]]:
        return [(m.lower(), r.lower()) for m, r in _TOKEN.findall(self.receivers_part())]

    @property
    def expects_nothing(self) -> bool:
        return bool(_NO_VERDICT.search(self.verdicts_text))


def stories() -> list[Story]:
    if not (REAL2 / "STORIES.tsv").is_file():
        return []
    with (REAL2 / "STORIES.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [
        Story(r["local_name"], r["boundary"], r["receiver_verdicts"], r["sender_side_headers"])
        for r in rows
    ]


def boundary_problems(story: Story, a: Analysis) -> list[str]:
    b = a.chain.boundary
    if story.locally_generated:
        # A bounce made where it was delivered has no network entry: none, or the story's hop
        # without a connecting IP.
        if b is None or (b.ip is None and b.hop_number == story.boundary_hop):
            return []
        return [f"locally generated, but boundary hop {b.hop_number} from {b.ip}"]
    if b is None:
        return ["no boundary"]
    out = []
    if b.hop_number != story.boundary_hop:
        out.append(f"boundary hop {b.hop_number}, story {story.boundary_hop}")
    if (b.ip or "").lower() != story.boundary_ip:
        out.append(f"boundary ip {b.ip}, story {story.boundary_ip}")
    return out


def _receivers_values(a: Analysis, names: tuple[str, ...], key: str) -> set[str]:
    """Values of ``key`` in the vendor headers the final receiving organisation wrote."""
    out: set[str] = set()
    for v in a.vendor_headers:
        # prefixes: a renamed copy (-Untrusted) shown as the receiver's would count too
        if v.header_name.lower().startswith(names) and a.provenance.is_receivers(v.header_index):
            if v.header_name.lower().startswith("x-ms-exchange-organization-scl"):
                out.add(v.raw.strip())
            m = re.search(rf"\b{key}:\s*(-?\w+)", v.raw, re.IGNORECASE)
            if m and not v.header_name.lower().startswith("x-ms-exchange-organization-scl"):
                out.add(m.group(1))
    return out


def verdict_problems(story: Story, a: Analysis) -> list[str]:
    finals = final_receiver_results(a)
    got: dict[str, set[str]] = {}
    for ar in finals:
        for r in ar.results:
            got.setdefault(r.method.lower(), set()).add(r.result.lower())
    out: list[str] = []
    if story.expects_nothing and finals:
        out.append(f"story: no verdict by the final receiver; shown: {finals[0].raw[:80]!r}")
    for method, result in story.expected_results():
        if result not in got.get(method, set()):
            out.append(f"{method}={result} not among the final receiver's {got.get(method)}")
    text = story.receivers_part()
    scl = re.search(r"\bSCL:? (-?\d)\b", text)
    if scl:
        names = ("x-ms-exchange-organization-scl", "x-forefront-antispam-report")
        seen = _receivers_values(a, names, "SCL")
        if seen != {scl.group(1)}:
            out.append(f"SCL {scl.group(1)}: the receiver's SCL fields say {seen or 'nothing'}")
    dest = re.search(r"\bdest:([A-Z])\b", text)
    if dest:
        seen = _receivers_values(a, ("x-microsoft-antispam-mailbox-delivery",), "dest")
        if seen != {dest.group(1)}:
            out.append(f"dest:{dest.group(1)}: the receiver's Mailbox-Delivery says {seen}")
    rspf = re.search(r"Received-SPF: (\w+)", text)
    if rspf:
        mine = [
            s.result.lower()
            for s in a.received_spf
            if s.result and a.provenance.is_receivers(s.header_index)
        ]
        if rspf.group(1).lower() not in mine:
            out.append(f"Received-SPF {rspf.group(1)}: the receiver's say {mine}")
    if re.search(r"\bRspamd\b", text):
        spamd = [f for f in a.headers if f.lname == "x-spamd-result"]
        if not any(a.provenance.is_receivers(f.index) for f in spamd):
            out.append("the receiver's Rspamd result (X-Spamd-Result) is not attributed to it")
    return out


_NAMED = re.compile(r"\b(X-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?:-\*)?)", re.IGNORECASE)


def sender_side_names(story_text: str) -> list[str]:
    """Header names (X-..., a trailing -* meaning a family) a story says another party wrote."""
    return sorted({m.lower() for m in _NAMED.findall(story_text)} - {"x-mailer"})


def sender_side_problems(story_text: str, a: Analysis) -> list[str]:
    """Fields the story names as written by the sender's side or an intermediary that are
    attributed to the final receiving organisation."""
    out = []
    for name in sender_side_names(story_text):
        family = name.endswith("-*")
        stem = name.removesuffix("*")
        for f in a.headers:
            hit = f.lname.startswith(stem) if family else f.lname == name
            if hit and a.provenance.is_receivers(f.index):
                out.append(f"{f.name} (#{f.index}) is attributed to the final receiver")
    return out
