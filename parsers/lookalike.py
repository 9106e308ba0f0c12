"""Look-alike author domains: UTS #39 confusable skeletons against the domains that matter."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from headerlens import budgets
from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.parsers.spoofed_brands import SPOOFED_BRANDS

# Fields whose addresses name domains the reader knows: the recipients' own (a look-alike of
# the recipient's company is the usual CEO fraud, and Delivered-To / X-Original-To name the
# recipient when To does not), replies, the envelope sender.
_ADDRESS_FIELDS = frozenset(
    {"to", "cc", "delivered-to", "x-original-to", "reply-to", "sender", "return-path"}
)
# A domain name anywhere in displayed text (the caller's decoded From display text and Subject).
_NAME = re.compile(r"(?i)(?<![\w.-])((?:[\w-]+\.)+[^\W\d_]{2,})(?![\w-])")
_AT_DOMAIN = re.compile(r"@([^\s<>,;:\"()\[\]@\\]+)")


@functools.cache
def _skeleton() -> Callable[[str], str]:
    """disarm's ``skeleton_key``, imported on first use (about 45 ms, paid only for an author
    domain that is not plain ASCII).

    The key is the UTS #39 skeleton (the Unicode 17 confusables table, after NFKC) with case
    folded, which suits domain names, compared without case. Two strings look the same when
    their skeletons are equal (UTS #39 §4). disarm keeps printable ASCII apart, so ASCII
    typosquats (paypa1.com) are not look-alikes here; Unicode ones (Cyrillic аррӏе.com) are.
    Written with a library rather than by hand: the confusables table changes with every
    Unicode version and its fold has subtle cases (a capital folds only after case folding).
    """
    from disarm import skeleton_key

    return skeleton_key


def unicode_form(domain: str) -> str | None:
    """The domain as readers see it (A-labels decoded to U-labels), or None if not a name."""
    labels = []
    for label in domain.strip().rstrip(".").lower().split("."):
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except (UnicodeError, ValueError):
                return None
        labels.append(label)
    return ".".join(labels) if all(labels) else None


def named_domains(
    fields: Sequence[HeaderField],
    signers: Iterable[str],
    texts: Iterable[str] = (),
    hosts: Iterable[str] = (),
) -> list[str]:
    """The domains of the recipient, reply and envelope addresses, the DKIM d= domains, the
    domain names in ``texts`` (the decoded From display text and Subject, where "contoso.com
    Payroll" or "Your contoso.com invoice" name the domain the reader trusts; read in NFKC so
    full-width letters and dots count) and ``hosts`` (the receiver's own "by" host), each with
    its parent domains, so mx.contoso.com also names contoso.com."""
    limit = int(budgets.EMAIL_PARSE_BYTES.limit)
    out = [d for d in signers if d] + [h for h in hosts if h]
    for field in fields:
        if field.lname in _ADDRESS_FIELDS:
            out += _AT_DOMAIN.findall(field.value[:limit])
    for text in texts:
        out += _NAME.findall(unicodedata.normalize("NFKC", text[:limit]))
    named: dict[str, None] = {}
    for domain in out:
        labels = domain.rstrip(".").lower().split(".")
        for i in range(len(labels) - 1):
            named[".".join(labels[i:])] = None
    return list(named)


def _first_label(domain: str) -> str:
    """The label a look-alike imitates: the one left of the top-level label (a rough cut,
    enough for the brand list, whose entries all sit directly under a top-level domain)."""
    labels = domain.split(".")
    return labels[-2] if len(labels) > 1 else labels[0]


def lookalike_target(author: str | None, named: Iterable[str]) -> tuple[str, str] | None:
    """(the domain, what it is) that the author domain imitates: written in other characters
    but looking the same as a domain the message names (recipients, Return-Path, DKIM d=...) or
    a much-spoofed brand; None when it imitates none.

    Only an author domain with characters beyond ASCII is checked: an ASCII domain shows
    what it is, and an ordinary IDN (müller.de) has no look-alike among the named domains.
    """
    shown = unicode_form(author) if author else None
    if shown is None or shown.isascii():
        return None
    skeleton = _skeleton()
    own = skeleton(shown)
    for other in dict.fromkeys(named):
        target = unicode_form(other)
        if target and target != shown and skeleton(target) == own:
            return target, "a domain this message names"
    own_label = skeleton(_first_label(shown))
    for brand in SPOOFED_BRANDS:
        if skeleton(_first_label(brand)) == own_label and _first_label(shown) != brand:
            return brand, "a much-impersonated brand"
    return None


def lookalike_domain(author: str | None, named: Iterable[str]) -> Defect | None:
    """A finding when the author domain imitates another (:func:`lookalike_target`).

    Mixed scripts inside one label get their own finding (identity.mixed-script); this one
    also catches a label written wholly in another script (Cyrillic "аррӏе").
    """
    found = lookalike_target(author, named)
    if author is None or found is None:
        return None
    shown = unicode_form(author) or author
    return _finding(author, shown, *found)


def _finding(author: str, shown: str, target: str, what: str) -> Defect:
    from headerlens.model.codes import Code

    try:
        looked_up = author if author.isascii() else author.encode("idna").decode("ascii")
    except UnicodeError:
        looked_up = "(not a valid IDN)"
    if looked_up.lower() == target.lower():
        # mathematical bold, fullwidth...: IDNA's compatibility mapping (NFKC) turns the letters
        # back into the target's, so DNS and the receiver's checks read the target itself
        return Defect(
            Code.IDENTITY_CONFUSABLE_DOMAIN,
            f"The From domain {shown!r} is a look-alike of {target}, {what}, written in other "
            f"characters (UTS #39 confusable skeletons are equal); it is not {target}'s mail, "
            f"although DNS maps it back to {target} (so {target}'s own SPF, DKIM and DMARC "
            f"are what a receiver checks). Treat the message as a spoof of {target}; nothing to "
            f"fix at {target}.",
            Severity.ERROR,
        )
    return Defect(
        Code.IDENTITY_CONFUSABLE_DOMAIN,
        f"The From domain {shown!r} (looked up in DNS as {looked_up}) looks the same as "
        f"{target}, {what}, but is written in other characters (UTS #39 confusable "
        f"skeletons are equal): a look-alike domain, not {target}. Treat the message as a "
        f"spoof of {target}; nothing to fix at {target}.",
        Severity.ERROR,
    )
