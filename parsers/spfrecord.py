"""SPF record syntax (RFC 7208 §4.5, §4.6.1, §5, §6, §7.1, §12): text to terms, with defects."""

from __future__ import annotations

import ipaddress
import re

from headerlens import budgets
from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.spf import MacroToken, SpfMacro, SpfMechanism, SpfModifier, SpfRecord, SpfTerm
from headerlens.parsers.digits import is_ascii_digits

# Hand-written: no maintained PyPI library exposes RFC 7208 record syntax as data with
# per-term defects (pyspf parses inside its evaluator and raises on the first error).

MECHANISMS = frozenset({"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"})
_MACRO_LETTERS = frozenset("slodiphv")  # §7.1 macro-letter allowed in any macro-string
_EXP_ONLY_LETTERS = frozenset("crt")  # §7.1: only in explanation strings (exp TXT)
_DELIMITERS = ".-+,/_="
_ADVISED_SIZE = 450  # §3.4: keep the record small enough for one 512-byte UDP answer
_MACRO_BODY = re.compile(r"([A-Za-z])([0-9]*)([rR]?)([.\-+,/_=]*)")
_MODIFIER = re.compile(r"([A-Za-z][A-Za-z0-9_.\-]*)=(.*)", re.DOTALL)
_MECHANISM = re.compile(r"([+\-~?]?)([A-Za-z][A-Za-z0-9]*)(.*)", re.DOTALL)
_TOPLABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?")
_DUAL_CIDR = re.compile(r"(.*?)(?:/([0-9]+))?(?://([0-9]+))?", re.DOTALL)
_SINGLE_CIDR = re.compile(r"(.*?)(?:/([0-9]+))?", re.DOTALL)


class _SyntaxProblem(ValueError):
    """Internal: carries one syntax error up to the term parser (never leaves this module)."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def is_spf_version(txt: str) -> bool:
    """True when ``txt`` begins with exactly ``v=spf1`` then a space or its end (§4.5)."""
    return txt[:6].lower() == "v=spf1" and (len(txt) == 6 or txt[6] == " ")


def oversized_record(txt: str) -> int | None:
    """The record's size in bytes when it is over budgets.SPF_TXT_BYTES (catalogue F8: a 64 KB
    TXT answer over TCP is not parsed), else None."""
    size = len(txt.encode("utf-8", "surrogateescape"))
    return size if size > budgets.SPF_TXT_BYTES.limit else None


def is_toplabel(label: str) -> bool:
    """The ``toplabel`` rule of §7.1: alphanumerics and inner dashes, not all digits."""
    if not _TOPLABEL.fullmatch(label):
        return False
    return "-" in label or not is_ascii_digits(label)


def _macro_tokens(text: str, *, explanation: bool) -> tuple[tuple[MacroToken, ...], bool]:
    """Tokenise a macro-string (§7.1); returns the tokens and whether it ends in a macro-expand.

    Raises _SyntaxProblem on bad syntax.
    """
    tokens: list[MacroToken] = []
    buf: list[str] = []
    ends_with_macro = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "%":
            nxt = text[i + 1] if i + 1 < n else ""
            escapes = {"%": "%", "_": " ", "-": "%20"}
            if nxt in escapes and nxt:
                buf.append(escapes[nxt])
                i += 2
                ends_with_macro = True
                continue
            if nxt != "{":
                raise _SyntaxProblem(
                    Code.SPF_BAD_MACRO, f"'%' must be followed by '{{', '%', '_' or '-' in {text!r}"
                )
            close = text.find("}", i + 2)
            if close < 0:
                raise _SyntaxProblem(Code.SPF_BAD_MACRO, f"unterminated macro in {text!r}")
            body = text[i + 2 : close]
            m = _MACRO_BODY.fullmatch(body)
            if not m:
                raise _SyntaxProblem(Code.SPF_BAD_MACRO, f"malformed macro %{{{body}}}")
            letter = m.group(1)
            low = letter.lower()
            allowed = _MACRO_LETTERS | _EXP_ONLY_LETTERS if explanation else _MACRO_LETTERS
            if low not in allowed:
                where = "" if low in _EXP_ONLY_LETTERS else " any"
                raise _SyntaxProblem(
                    Code.SPF_BAD_MACRO,
                    f"macro letter {letter!r} is not allowed in{where} domain-spec",
                )
            digits = int(m.group(2)) if m.group(2) else None
            if digits == 0:
                raise _SyntaxProblem(
                    Code.SPF_BAD_MACRO, f"macro %{{{body}}}: digit must be nonzero"
                )
            if buf:
                tokens.append("".join(buf))
                buf = []
            tokens.append(
                SpfMacro(
                    letter=low,
                    digits=digits,
                    reverse=bool(m.group(3)),
                    delimiters=m.group(4) or ".",
                    url_escape=letter.isupper(),
                    raw=text[i : close + 1],
                )
            )
            i = close + 1
            ends_with_macro = True
            continue
        code = ord(ch)
        if 0x21 <= code <= 0x7E or (explanation and ch == " "):
            buf.append(ch)
            ends_with_macro = False
            i += 1
            continue
        raise _SyntaxProblem(Code.SPF_BAD_CHAR, f"character {ch!r} not allowed in {text!r}")
    if buf:
        tokens.append("".join(buf))
    return tuple(tokens), ends_with_macro


def parse_macro_string(
    text: str, *, explanation: bool = False
) -> tuple[tuple[MacroToken, ...], str | None]:
    """Tokenise a macro-string (§7.1) or, with ``explanation``, an explanation-string (§6.2).

    Returns ``(tokens, None)``, or ``((), message)`` when the syntax is wrong.
    """
    try:
        tokens, _ = _macro_tokens(text, explanation=explanation)
    except _SyntaxProblem as exc:
        return (), exc.message
    return tokens, None


def _domain_spec(text: str) -> tuple[MacroToken, ...]:
    """Validate a domain-spec (§7.1: macro-string domain-end); raises _SyntaxProblem."""
    if not text:
        raise _SyntaxProblem(Code.SPF_EMPTY_DOMAIN_SPEC, "domain-spec is empty")
    tokens, ends_with_macro = _macro_tokens(text, explanation=False)
    if ends_with_macro:
        return tokens
    tail = tokens[-1] if tokens and isinstance(tokens[-1], str) else ""
    if tail.endswith("."):
        tail = tail[:-1]
    dot = tail.rfind(".")
    if dot < 0 or not is_toplabel(tail[dot + 1 :]):
        raise _SyntaxProblem(
            Code.SPF_BAD_DOMAIN_SPEC,
            f"domain-spec {text!r} must end with a dot and a valid top label, or a macro",
        )
    return tokens


def parse_domain_spec(text: str) -> tuple[tuple[MacroToken, ...], str | None]:
    """Validate and tokenise a domain-spec (§7.1); ``((), message)`` on a syntax error."""
    try:
        return _domain_spec(text), None
    except _SyntaxProblem as exc:
        return (), exc.message


def _cidr(digits: str | None, limit: int, term: str) -> int | None:
    """A cidr-length (§5.6): no leading zeros, at most ``limit``."""
    if digits is None:
        return None
    if (len(digits) > 1 and digits[0] == "0") or int(digits) > limit:
        raise _SyntaxProblem(Code.SPF_BAD_CIDR, f"invalid prefix length /{digits} in {term!r}")
    return int(digits)


def _ip_mechanism(qualifier: str, name: str, rest: str, raw: str) -> SpfMechanism:
    """ip4:/ip6: with an optional prefix length (§5.6)."""
    if not rest.startswith(":"):
        raise _SyntaxProblem(Code.SPF_BAD_IP, f"{name} needs ':' and an address in {raw!r}")
    m = _SINGLE_CIDR.fullmatch(rest[1:])
    assert m is not None  # the pattern matches any text
    addr_text = m.group(1)
    limit = 32 if name == "ip4" else 128
    prefix = _cidr(m.group(2), limit, raw)
    try:
        addr: ipaddress.IPv4Address | ipaddress.IPv6Address
        if name == "ip4":
            addr = ipaddress.IPv4Address(addr_text)
        else:
            if "%" in addr_text:  # ipaddress accepts a zone id; SPF does not
                raise ValueError(addr_text)
            addr = ipaddress.IPv6Address(addr_text)
    except ValueError:
        raise _SyntaxProblem(Code.SPF_BAD_IP, f"invalid address {addr_text!r} in {raw!r}") from None
    net = ipaddress.ip_network(f"{addr}/{limit if prefix is None else prefix}", strict=False)
    return SpfMechanism(qualifier, name, raw, network=str(net))


def _domain_mechanism(qualifier: str, name: str, rest: str, raw: str) -> SpfMechanism:
    """include/exists (domain-spec required), ptr (optional), a/mx (optional + dual-cidr)."""
    cidr4 = cidr6 = None
    if name in ("a", "mx"):
        m = _DUAL_CIDR.fullmatch(rest)
        assert m is not None  # the pattern matches any text
        rest = m.group(1)
        cidr4 = _cidr(m.group(2), 32, raw)
        cidr6 = _cidr(m.group(3), 128, raw)
    if rest == "":
        if name in ("include", "exists"):
            raise _SyntaxProblem(Code.SPF_BAD_TERM, f"{name} needs ':' and a domain in {raw!r}")
        return SpfMechanism(qualifier, name, raw, cidr4=cidr4, cidr6=cidr6)
    if not rest.startswith(":"):
        raise _SyntaxProblem(Code.SPF_BAD_TERM, f"unexpected {rest!r} after {name} in {raw!r}")
    spec = rest[1:]
    tokens = _domain_spec(spec)
    return SpfMechanism(
        qualifier, name, raw, domain_spec=spec, macro=tokens, cidr4=cidr4, cidr6=cidr6
    )


def _parse_term(raw: str) -> SpfTerm:
    """One term: a modifier (§6) or a directive (§4.6.2, §5); raises _SyntaxProblem."""
    mod = _MODIFIER.fullmatch(raw)
    if mod:
        name, value = mod.group(1).lower(), mod.group(2)
        if name in ("redirect", "exp"):
            return SpfModifier(name, value, raw, macro=_domain_spec(value))
        tokens, _ = _macro_tokens(value, explanation=False)
        return SpfModifier(name, value, raw, macro=tokens)
    mech = _MECHANISM.fullmatch(raw)
    if not mech:
        raise _SyntaxProblem(Code.SPF_BAD_TERM, f"not a mechanism or modifier: {raw!r}")
    qualifier = mech.group(1) or "+"
    name, rest = mech.group(2).lower(), mech.group(3)
    if name not in MECHANISMS:
        raise _SyntaxProblem(Code.SPF_UNKNOWN_MECHANISM, f"unknown mechanism {raw!r}")
    if name == "all":
        if rest:
            raise _SyntaxProblem(Code.SPF_BAD_TERM, f"'all' takes no argument: {raw!r}")
        return SpfMechanism(qualifier, name, raw)
    if name in ("ip4", "ip6"):
        return _ip_mechanism(qualifier, name, rest, raw)
    return _domain_mechanism(qualifier, name, rest, raw)


def _advice(terms: tuple[SpfTerm, ...]) -> list[Defect]:
    """Non-fatal remarks on a syntactically valid record."""
    out: list[Defect] = []
    mechs = [t for t in terms if isinstance(t, SpfMechanism)]
    names = [m.name for m in mechs]
    if "ptr" in names:
        out.append(Defect(Code.SPF_PTR, "the ptr mechanism is slow and SHOULD NOT be used (§5.5)"))
    if "all" in names:
        first_all = mechs[names.index("all")]
        if first_all.qualifier == "+":
            out.append(Defect(Code.SPF_PASS_ALL, "'+all' authorises every host on the Internet"))
        if names.index("all") < len(names) - 1:
            out.append(
                Defect(
                    Code.SPF_AFTER_ALL,
                    "mechanisms after 'all' are never evaluated (§5.1)",
                    Severity.INFO,
                )
            )
        if any(isinstance(t, SpfModifier) and t.name == "redirect" for t in terms):
            out.append(
                Defect(
                    Code.SPF_REDIRECT_IGNORED, "redirect= is ignored when 'all' is present (§6.1)"
                )
            )
    dns_terms = sum(m.queries_dns for m in mechs) + sum(
        1 for t in terms if isinstance(t, SpfModifier) and t.name == "redirect"
    )
    limit = int(budgets.SPF_DNS_TERMS.limit)
    if dns_terms > limit:
        out.append(
            Defect(
                Code.SPF_TOO_MANY_LOOKUPS,
                f"{dns_terms} DNS-querying terms, more than the limit of {limit}: evaluation "
                "past it is a permerror (§4.6.4)",
            )
        )
    return out


def parse_spf_record(txt: str) -> SpfRecord:
    """Parse one SPF record (RFC 7208 §4.5, §12); every syntax error becomes an ERROR defect.

    Terms are separated by SP only (§4.6.1); other whitespace or non-ASCII is an error (§3.1).
    ``redirect`` and ``exp`` may appear at most once each (§6).
    """
    if not is_spf_version(txt):
        return SpfRecord(
            raw=txt,
            version=None,
            defects=(
                Defect(Code.SPF_NOT_SPF, "text does not start with 'v=spf1'", Severity.ERROR),
            ),
        )
    defects: list[Defect] = []
    if any(not 0x20 <= ord(c) <= 0x7E for c in txt):
        defects.append(
            Defect(
                Code.SPF_NON_ASCII,
                "record holds control or non-ASCII characters (§3.1, §4.6.1)",
                Severity.ERROR,
            )
        )
    terms: list[SpfTerm] = []
    seen: set[str] = set()
    for raw in txt[6:].split(" "):
        if not raw:
            continue
        try:
            term = _parse_term(raw)
        except _SyntaxProblem as exc:
            defects.append(Defect(exc.code, exc.message, Severity.ERROR))
            continue
        if isinstance(term, SpfModifier) and term.name in ("redirect", "exp"):
            if term.name in seen:
                defects.append(
                    Defect(
                        Code.SPF_DUPLICATE_MODIFIER,
                        f"{term.name}= appears more than once (§6)",
                        Severity.ERROR,
                    )
                )
            seen.add(term.name)
        terms.append(term)
    if not any(d.severity is Severity.ERROR for d in defects):
        defects.extend(_advice(tuple(terms)))
    size = len(txt.encode("utf-8", "surrogateescape"))
    if size > _ADVISED_SIZE:
        defects.append(
            Defect(
                Code.SPF_RECORD_LONG,
                f"record is {size} bytes; RFC 7208 §3.4 advises staying under {_ADVISED_SIZE} so "
                "the whole answer fits a 512-byte UDP reply (larger answers need TCP)",
                Severity.WARNING,
            )
        )
    return SpfRecord(raw=txt, version="spf1", terms=tuple(terms), defects=tuple(defects))


__all__ = [
    "MECHANISMS",
    "is_spf_version",
    "is_toplabel",
    "parse_domain_spec",
    "parse_macro_string",
    "parse_spf_record",
]
