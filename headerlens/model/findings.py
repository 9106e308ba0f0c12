"""Plain-language findings: what went wrong, how bad it is, where, and what to do about it."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from headerlens.model.codes import Code
from headerlens.model.core import Severity
from headerlens.model.dcmethods import ModelMethods


class ActionKind(enum.Enum):
    """What the console does when the reader picks a finding."""

    JUMP_TO_HOP = "jump-to-hop"  # select hop ``hop_number`` in the hop tree
    CHECK_DOMAIN = "check-domain"  # open the domain check for ``domain`` (``provider``'s view)


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Action(ModelMethods):
    """The next step a finding offers, with what it needs: the hop, or the domain to check.

    ``provider`` is a ``headerlens check --provider`` name (``eop``, ``hes``, ``google``) when
    the fix is that provider's records (e.g. Exchange Online's DKIM selectors).
    """

    kind: ActionKind
    hop_number: int | None = None
    domain: str | None = None
    provider: str | None = None


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Finding(ModelMethods):
    """One sentence a helpdesk user can act on, tied to the hop and header it comes from.

    ``code`` is stable for scripts (``spf.fail-at-boundary``); ``title`` is the sentence;
    ``detail`` the evidence in words; ``fix`` the suggested remedy (may be empty); ``action``
    the step the producer offers beyond going to the hop (see ``next_step``).
    """

    code: Code
    severity: Severity
    title: str
    detail: str = ""
    fix: str = ""
    hop_number: int | None = None
    header_index: int | None = None
    action: Action | None = None

    @property
    def next_step(self) -> Action | None:
        """What picking the finding does: its own action, else going to the hop it is about."""
        if self.action is not None:
            return self.action
        if self.hop_number is not None:
            return Action(ActionKind.JUMP_TO_HOP, hop_number=self.hop_number)
        return None
