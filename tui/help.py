"""F1 help: what the focused panel shows and which keys work there."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

GENERAL = """\
headerlens — keys
  ↑ ↓ ← →, Enter   move in the hop tree, expand a hop
  d p a f n t h    Details, Hops (a table), Auth, Findings, DNS log, Timeline, Headers
  o                oldest-first / newest-first hop order
  r                re-verify (flush the DNS cache, query again)
  e                export the findings summary (Markdown, JSON, HTML)
  c / y            copy a ticket summary / the selected node (OSC 52 clipboard)
  w                write what c / y copied to a file instead
  Ctrl+P           command palette (everything else)
  Ctrl+O           paste another message      Ctrl+Q  quit
"""

PANELS = {
    "hops": "Hop tree: one node per Received line, oldest first. ★ marks the trust boundary, "
    "where the message entered the receiving organisation; the SPF check that matters is made "
    "there. Under each hop: the verdicts that server stamped (Authentication-Results, ARC, "
    "Received-SPF, vendor spam headers). Red delays are clock skew, yellow ones are slow hops.",
    "paste": "Paste the headers (the terminal's paste works) and press Ctrl+R to analyse.",
    "findings-list": "Findings: plain-language problems with a suggested fix. Enter jumps to "
    "the hop the finding is about.",
    "hop-table": "Hops: the Received chain as a table, one row per hop: when it was stamped "
    "(UTC), the delay since the previous hop, who handed it over (IP, HELO / reverse DNS), the "
    "receiving host, the protocol and TLS. ★ marks the trust boundary. Enter shows the hop in the "
    "tree, expanded.",
    "dns-table": "DNS log: every query the re-verification made, with the answer, TTL and time.",
    "check_domain": "Domain check: what a domain publishes (SPF tree, DKIM selectors, DMARC, MX, "
    "MTA-STS, TLS-RPT, BIMI, DNSSEC), checked now over DNS. Type a domain and press Enter; an "
    "address is reduced to its domain. It was filled in from the open message's From domain.",
    "check_selectors": "DKIM selectors to look up, separated by spaces or commas: the s= of a "
    "DKIM-Signature. Left blank, the provider's documented selectors are checked "
    "(Microsoft 365: selector1 and selector2; Google: google).",
    "check_provider": "Who sends the mail for this domain: the SPF include, the default DKIM "
    "selectors and the MX gateway the check expects, and the advice it gives.",
    "check_known": "The open message's From domain and each domain that signed it (DKIM d=) with "
    "its selectors (s=): choose one to check it.",
}


class HelpScreen(ModalScreen[None]):
    """Help for the focused panel, then the general keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Close", id="close_help"),
    ]

    def __init__(self, focused_id: str | None, *, keys: str = GENERAL) -> None:
        super().__init__()
        self.focused_id = focused_id
        self.keys = keys

    def compose(self) -> ComposeResult:
        text = Text()
        panel = PANELS.get(self.focused_id or "")
        if panel:
            text.append("This panel\n", style="bold underline")
            text.append(panel + "\n\n")
        text.append(self.keys)
        with VerticalScroll(id="help-box"):
            yield Static(text, markup=False)
