"""Types for SPF (RFC 7208): parsed record terms, macros, evaluation trace steps and results."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from headerlens.model.core import Defect, Severity
from headerlens.model.dcmethods import ModelMethods
from headerlens.model.dns import DnsRecord


class SpfVerdict(enum.Enum):
    """The seven results of check_host() (RFC 7208 §2.6)."""

    NONE = "none"
    NEUTRAL = "neutral"
    PASS = "pass"
    FAIL = "fail"
    SOFTFAIL = "softfail"
    TEMPERROR = "temperror"
    PERMERROR = "permerror"


QUALIFIER_VERDICT: dict[str, SpfVerdict] = {
    "+": SpfVerdict.PASS,
    "-": SpfVerdict.FAIL,
    "~": SpfVerdict.SOFTFAIL,
    "?": SpfVerdict.NEUTRAL,
}
"""What a matching mechanism returns for each qualifier (RFC 7208 §4.6.2)."""


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SpfMacro(ModelMethods):
    """One ``%{...}`` macro-expand of a macro-string (RFC 7208 §7.1).

    ``letter`` is lower-cased; ``url_escape`` is True when the letter was written in upper case
    (§7.3: the expansion is then URL-escaped). ``digits`` is the number of right-hand parts to
    keep (None = all), ``delimiters`` the split characters ("." when none were given).
    """

    letter: str
    digits: int | None = None
    reverse: bool = False
    delimiters: str = "."
    url_escape: bool = False
    raw: str = ""


MacroToken = str | SpfMacro
"""A macro-string is a sequence of literal text and macros; ``%%``, ``%_``, ``%-`` are literals."""


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SpfMechanism(ModelMethods):
    """One directive: qualifier + mechanism (RFC 7208 §4.6.2, §5).

    ``name`` is lower-case (all, include, a, mx, ptr, ip4, ip6, exists). ``domain_spec`` is the
    macro-string after ``:`` (None when absent, e.g. a bare ``a``); ``macro`` its tokens.
    ``network`` is the normalised ip4/ip6 network (``40.107.0.0/16``). ``cidr4``/``cidr6`` are
    the dual-cidr-length of a/mx (None = full length).
    """

    qualifier: str
    name: str
    raw: str
    domain_spec: str | None = None
    macro: tuple[MacroToken, ...] = ()
    network: str | None = None
    cidr4: int | None = None
    cidr6: int | None = None

    @property
    def verdict(self) -> SpfVerdict:
        """The result this directive gives when it matches."""
        return QUALIFIER_VERDICT[self.qualifier]

    @property
    def queries_dns(self) -> bool:
        """True for the terms counted against the 10-lookup limit (RFC 7208 §4.6.4)."""
        return self.name in {"include", "a", "mx", "ptr", "exists"}


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SpfModifier(ModelMethods):
    """One ``name=value`` modifier (RFC 7208 §6); ``name`` is lower-case."""

    name: str
    value: str
    raw: str
    macro: tuple[MacroToken, ...] = ()


SpfTerm = SpfMechanism | SpfModifier


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SpfRecord(ModelMethods):
    """A parsed SPF record (RFC 7208 §4.5, §12).

    ``terms`` keeps every term in order. ``defects`` of ERROR severity are syntax errors: a
    record with any of them evaluates to permerror (§4.6). ``version`` is "spf1" for an SPF
    record and None when the text is not one.
    """

    raw: str
    version: str | None
    terms: tuple[SpfTerm, ...] = ()
    defects: tuple[Defect, ...] = ()

    @property
    def is_spf(self) -> bool:
        """True when the text starts with the ``v=spf1`` version section (§4.5)."""
        return self.version == "spf1"

    @property
    def valid(self) -> bool:
        """True when it is an SPF record without syntax errors."""
        return self.is_spf and not any(d.severity is Severity.ERROR for d in self.defects)

    @property
    def mechanisms(self) -> tuple[SpfMechanism, ...]:
        """The directives, in order."""
        return tuple(t for t in self.terms if isinstance(t, SpfMechanism))

    @property
    def modifiers(self) -> tuple[SpfModifier, ...]:
        """All modifiers (redirect, exp and unknown ones), in order."""
        return tuple(t for t in self.terms if isinstance(t, SpfModifier))

    def modifier(self, name: str) -> SpfModifier | None:
        """The first modifier called ``name`` (lower-case), or None."""
        for m in self.modifiers:
            if m.name == name:
                return m
        return None

    @property
    def redirect(self) -> str | None:
        """The ``redirect=`` domain-spec, or None."""
        m = self.modifier("redirect")
        return m.value if m else None

    @property
    def exp(self) -> str | None:
        """The ``exp=`` domain-spec, or None."""
        m = self.modifier("exp")
        return m.value if m else None


class SpfOutcome(enum.Enum):
    """What happened when one term was evaluated."""

    MATCH = "match"
    NO_MATCH = "no match"
    TEMPERROR = "temperror"
    PERMERROR = "permerror"
    INFO = "info"  # record fetched, redirect followed, explanation fetched...


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SpfStep(ModelMethods):
    """One step of the evaluation, in the order it happened.

    ``domain`` is the domain whose record holds ``term``; ``path`` the include/redirect terms
    walked from the top record to it (``("include:spf.protection.outlook.com",)``).
    ``lookups`` and ``voids`` are the running counts after this step (§4.6.4).
    """

    domain: str
    term: str
    outcome: SpfOutcome
    detail: str = ""
    path: tuple[str, ...] = ()
    lookups: int = 0
    voids: int = 0

    @property
    def depth(self) -> int:
        """0 for the top record, 1 inside the first include or redirect..."""
        return len(self.path)


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SpfMatch(ModelMethods):
    """The directive that decided the result, and where it was found."""

    term: str  # e.g. "ip4:40.107.0.0/16"
    domain: str  # the domain whose record holds it, e.g. "spf.protection.outlook.com"
    path: tuple[str, ...] = ()  # e.g. ("include:spf.protection.outlook.com",)

    def describe(self) -> str:
        """``ip4:40.107.0.0/16 via include:spf.protection.outlook.com`` (path outermost first)."""
        if not self.path:
            return self.term
        return f"{self.term} via {' > '.join(self.path)}"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SpfResult(ModelMethods):
    """The outcome of check_host() with its evidence.

    ``identity`` is "mailfrom" or "helo" (RFC 7208 §2.3/§2.4); ``sender`` the address used for
    macros (postmaster@helo for the null sender). ``match`` is the directive that matched in the
    top evaluation (None for none/neutral-by-default/errors). ``explanation`` is the expanded
    ``exp=`` text for a fail (§6.2), else None. ``reason`` says why in plain words.
    ``records`` are every DNS answer consulted, in the order they were used.
    """

    verdict: SpfVerdict
    domain: str
    ip: str
    sender: str
    helo: str | None = None
    identity: str = "mailfrom"
    match: SpfMatch | None = None
    explanation: str | None = None
    reason: str = ""
    steps: tuple[SpfStep, ...] = ()
    records: tuple[DnsRecord, ...] = ()
    lookup_count: int = 0
    void_count: int = 0
    defects: tuple[Defect, ...] = ()

    @property
    def result(self) -> str:
        """The result keyword (``pass``, ``softfail``...)."""
        return self.verdict.value
