"""The chain of domains one SPF evaluation is inside, and what it shows beyond the verdict:
include/redirect loops (catalogue F2) and query names carrying the sender's local part (H6)."""

from __future__ import annotations

from headerlens.evaluators.spf_macro import local_part_defect
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.spf import MacroToken


class EvalPath:
    """Domains whose check_host() is running (outermost first), loops met, private names seen.

    RFC 7208 has no loop rule: a repeated domain is evaluated again with the same client, the
    same (cached) answers and the same macro values, so it reaches the same term again and
    the walk can only end at the §4.6.4 limits (permerror). The evaluator keeps going to that
    limit, so the trace and the lookup count are what a receiver sees; this class names the
    cycle the first time it closes (later turns only repeat it, rotated).
    """

    def __init__(self) -> None:
        self._stack: list[str] = []
        self.loops: list[str] = []  # each include/redirect cycle met, "a → b → a"
        self._private_names: set[str] = set()

    def enter(self, domain: str, path: tuple[str, ...]) -> Defect | None:
        """Step into ``domain`` (already macro-expanded; compared case-insensitively, without a
        trailing dot); returns the loop finding the first time a cycle closes."""
        key = domain.lower().rstrip(".")
        note = None
        if key in self._stack and not self.loops:
            start = len(self._stack) - 1 - self._stack[::-1].index(key)
            cycle = " → ".join([*self._stack[start:], key])
            self.loops.append(cycle)
            term = path[-1] if path else "(top)"
            note = Defect(
                Code.SPF_LOOP,
                f"{term} in the SPF record of {self._stack[-1]} points back to {key}, which is "
                f"already being evaluated: loop {cycle}.",
                Severity.ERROR,
            )
        self._stack.append(key)
        return note

    @property
    def holder(self) -> str:
        """The domain whose record holds the term being evaluated (before ``enter``)."""
        return self._stack[-1] if self._stack else ""

    def leave(self) -> None:
        """Step back out of the innermost domain."""
        self._stack.pop()

    def loop_suffix(self) -> str:
        """Words to add to a limit permerror when a loop is the reason the limit was reached."""
        return f"; the include/redirect chain loops ({self.loops[0]})" if self.loops else ""

    def private_note(self, tokens: tuple[MacroToken, ...], name: str, domain: str) -> Defect | None:
        """H6: the finding (once per name) for a query name carrying the sender's local part."""
        note = local_part_defect(tokens, name, domain)
        if note is None or name.lower() in self._private_names:
            return None
        self._private_names.add(name.lower())
        return note
