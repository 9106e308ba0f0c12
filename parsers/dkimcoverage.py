"""Which header field instances a DKIM signature's h= list covers (RFC 6376 §5.4.2)."""

from __future__ import annotations

from collections.abc import Sequence

from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.verdicts import HeaderCoverage

__all__ = [
    "SINGLETON_FIELDS",
    "coverage_entry",
    "header_coverage",
    "unsigned_instance_defects",
]

# Fields a message carries at most once (RFC 5322 §3.6 table, RFC 2045 §3 for MIME, RFC 2369
# for lists). An unsigned second instance of one of these can change what the reader sees
# while the signature still covers the original; trace fields (Received, ARC, A-R...) are
# added in transit and legitimately repeat, so they are shown in the map but not flagged.
SINGLETON_FIELDS = frozenset(
    {
        "from",
        "sender",
        "reply-to",
        "to",
        "cc",
        "bcc",
        "subject",
        "date",
        "message-id",
        "in-reply-to",
        "references",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "list-id",
        "list-unsubscribe",
        "list-unsubscribe-post",
    }
)


def header_coverage(
    field_names: Sequence[str], signed_names: Sequence[str], *, signature_index: int | None = None
) -> tuple[HeaderCoverage, ...]:
    """The coverage map of one signature, one entry per distinct name in h= (in h= order).

    ``field_names`` are the message's field names in header order (index 0 = top-most);
    ``signed_names`` is the h= list as written. The signature's own field
    (``signature_index``) is not an instance of anything: RFC 6376 §5.4 hashes it last,
    separately, and a signer cannot list the field it is creating.
    """
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(field_names):
        if index != signature_index:
            positions.setdefault(name.strip().lower(), []).append(index)
    listed: dict[str, int] = {}
    for name in signed_names:
        key = name.strip().lower()
        if key:
            listed[key] = listed.get(key, 0) + 1
    out: list[HeaderCoverage] = []
    for name, times in listed.items():
        present = positions.get(name, [])
        # RFC 6376 §5.4.2: the last (bottom-most) unused instance is taken for each listing.
        cut = max(len(present) - times, 0)
        out.append(
            HeaderCoverage(
                name=name,
                listed=times,
                signed=tuple(present[cut:]),
                unsigned=tuple(present[:cut]),
                absent_asserted=max(times - len(present), 0),
            )
        )
    return tuple(out)


def unsigned_instance_defects(
    coverage: Sequence[HeaderCoverage], signature: str
) -> tuple[Defect, ...]:
    """A defect for each singleton field with an instance the signature does not cover.

    ``signature`` names the signature in the message ("d=example.com s=sel"). This is
    distinct from "From not over-signed" (a weakness of h=): here an extra instance is
    actually present, usually added above the signed one after signing (catalogue D11).
    """
    out: list[Defect] = []
    for c in coverage:
        if c.name not in SINGLETON_FIELDS or not c.unsigned or not c.signed:
            continue
        extra = ", ".join(f"#{i}" for i in c.unsigned[:10])
        signed = ", ".join(f"#{i}" for i in c.signed[:10])
        out.append(
            Defect(
                Code.DKIM_UNSIGNED_INSTANCE,
                f"Unsigned instance of signed header: {c.name} at header {extra} is not covered "
                f"by DKIM {signature}, which signs only {signed} (h= lists it {c.listed} time(s); "
                "RFC 6376 §5.4.2 takes instances bottom-up). It was most likely added after signing; "
                "mail clients usually show the top-most one.",
                Severity.WARNING,
            )
        )
    return tuple(out)


def coverage_entry(c: HeaderCoverage) -> str:
    """One name of the map in words, for the console and the Markdown report (raw text: the
    caller makes it inert): "from #24", "from #24 (UNSIGNED #0)", "from #24 (+1 absent)",
    "reply-to absent"."""
    text = c.name + "".join(f" #{i}" for i in c.signed[:10])
    if not c.signed:
        text += " absent"
    elif c.absent_asserted:
        text += f" (+{c.absent_asserted} absent)"
    if c.unsigned:
        text += " (UNSIGNED" + "".join(f" #{i}" for i in c.unsigned[:10]) + ")"
    return text
