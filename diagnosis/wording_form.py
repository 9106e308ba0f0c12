"""Words for a web site's form mail sent with the visitor's address as From."""

from __future__ import annotations

from headerlens.diagnosis.facts import FormMail, Unauthenticated
from headerlens.model import Finding, Severity
from headerlens.model.codes import Code


def cause(u: Unauthenticated, f: FormMail) -> str:
    """The headline's cause: who sent it, why it cannot be told from a spoof, who fixes it."""
    return (
        f"A web form of {f.site} sent this with the visitor's address as From ({u.domain}): "
        f"nothing authenticated {u.domain}, so it cannot be told from a spoof of it, but the fix "
        f"is {f.site}'s (send from its own domain, the visitor in Reply-To), not {u.domain}'s"
    )


def finding(u: Unauthenticated, f: FormMail) -> Finding:
    return Finding(
        Code.UNAUTHENTICATED_FROM,
        Severity.WARNING,
        f"Unauthenticated From, sent by a web form of {f.site} in the visitor's name: nothing "
        f"authenticated {u.domain} and the sending host {u.host} has no tie to it, so the "
        f"message cannot be told from a spoof of {u.domain}.",
        detail=f"Evidence: {'; '.join(f.signs)}"
        + (f"; the final receiver stamped {', '.join(u.stamped)}" if u.stamped else "")
        + f". A form that writes the address its visitor typed into From sends in a domain "
        f"that never authorised {f.site}'s server; receivers that enforce {u.domain}'s DMARC "
        "reject or junk such mail. These signs are the sending side's own text: they name "
        "the site, they prove nothing about the visitor.",
        fix=f"{f.site} should send its form mail from an address of its own domain (authorised "
        "by its SPF and signed with its DKIM key) and put the visitor's address in Reply-To. "
        f"Nothing for {u.domain} to fix, and nothing for the recipient.",
    )
