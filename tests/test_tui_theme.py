"""The console's colours are defined once (tui/theme.py: theme variables and role styles)."""

from __future__ import annotations

import ast
import re

from rich.errors import StyleSyntaxError
from rich.style import Style
from textual.theme import Theme

from headerlens.dnsclient.options import VerifyOptions
from headerlens.tui.app import HeaderlensApp
from headerlens.tui.theme import ROLES, VARIABLES, role_theme
from tests.paths import EXAMPLES, REPO

TUI = REPO / "tui"
# Textual/Rich markup naming a colour, e.g. "[bold red]" or "[$error]"
_MARKUP_COLOUR = re.compile(r"\[/?[^\]]*\b(?:red|green|yellow|blue|cyan|magenta|white|black)\b")
_HEX = re.compile(r"#[0-9a-fA-F]{6}\b|\brgb\(")


def _strings() -> list[tuple[str, int, str]]:
    """Every string constant in tui/*.py except the module that defines the colours."""
    out = []
    for path in sorted(TUI.glob("*.py")):
        if path.name == "theme.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.append((path.name, node.lineno, node.value))
    return out


def _names_a_colour(value: str) -> bool:
    if _MARKUP_COLOUR.search(value) or _HEX.search(value):
        return True
    if not value.strip() or len(value) > 40:
        return False
    try:
        style = Style.parse(value)
    except StyleSyntaxError:
        return False  # prose, a role name, a key
    return style.color is not None or style.bgcolor is not None


def test_no_inline_colour_in_the_console_modules() -> None:
    inline = [
        f"{name}:{line} {value!r}" for name, line, value in _strings() if _names_a_colour(value)
    ]
    assert inline == []


def test_the_check_catches_what_was_there() -> None:
    for old in ("bold red", "green", "bold magenta", "[red]x[/]", "#ff0000", "dim cyan"):
        assert _names_a_colour(old), old
    for fine in ("bold", "dim", "italic", "hl.error", "Red delays are clock skew", ""):
        assert not _names_a_colour(fine), fine


def test_every_role_used_is_defined() -> None:
    used = {value for _n, _l, value in _strings() if re.fullmatch(r"hl\.[a-z.-]+", value)}
    assert used, "the console modules name no role"
    assert used <= set(ROLES), used - set(ROLES)


def test_roles_keep_the_colours_they_replaced() -> None:
    styles = role_theme(VARIABLES).styles
    before = {
        "hl.error": "bold red",
        "hl.error.soft": "red",
        "hl.warning": "bold yellow",
        "hl.warning.soft": "yellow",
        "hl.success": "bold green",
        "hl.success.soft": "green",
        "hl.info": "cyan",
        "hl.info.strong": "bold cyan",
        "hl.temporary": "bold magenta",
    }
    assert set(before) == set(ROLES)
    for name, old in before.items():
        was, now = Style.parse(old), styles[name]
        assert now.color is not None and was.color is not None
        assert (now.bold, now.color.type, now.color.number) == (
            was.bold,
            was.color.type,
            was.color.number,
        ), name


async def test_a_theme_recolours_the_roles() -> None:
    app = HeaderlensApp(
        str(EXAMPLES / "eop-to-gmail-pass.eml"), verify_options=VerifyOptions(offline=True)
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        red = app.console.get_style("hl.error")
        assert red.bold and red.color is not None and red.color.number == 1  # ANSI red
        base = app.current_theme
        app.register_theme(
            Theme(
                name="hl-test",
                primary=base.primary,
                dark=base.dark,
                variables={"hl-error": "#ff8800"},
            )
        )
        app.theme = "hl-test"
        await pilot.pause()
        orange = app.console.get_style("hl.error")
        assert orange.bold and orange.color is not None
        assert orange.color.get_truecolor().hex == "#ff8800"
        assert app.theme_variables["hl-warning"] == VARIABLES["hl-warning"]
