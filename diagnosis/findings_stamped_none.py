"""The finding that the final receiving organisation wrote no verdict of its own (or that whether
it did cannot be told), and whose the Authentication-Results in the message are."""

from __future__ import annotations

from headerlens.model import Analysis, Finding, Severity
from headerlens.model.codes import Code
from headerlens.parsers.provenance import describe_author
from headerlens.parsers.provenance_ses import SEAL_UNCOVERED, SES_UNSEALED_WORDS, seal_words
from headerlens.parsers.stamp_evidence import stamp_identity
from headerlens.stamped import untied_stamp

__all__ = ["nothing_stamped"]


def nothing_stamped(analysis: Analysis) -> list[Finding]:
    """The final receiving organisation wrote no Authentication-Results: say so, and whose the
    fields in the message are (never present another party's verdict as the receiver's). Where
    every one of them is a stamp with the receiver's identity that only its place ties to it
    (right below the receiver's own line, where the sender's first field also sits), whether the
    receiver wrote it cannot be told: say that, not that it wrote none."""
    others = [a for a in analysis.auth_results if a.header_name.lower() == "authentication-results"]
    if not others or not analysis.provenance.fields:
        return []
    if (said := seal_words(analysis.provenance)) is not None:  # SES's block: not "wrote none"
        return [
            Finding(
                Code.STAMPED_NONE_BY_RECEIVER,
                Severity.INFO,
                f"The final receiver's verdicts are {said}.",
                detail="A sender can write that whole block too; only the verified signature "
                "shows Amazon SES wrote it, so its stamps are shown as unknown until then."
                if said == SES_UNSEALED_WORDS
                else f"{SEAL_UNCOVERED}.",
                header_index=others[0].header_index,
            )
        ]
    if all(untied_stamp(analysis.provenance, a.header_index) for a in others):
        header = analysis.headers[others[0].header_index]
        who = stamp_identity(header) or "the receiver"
        return [
            Finding(
                Code.STAMPED_NONE_BY_RECEIVER,
                Severity.INFO,
                f"Whether the final receiving organisation wrote the Authentication-Results "
                f"naming {who} cannot be told from the header: it sits right below the "
                "receiver's own Received line, where the sender's own first field sits too, and "
                "nothing the receiver wrote ties it to this delivery, so its passes are not "
                "counted.",
                detail="A receiver's milter (Rspamd, OpenDKIM) writes its stamp there, but a "
                "sender can plant the same field at the top of its header; a failure in it "
                "would still count (it gains a sender nothing). Re-run with DNS: the re-check "
                "decides.",
                header_index=others[0].header_index,
            )
        ]
    authors = sorted({describe_author(analysis.provenance.of(a.header_index)) for a in others})
    return [
        Finding(
            Code.STAMPED_NONE_BY_RECEIVER,
            Severity.INFO,
            "The final receiving organisation wrote no Authentication-Results: the "
            f"{len(others)} in the message were written by {'; '.join(authors[:3])}, so they "
            "are not its verdict.",
            detail="Only fields above the receiver's own Received line (or its identified stamps "
            "right below it) are the receiver's word (RFC 8601 §5).",
            header_index=others[0].header_index,
        )
    ]
