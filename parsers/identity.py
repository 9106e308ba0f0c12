"""The author identity (RFC 5322 §3.6.2 From) read twice, raw and by Python's email package.

Our raw scanner is the source of truth for which From fields exist; the email package's two
address parsers (``policy.default`` header objects and the legacy ``getaddresses``) are run only
on values under ``budgets.EMAIL_PARSE_BYTES`` and inside a guard, because both raise
RecursionError on nested comments or long colon runs and go quadratic on crafted input
(reliability §2.1). Where the readings disagree, or the From is of a kind DMARC cannot use
(RFC 7489 §6.6.1, RFC 9989: zero or several author domains), the result is a Defect.
"""

from __future__ import annotations

import email.utils
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import AddressHeader, HeaderRegistry

from headerlens import budgets
from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.parsers.identity_angle import quoted, unquoted_address_name, unquoted_defect
from headerlens.parsers.identity_comma import comma_defect, comma_display, comma_inside
from headerlens.textsafe import HIDDEN_FORMAT_CHARS

# Bidi controls, zero-width and other invisible format characters (Trojan Source, CVE-2021-42574):
# the same set textsafe shows as escapes.
HIDDEN_CHARS = re.compile(f"[{HIDDEN_FORMAT_CHARS}]")
_REGISTRY = HeaderRegistry()


@dataclass(frozen=True, slots=True)
class Author:
    """What the From field(s) say: the single author address DMARC can use, if there is one."""

    address: str | None
    domain: str | None
    addresses: tuple[str, ...]  # every addr-spec the strict (policy.default) parser found
    defects: tuple[Defect, ...]
    # every author domain the From field(s) name, in order (the later fields' too): a client may
    # show any of them, so DMARC must hold for each (RFC 7489 §6.6.1)
    domains: tuple[str, ...] = ()


def _show(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def comment_depth(text: str) -> int:
    """Deepest nesting of parentheses in ``text`` (a linear scan, no recursion)."""
    depth = deepest = 0
    for ch in text:
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")" and depth:
            depth -= 1
    return deepest


def _scan(value: str) -> tuple[str, list[str]]:
    """``value`` without quoted strings, comments and <...> parts (what a group colon or a route
    would sit in, RFC 5322 §3.4), and the text of each outermost comment. A linear scan;
    nesting needs no recursion."""
    out: list[str] = []
    comments: list[str] = []
    depth = start = 0
    quoted = angle = escaped = False
    for i, ch in enumerate(value):
        if escaped:
            escaped = False
        elif ch == "\\" and (quoted or depth):
            escaped = True
        elif quoted:
            quoted = ch != '"'
        elif depth:
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if not depth:
                comments.append(value[start:i])
        elif angle:
            angle = ch != ">"
        elif ch == '"':
            quoted = True
        elif ch == "(":
            depth, start = 1, i + 1
        elif ch == "<":
            angle = True
        else:
            out.append(ch)
    return "".join(out), comments


def _bare(value: str) -> str:
    return _scan(value)[0]


def _strict(value: str) -> tuple[AddressHeader | None, str | None]:
    """The ``policy.default`` reading, or why it failed."""
    try:
        header = _REGISTRY("from", value)
        if not isinstance(header, AddressHeader):  # the registry maps "from" to one
            return None, type(header).__name__
        header.addresses  # noqa: B018  # forces the lazy parse inside the guard
    except Exception as exc:  # RecursionError, HeaderParseError, IndexError... all seen
        return None, type(exc).__name__
    return header, None


def _legacy(value: str) -> tuple[str, ...] | None:
    """The legacy ``getaddresses`` reading (addr-specs only), or None when it raised."""
    try:
        pairs = email.utils.getaddresses([value])
    except Exception:  # RecursionError on long ':' runs (CVE-2023-36632)
        return None
    return tuple(addr for _name, addr in pairs if addr)


def _domain(addr: str) -> str | None:
    # an "@" inside a quoted local part ('"noreply@shop.example"' alone) names no domain: the
    # address has none (Exchange Online writes an empty header.from for it)
    if "@" not in addr or addr.rfind("@") < addr.rfind('"'):
        return None
    domain = addr.rpartition("@")[2].strip()
    if domain.startswith("[") and domain.endswith("]"):
        return literal_domain(domain)
    return domain.rstrip(".").lower() or None


# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches a domain literal should not pay for compiling it before the console's first frame.
# A domain name (RFC 1035 §2.3.1 letters, digits, hyphens; labels joined by dots), the only
# reading of a domain literal that is not an address literal.
_NAME_IN_LITERAL = r"(?ai)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z][a-z0-9-]*\.?"
# An address ending in a dot before ">" or the end: the absolute (root) form of the same name.
_ROOT_DOT = re.compile(r"(@[^\s<>@,;:\"()\[\]\\]*[^\s<>@,;:\"()\[\]\\.])\.(?=\s*(?:>|,|$))")


def literal_domain(literal: str) -> str | None:
    """The author domain of a domain literal ``[...]`` (RFC 5322 §3.4.1), or None.

    RFC 5321 §4.1.3 allows only address literals there (``[192.0.2.1]``, ``[IPv6:...]``, a
    tagged literal): those name no domain, so DMARC has no author domain to apply (RFC 9989's
    "Extract Author Domain" step leaves messages without a meaningful domain out of scope). ``[bank-corp.com]`` is none of them and
    cannot be delivered to, but a mail client shows it as bank-corp.com, so the reading that
    protects the reader is that name: DMARC is evaluated for bank-corp.com, as if the brackets
    were not there, and a finding says the brackets were used. Reading it as "no domain" would
    let a spoof of a p=reject domain escape DMARC by adding two characters.
    """
    inner = literal[1:-1].strip()
    if ":" in inner or not re.fullmatch(_NAME_IN_LITERAL, inner):
        return None  # an address literal or not a name at all
    if all(label.isascii() and label.isdigit() for label in inner.rstrip(".").split(".")):
        return None  # a dotted IPv4 address
    return inner.rstrip(".").lower()


def _scripts(text: str) -> set[str]:
    out: set[str] = set()
    for ch in text:
        if ch.isalpha():
            out.add(unicodedata.name(ch, "UNKNOWN").split(" ")[0])
    return out


def domain_notes(domain: str) -> list[Defect]:
    """IDN facts about an author domain: A-label and U-label, mixed scripts (RFC 5890)."""
    notes: list[Defect] = []
    labels = domain.split(".")
    if domain.isascii() and not any(lab.startswith("xn--") for lab in labels):
        return notes
    try:
        ulabel = domain.encode("ascii").decode("idna") if domain.isascii() else domain
        alabel = domain if domain.isascii() else domain.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        from headerlens.model.codes import Code

        return [Defect(Code.IDENTITY_BAD_IDN, f"The domain {_show(domain)} is not a valid IDN.")]
    from headerlens.model.codes import Code

    notes.append(
        Defect(
            Code.IDENTITY_IDN,
            f"The author domain is internationalised: shown {_show(ulabel)}, looked up in DNS "
            f"as {alabel}.",
            Severity.INFO,
        )
    )
    for label in ulabel.split("."):
        scripts = _scripts(label)
        if len(scripts) > 1:
            notes.append(
                Defect(
                    Code.IDENTITY_MIXED_SCRIPT,
                    f"The domain label {_show(label)} mixes scripts ({', '.join(sorted(scripts))}):"
                    " a look-alike (homograph) domain is likely.",
                    Severity.ERROR,
                )
            )
    return notes


# Later From fields read for their domains; a message with more is refused by most receivers.
_MORE_FROM_FIELDS = 4


def _later_domains(from_fields: Sequence[HeaderField]) -> list[str]:
    """The domains the From fields after the first name, read with the first one's guards (a
    field too long, too deeply nested or in group/route syntax names none)."""
    out: list[str] = []
    for field in from_fields[1 : 1 + _MORE_FROM_FIELDS]:
        value = _ROOT_DOT.sub(r"\1", field.value)
        if len(value) > budgets.EMAIL_PARSE_BYTES.limit or comment_depth(value) > 20:
            continue
        header = _strict(value)[0] if ":" not in _bare(value) else None
        if header is not None:
            out += [d for a in header.addresses if a.addr_spec and (d := _domain(a.addr_spec))]
    return out


def read_author(from_fields: Sequence[HeaderField]) -> Author:
    """The author from the From field(s), with a defect for every reading DMARC can't trust."""
    defects: list[Defect] = []
    if not from_fields:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.IDENTITY_NO_FROM,
                "The message has no From field (RFC 5322 §3.6 requires one): there is no author "
                "domain, so DMARC does not apply.",
            )
        )
        return Author(None, None, (), tuple(defects))
    if len(from_fields) > 1:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.IDENTITY_MULTIPLE_FROM,
                f"The message has {len(from_fields)} From fields (RFC 5322 §3.6 allows one): "
                + "; ".join(_show(f.value) for f in from_fields[:5])
                + ". Mail clients may show one while DMARC checks another (RFC 7489 §6.6.1); "
                "a DKIM signature must over-sign 'from' to protect against this.",
                Severity.ERROR,
            )
        )
    value = from_fields[0].value
    if _ROOT_DOT.search(value):
        # "ceo@bank-corp.com." is the absolute form of bank-corp.com (RFC 1034 §3.1), the same
        # name; Python's address parser rejects it, which would leave no author domain at all.
        value = _ROOT_DOT.sub(r"\1", value)
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.IDENTITY_FROM_ROOT_DOT,
                f"The From address ends its domain with a dot ({_show(from_fields[0].value)}): "
                "that is the same domain written in absolute form, so DMARC is evaluated for it "
                "without the dot. Receivers that fail to parse it skip DMARC, a known evasion.",
                Severity.WARNING,
            )
        )
    limit = int(budgets.EMAIL_PARSE_BYTES.limit)
    if len(value) > limit:
        defects.append(
            budgets.exceeded(
                budgets.EMAIL_PARSE_BYTES, len(value), "The From field was not parsed."
            )
        )
        return Author(None, None, (), tuple(defects))
    depth = comment_depth(value)
    if depth > 20:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.IDENTITY_FROM_UNPARSEABLE,
                f"The From field nests comments {depth} deep; it was not parsed (such input "
                "crashes Python's address parser with RecursionError).",
                Severity.ERROR,
            )
        )
        return Author(None, None, (), tuple(defects))
    if ":" in _bare(value):
        from headerlens.model.codes import Code

        # Group or obsolete route syntax. Decided on the raw text, before (and instead of) the
        # email package, whose parsers recurse on long ':' runs (CVE-2023-36632).
        defects.append(
            Defect(
                Code.IDENTITY_FROM_GROUP,
                f"The From field {_show(value)} uses group or obsolete route syntax: clients "
                "show different addresses (CERT VU#517845), so no author domain is guessed.",
                Severity.ERROR,
            )
        )
        return Author(None, None, (), tuple(defects))
    # "a@lure.example <b@sender.example>": the bracketed one is the From; a parser that takes
    # the first address reads the other, so that reading still counts (parsers disagree)
    lure, as_written = unquoted_address_name(value), value
    if lure is not None:
        value = quoted(*lure)
        defects.append(unquoted_defect(*lure))
    header, error = _strict(value)
    if header is None:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.IDENTITY_FROM_UNPARSEABLE,
                f"The From field {_show(value)} could not be parsed ({error}).",
                Severity.ERROR,
            )
        )
        return Author(None, None, (), tuple(defects))
    legacy = _legacy(as_written)
    encoded = _encoded_addresses(value, header)
    if encoded:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.IDENTITY_FROM_ENCODED_WORD,
                f"The From field {_show(value)} hides its address in an encoded word (decoded: "
                f"{_show(encoded[0])}); RFC 2047 §5(3) forbids encoded words in an address, so "
                "it names no author domain. A client that decodes it shows an address no "
                "check was made for.",
                Severity.ERROR,
            )
        )
    shown_addresses = [a for a in header.addresses if a.addr_spec not in encoded]
    comma = comma_display(value, shown_addresses)
    inside = comma_inside(value, shown_addresses) if comma is None else None
    names: tuple[str, ...] = ()
    if inside is not None:  # "<x@shop123,com>": one mailbox with a stray comma
        comma = (inside, ())
    if comma is not None:  # "Name, <addr>": the name is display text, not a second author
        shown_addresses, names = [comma[0]], comma[1]
        legacy = tuple(a for a in legacy or () if "@" in a and a not in names) or legacy
        defects.append(comma_defect(value, comma[0].addr_spec, inside is not None))
    addresses = tuple(a.addr_spec for a in shown_addresses if a.addr_spec and a.addr_spec != "<>")
    if legacy is not None and set(legacy) != set(addresses):
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.IDENTITY_PARSERS_DISAGREE,
                f"Address parsers disagree on the From field {_show(as_written)}: strict reading "
                f"{list(addresses)}, legacy reading {list(legacy)}. The strict reading is used, "
                "with low confidence.",
                Severity.ERROR,
            )
        )
    syntax: tuple[object, ...] = tuple(getattr(header, "defects", ()))  # untyped in typeshed
    if syntax and comma is None and lure is None:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.IDENTITY_FROM_SYNTAX,
                f"The From field is not valid RFC 5322 syntax ({type(syntax[0]).__name__}).",
            )
        )
    domains = sorted({d for d in (_domain(a) for a in addresses) if d})
    if len(addresses) > 1:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.IDENTITY_FROM_MULTIPLE,
                f"The From field lists {len(addresses)} addresses"
                + (
                    f" in {len(domains)} domains ({', '.join(domains)}): DMARC cannot pick one "
                    "author domain (RFC 9989), each domain would have to pass."
                    if len(domains) > 1
                    else "."
                ),
                Severity.ERROR if len(domains) > 1 else Severity.WARNING,
            )
        )
    # the names a client may show: display names and comments ("x@evil (ceo@bank)" is shown
    # as the old "addr (Full Name)" form), read in NFKC so a full-width "＠" is an "@"
    shown = [(a.display_name or "", a.addr_spec) for a in shown_addresses]
    shown += [(c, addresses[0] if addresses else "") for c in _scan(value)[1]]
    shown += [(n, addresses[0] if addresses else "") for n in names]
    for name, addr in shown:
        if "@" in unicodedata.normalize("NFKC", name) or "\x00" in name:
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.IDENTITY_DISPLAY_NAME_ADDRESS,
                    f"The display name {_show(name)} looks like an address, but the message is "
                    f"from {_show(addr)}: display-name spoofing.",
                    Severity.ERROR,
                )
            )
    for a in shown_addresses:
        if "@" in a.username or "<" in a.username:
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.IDENTITY_QUOTED_LOCAL_PART,
                    f"The quoted local part {_show(a.username)} contains '@' or '<': the real "
                    f"domain is {a.domain or '(none)'}.",
                    Severity.ERROR,
                )
            )
    if HIDDEN_CHARS.search(value):
        defects.append(hidden_chars("From", value))
    first = addresses[0] if addresses else None
    domain = _domain(first) if first else None
    if first and first.rpartition("@")[2].startswith("["):
        defects.append(_literal_note(first, domain))
    if domain:
        defects.extend(domain_notes(domain))
    # where the parsers disagree a client may read the field either way: both readings count
    readings = addresses + (legacy if legacy is not None and set(legacy) != set(addresses) else ())
    named = [d for d in (_domain(a) for a in readings) if d] + _later_domains(from_fields)
    return Author(first, domain, addresses, tuple(defects), tuple(dict.fromkeys(named)))


# An RFC 2047 encoded word (§2): =?charset?encoding?text?=
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


def _encoded_addresses(value: str, header: AddressHeader) -> tuple[str, ...]:
    """The addresses the strict parser found only by decoding encoded words: their domain is
    nowhere in the raw field outside encoded words (RFC 2047 §5(3): none may stand in an
    addr-spec, so such an address is display text, not an author)."""
    if not _ENCODED_WORD.search(value):
        return ()
    plain = _ENCODED_WORD.sub(" ", value).lower()
    return tuple(
        a.addr_spec
        for a in header.addresses
        if a.addr_spec and (not a.domain or a.domain.lower() not in plain)
    )


def _literal_note(address: str, domain: str | None) -> Defect:
    """The finding for a From address with a domain literal (see :func:`literal_domain`)."""
    from headerlens.model.codes import Code

    if domain is None:
        return Defect(
            Code.IDENTITY_FROM_ADDRESS_LITERAL,
            f"The From address {_show(address)} names an IP address, not a domain: there is no "
            "author domain, so DMARC cannot be applied and nothing authenticates the sender.",
            Severity.ERROR,
        )
    return Defect(
        Code.IDENTITY_FROM_DOMAIN_LITERAL,
        f"The From address {_show(address)} writes the domain in brackets, as a domain literal, "
        f"where only IP addresses belong (RFC 5321 §4.1.3); clients show it as {domain}, so "
        f"DMARC is evaluated for {domain}. Receivers that find no domain in it skip DMARC.",
        Severity.ERROR,
    )


def hidden_chars(field_name: str, text: str) -> Defect:
    """The finding for bidi overrides, zero-width or other invisible characters in a displayed
    field, naming each kind found (up to five) with its code point."""
    from headerlens.model.codes import Code

    found = list(dict.fromkeys(HIDDEN_CHARS.findall(text)))
    named = ", ".join(
        f"U+{ord(c):04X} {unicodedata.name(c, 'format character')}" for c in found[:5]
    )
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    return Defect(
        Code.DISPLAY_HIDDEN_CHARS,
        f"The {field_name} field contains invisible characters that can reorder or hide text "
        f"({named}{more}); they are shown as visible escapes.",
        Severity.ERROR,
    )
