"""DKIM-style tag=value lists (RFC 6376 §3.2), shared by DKIM-Signature, ARC and key records.

Hand-written: parsers/ may not import dkimpy, and its parse_tag_value raises on the first bad
tag (duplicate, missing "=") where we must report every problem and keep going.
"""

from __future__ import annotations

import re

from headerlens.model.auth import TagList
from headerlens.model.core import Defect, Severity

# RFC 6376 §3.2: tag-name = ALPHA *ALNUMPUNC, ALNUMPUNC = ALPHA / DIGIT / "_".
_TAG_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
# RFC 6376 §3.2: VALCHAR = %x21-3A / %x3C-7E (printable ASCII except ";"), plus folding WSP.
_BAD_VALUE_CHAR_RE = re.compile(r"[^\x21-\x3a\x3c-\x7e \t\r\n]")
# FWS around tags and values is insignificant (RFC 6376 §3.2); CR/LF only survive in raw input.
_FWS = " \t\r\n"


def parse_tag_list(value: str) -> TagList:
    """Split ``value`` into (tag, value) pairs in order. Never raises.

    FWS around names and values is removed; FWS inside a value is kept (the caller decides,
    e.g. b= and bh= drop it). Tag names are case-sensitive. Problems become defects:
    duplicate tags (the RFC makes the whole list invalid), tags without ``=``, invalid names,
    empty tag-specs and characters a tag value may not contain.
    """
    tags: list[tuple[str, str]] = []
    defects: list[Defect] = []
    seen: set[str] = set()
    parts = value.split(";")
    for pos, part in enumerate(parts):
        spec = part.strip(_FWS)
        if not spec:
            # One trailing ";" is allowed (RFC 6376 §3.2); an empty spec elsewhere is not.
            if pos != len(parts) - 1 and value.strip(_FWS):
                from headerlens.model.codes import Code

                defects.append(
                    Defect(
                        Code.TAGLIST_EMPTY_SPEC,
                        f"Empty tag-spec (two ';' in a row) at position {pos + 1}.",
                        Severity.INFO,
                    )
                )
            continue
        name, eq, tag_value = spec.partition("=")
        name = name.strip(_FWS)
        if not eq:
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.TAGLIST_NO_EQUALS,
                    f"Tag-spec {_show(spec)} has no '=' and was ignored.",
                    Severity.WARNING,
                )
            )
            continue
        tag_value = tag_value.strip(_FWS)
        if not _TAG_NAME_RE.match(name):
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.TAGLIST_BAD_NAME,
                    f"Tag name {_show(name)} is not valid (RFC 6376 §3.2: a letter, then "
                    "letters, digits or '_').",
                    Severity.WARNING,
                )
            )
        if _BAD_VALUE_CHAR_RE.search(tag_value):
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.TAGLIST_BAD_VALUE_CHAR,
                    f"Value of tag {_show(name)} holds characters a tag value may not contain.",
                    Severity.WARNING,
                )
            )
        if name in seen:
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.TAGLIST_DUPLICATE,
                    f"Tag {_show(name)} appears more than once; RFC 6376 §3.2 makes the whole "
                    "tag-list invalid. The first value is used.",
                    Severity.ERROR,
                )
            )
        seen.add(name)
        tags.append((name, tag_value))
    return TagList(tags=tuple(tags), defects=tuple(defects))


def _show(text: str, limit: int = 40) -> str:
    """Quote a short excerpt of untrusted text for a defect message."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(short)
