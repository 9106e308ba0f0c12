"""The status line (how far verification got, and whether DNS answered) above the hop tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from headerlens.tui.safe import safe

if TYPE_CHECKING:  # a Verification (and its DNS records) exists once the checks run, after the
    # first frame
    from headerlens.model.dns import DnsRecord
    from headerlens.model.verification import Verification


def dns_failures(log: tuple[DnsRecord, ...]) -> tuple[int, list[str]]:
    """Queries really sent (cache hits left out) and the rcodes of those that got no answer."""
    sent = [r for r in log if not r.from_cache]
    return len(sent), [r.rcode for r in sent if not r.answered]


def _failure_words(failed: list[str], sent: int) -> str:
    """'7 of 7 timed out' / '3 of 9 failed: 2 timed out, 1 SERVFAIL'."""
    from headerlens.model.dns import Rcode  # loaded: the failed records hold these

    words: dict[str, str] = {
        Rcode.TIMEOUT: "timed out",
        Rcode.MISSING: "not in the snapshot",
        Rcode.ERROR: "could not be asked",
    }
    counts = {code: failed.count(code) for code in dict.fromkeys(failed)}
    parts = [f"{n} {words.get(code, code)}" for code, n in counts.items()]
    if len(counts) == 1:
        return f"{len(failed)} of {sent} {words.get(failed[0], failed[0])}"
    return f"{len(failed)} of {sent} failed: {', '.join(parts)}"


def status_text(v: Verification | None, note: str | None = None) -> Text:
    """'✔ verified over live DNS', '⚠ partly verified', '✖ DNS did not answer (7 of 7 timed out)'."""
    out = Text()
    if note:
        out.append(safe(note, "italic"))
        out.append("  ")
    if v is None:
        out.append("◌ verification starting…", style="hl.warning.soft")
        return out
    if not v.done:
        out.append(
            f"◌ verifying over {v.mode.value}: waiting for {', '.join(v.pending)}…",
            style="hl.warning.soft",
        )
        out.append(f"  {len(v.dns_log)} DNS answers so far", style="dim")
        return out
    from headerlens.model.verification import VerifyMode  # loaded: v is one
    from headerlens.report.verdicts import blind  # with the diagnosis, after the first frame

    if v.mode is VerifyMode.OFFLINE:
        out.append("○ offline: stamped verdicts only, nothing re-verified", style="hl.warning.soft")
    else:
        sent, failed = dns_failures(v.dns_log)
        if sent and len(failed) == sent:
            out.append(f"✖ DNS did not answer ({_failure_words(failed, sent)})", style="hl.error")
            out.append(
                "  nothing could be re-verified; the stamped verdicts stand alone", style="dim"
            )
        elif blind(v):
            out.append("⚠ the resolver may not see the internet", style="hl.warning")
            out.append(
                safe(
                    f"  (it answered NXDOMAIN for names the receiver verified; {v.resolver}): "
                    "its answers are not evidence, the stamped verdicts stand",
                    "dim",
                )
            )
        elif failed:
            out.append(f"⚠ partly verified over {v.mode.value}", style="hl.warning.soft")
            out.append(safe(f"  ({_failure_words(failed, sent)}; {v.resolver})", "dim"))
        else:
            out.append(f"✔ verified over {v.mode.value}", style="hl.success.soft")
            out.append(safe(f"  ({v.resolver}, {len(v.dns_log)} DNS answers)", "dim"))
    return out
