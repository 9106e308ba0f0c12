"""The console's colours: theme variables, and the Rich styles named for the roles they colour."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console
from rich.style import Style
from rich.theme import Theme
from textual.color import Color

# Theme variables: one colour per meaning. A Textual Theme may override them (variables=...),
# and the stylesheet may use them ($hl-error). ANSI colours follow the terminal's own palette.
VARIABLES = {
    "hl-error": "ansi_red",
    "hl-warning": "ansi_yellow",
    "hl-success": "ansi_green",
    "hl-info": "ansi_cyan",
    "hl-temporary": "ansi_magenta",
}

# The role names Text spans use (style="hl.error"): a theme variable and a weight.
ROLES = {
    "hl.error": ("hl-error", "bold"),  # errors, failures, clock skew, refusals
    "hl.error.soft": ("hl-error", ""),  # a long delay in the timeline
    "hl.warning": ("hl-warning", "bold"),  # warnings, slow hops, undecided verdicts
    "hl.warning.soft": ("hl-warning", ""),  # pending, offline, partial, unparsed, neutral
    "hl.success": ("hl-success", "bold"),  # pass, Inbox
    "hl.success.soft": ("hl-success", ""),  # fixes, TLS, NOERROR, a matching SPF term
    "hl.info": ("hl-info", ""),  # info findings, domains walked by SPF
    "hl.info.strong": ("hl-info", "bold"),  # hop roles, situation labels
    "hl.temporary": ("hl-temporary", "bold"),  # temperror, timeout
}


def role_theme(variables: Mapping[str, str]) -> Theme:
    """The role styles coloured by ``variables`` (the app's theme variables; defaults fill gaps)."""
    styles: dict[str, Style] = {}
    for name, (variable, weight) in ROLES.items():
        colour = Color.parse(variables.get(variable) or VARIABLES[variable])
        styles[name] = Style.parse(weight) + Style(color=colour.rich_color)
    return Theme(styles, inherit=False)


def use_roles(console: Console, variables: Mapping[str, str], *, replace: bool) -> None:
    """Name the role styles on ``console``; ``replace`` pops the ones pushed before."""
    if replace:
        console.pop_theme()
    console.push_theme(role_theme(variables))
