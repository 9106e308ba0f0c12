"""Regenerate screenshots/ from the real console on lab messages, verified over the lab DNS.

Usage: python scripts/screenshots.py   (needs knotd + unbound, as the tests do; rsvg-convert
and the Fira Code font for the PNG copies: Debian packages librsvg2-bin and fonts-firacode)

Each picture is the running app (Textual's own SVG export) after real DNS verification
against Knot + Unbound serving the lab zones. PNGs are rendered from the SVGs when
rsvg-convert is available.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from headerlens.dnsclient.options import VerifyOptions  # noqa: E402
from headerlens.tui.app import HeaderlensApp  # noqa: E402
from tests.dnslab import LAB_ZONES, start_lab_dns  # noqa: E402

LAB = REPO / "tests" / "data" / "lab" / "messages"
EXAMPLES = REPO / "examples"
OUT = REPO / "screenshots"
SIZE = (130, 40)

CHECK = "!check-domain"  # not a key: open the domain check, as the palette entry does
# (file name, message, keys pressed after verification finished)
SHOTS = [
    ("eop-to-gmail-tree", LAB / "shared-eop-to-gmail-pass.eml", ("down",) * 5),
    ("eop-to-gmail-auth", LAB / "shared-eop-to-gmail-pass.eml", ("a",)),
    ("footer-after-signing-auth", LAB / "shared-eop-footer-after-signing.eml", ("a",)),
    ("spf-not-updated-findings", LAB / "shared-spf-not-updated.eml", ("f",)),
    ("hes-to-gmail-timeline", LAB / "shared-hes-to-gmail-pass.eml", ("t",)),
    ("rotated-selector-dns-log", LAB / "shared-eop-rotated-selector.eml", ("n",)),
    # a bounce (Gmail's 550 5.7.26) around the edge-bypasses-hes lab message
    ("ndr-gmail-5.7.26-rejected", EXAMPLES / "ndr-gmail-unauthenticated.eml", ()),
    # the verdict bar on a DMARC failure, and the hop table
    ("strict-alignment-verdict-bar", LAB / "shared-strict-alignment-fail.eml", ()),
    ("eop-to-gmail-hops", LAB / "shared-eop-to-gmail-pass.eml", ("p",)),
    # the domain check opened from the message (Ctrl+P → Check a domain)
    ("onmicrosoft-domain-check", LAB / "shared-onmicrosoft-dkim-unaligned.eml", (CHECK,)),
    # the smallest terminal: a hop from an IPv6 address keeps its IP on a second line
    ("eop-to-gmail-80x24", LAB / "shared-eop-to-gmail-pass.eml", ()),
]
SIZES = {"eop-to-gmail-80x24": (80, 24)}  # the others are SIZE


async def _shoot(name: str, message: Path, keys: tuple[str, ...], options: VerifyOptions) -> Path:
    app = HeaderlensApp(str(message.relative_to(REPO)), verify_options=options)
    async with app.run_test(size=SIZES.get(name, SIZE)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            if key == CHECK:
                app.action_check_domain()
                await pilot.pause()
                await app.workers.wait_for_complete()
            else:
                await pilot.press(key)
        await pilot.pause(0.2)
        svg = OUT / f"{name}.svg"
        app.save_screenshot(filename=svg.name, path=str(OUT))
    return svg


def _png(svg: Path) -> None:
    """rsvg-convert collapses leading non-breaking spaces unless whitespace is preserved."""
    tool = shutil.which("rsvg-convert")
    if tool is None:
        return
    text = re.sub(r"<text ", '<text xml:space="preserve" ', svg.read_text(encoding="utf-8"))
    with tempfile.NamedTemporaryFile("w", suffix=".svg", delete=False) as tmp:
        tmp.write(text)
    subprocess.run([tool, "-w", "1600", tmp.name, "-o", str(svg.with_suffix(".png"))], check=True)
    Path(tmp.name).unlink()


def main() -> int:
    import os

    os.chdir(REPO)
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        dns = start_lab_dns((LAB_ZONES,), Path(work))
        try:
            options = VerifyOptions(nameservers=((dns.host, dns.port),))
            for name, message, keys in SHOTS:
                svg = asyncio.run(_shoot(name, message, keys, options))
                _png(svg)
                print(f"wrote {svg.relative_to(REPO)}")
        finally:
            dns.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
