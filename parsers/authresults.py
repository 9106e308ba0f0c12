"""Authentication-Results and ARC-Authentication-Results fields (RFC 8601 §2.2, RFC 8617 §4.1.1).

A tolerant parser of our own: the grammar allows comments (CFWS) between any two tokens, and
real producers bend it (Microsoft writes no authserv-id, stray ``outlook.com;`` segments,
``action=`` pairs). ``authres`` 1.2 on PyPI raises SyntaxError on Microsoft's id-less fields
and on Yahoo's, so it cannot serve a tool whose job is to explain exactly those fields.
"""

from __future__ import annotations

import email.header
import re

from headerlens import budgets
from headerlens.model.auth import AuthProperty, AuthResults, MethodResult
from headerlens.model.core import Defect, HeaderField, Severity
from headerlens.parsers.authres_scanner import Scanner
from headerlens.parsers.compauth import explain_method_result
from headerlens.parsers.digits import is_ascii_digits

# RFC 5321 Keyword / Ldh-str, as RFC 8601 §2.2 uses it for method and result names.
_KEYWORD_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?\Z")
# Kept as pattern text, compiled on first use through re's own cache: a message with no empty
# property value should not pay for compiling it before the console's first frame.
# What starts the next property when a producer wrote an empty value ("smtp.mail= header.x=").
_PROP_START_RE = r"[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)?[ \t]*="
_ARC_INSTANCE_RE = re.compile(r"[ \t\r\n]*i[ \t\r\n]*=[ \t\r\n]*([0-9]+)[ \t\r\n]*;")
_ARC_NAMES = frozenset({"arc-authentication-results"})
_ARC_MAX_INSTANCE = int(budgets.ARC_SETS.limit)  # RFC 8617 §4.2.1
# A value made only of RFC 2047 encoded words (some senders' and Microsoft's re-exports fold it so).
_ALL_ENCODED = re.compile(r"[ \t\r\n]*(?:=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=[ \t\r\n]*)+")
# Methods of the IANA "Email Authentication Methods" registry (RFC 8601 §6.7 and its updates)
# plus Microsoft's compauth. Zoho's MX writes its results without the ";" between them
# ("mx.zoho.com; dkim=pass spf=pass (...) smtp.mailfrom=..."): an unqualified word naming one of
# these, set to a result, where a property belongs, starts the next result (a property name
# always has a ptype and a dot, and RFC 8601 defines no unqualified one of these names).
_GLUED_METHODS = frozenset(
    {
        "auth",
        "dkim",
        "dkim-adsp",
        "dkim-atps",
        "dmarc",
        "iprev",
        "sender-id",
        "spf",
        "arc",
        "bimi",
        "smime",
        "vbr",
        "rrvs",
        "dnswl",
        "compauth",
    }
)


def _decoded(value: str) -> str:
    """The value with its encoded words decoded, only when it is entirely encoded words (a
    mixed value is an RFC 8601 field that merely contains the text); else unchanged. Decoding
    uses the email package (charsets, base64/QP), capped like every encoded-word decode."""
    if (
        value.count("=?") > budgets.ENCODED_WORDS.limit
        or len(value) > budgets.STRUCTURED_FIELD_BYTES.limit
        or not _ALL_ENCODED.fullmatch(value)
    ):
        return value
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except Exception:  # LookupError, binascii.Error, HeaderParseError, UnicodeError...
        return value


def parse_auth_results(field: HeaderField) -> AuthResults:
    """Parse one Authentication-Results-style field. Never raises; problems become defects.

    Works for Authentication-Results (RFC 8601), ARC-Authentication-Results (leading ``i=N;``,
    RFC 8617 §4.1.1), Authentication-Results-Original, X-MS-Exchange-…/X-TM-… variants and
    Microsoft's fields that start directly with ``spf=`` (``authserv_id`` None).
    """
    text = _decoded(field.value)
    defects: list[Defect] = []
    instance: int | None = None
    if field.lname in _ARC_NAMES:
        m = _ARC_INSTANCE_RE.match(text)
        if m is None:
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.AUTHRES_ARC_NO_INSTANCE,
                    "ARC-Authentication-Results does not start with 'i=N;' (RFC 8617 §4.1.1).",
                    Severity.ERROR,
                )
            )
        else:
            # at most 9 digits reach int(): a 5000-digit i= must not hit Python's 4300 cap
            instance = int(m.group(1)) if len(m.group(1)) < 10 else _ARC_MAX_INSTANCE + 1
            text = text[m.end() :]
            if not 1 <= instance <= _ARC_MAX_INSTANCE:
                from headerlens.model.codes import Code

                defects.append(
                    Defect(
                        Code.AUTHRES_ARC_BAD_INSTANCE,
                        f"ARC instance i={instance} is outside 1..{_ARC_MAX_INSTANCE} "
                        "(RFC 8617 §4.2.1).",
                        Severity.ERROR,
                    )
                )
    sc = Scanner(text)
    header_comments = sc.skip_cfws()
    authserv_id: str | None = None
    version: str | None = None
    results: list[MethodResult] = []
    saw_none = False

    if sc.at_end():
        from headerlens.model.codes import Code

        defects.append(Defect(Code.AUTHRES_EMPTY, "The field is empty.", Severity.WARNING))
    else:
        start = sc.pos
        ident = sc.quoted() if sc.peek() == '"' else sc.word(";=/")
        after = sc.skip_cfws()
        if sc.peek() in ("=", "/") and ident:
            # Microsoft style: no authserv-id, the value starts with "spf=...".
            sc.pos = start
            first = _resinfo(sc, defects)
            if isinstance(first, MethodResult):
                results.append(first)
        else:
            authserv_id = ident or None
            header_comments += after
            if authserv_id is None:
                from headerlens.model.codes import Code

                defects.append(
                    Defect(
                        Code.AUTHRES_NO_AUTHSERV_ID,
                        "The field does not start with an authserv-id (RFC 8601 §2.2).",
                        Severity.WARNING,
                    )
                )
            if is_ascii_digits(sc.peek()):
                version = sc.word(";")
                header_comments += sc.skip_cfws()
                if version != "1":
                    from headerlens.model.codes import Code

                    defects.append(
                        Defect(
                            Code.AUTHRES_VERSION,
                            f"Version {version!r} is not 1; RFC 8601 §2.2 readers should "
                            "ignore such a field.",
                            Severity.WARNING,
                        )
                    )
            if not sc.at_end() and sc.peek() != ";":
                junk = sc.skip_to_semicolon()
                from headerlens.model.codes import Code

                defects.append(
                    Defect(
                        Code.AUTHRES_JUNK_AFTER_AUTHSERV_ID,
                        f"Unexpected text {_show(junk)} after the authserv-id was ignored.",
                        Severity.INFO,
                    )
                )
        while not sc.at_end():
            if sc.glued:
                sc.glued = False  # the next result follows without its ";"
            elif sc.peek() != ";":  # only after a resinfo that stopped early
                sc.skip_to_semicolon()
                continue
            else:
                sc.pos += 1
            item = _resinfo(sc, defects)
            if isinstance(item, MethodResult):
                results.append(item)
            elif item == "none":
                saw_none = True
        if not results and not saw_none:
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.AUTHRES_NO_RESULTS,
                    "No method=result clause and no 'none' were found.",
                    Severity.WARNING,
                )
            )
    if saw_none and results:
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.AUTHRES_NONE_WITH_RESULTS,
                "The field says 'none' but also lists results.",
                Severity.INFO,
            )
        )
    return AuthResults(
        header_name=field.name,
        header_index=field.index,
        raw=field.value,
        authserv_id=authserv_id,
        results=tuple(results),
        version=version,
        instance=instance,
        comments=tuple(header_comments),
        defects=tuple(defects + sc.defects),
    )


def _resinfo(sc: Scanner, defects: list[Defect]) -> MethodResult | str | None:
    """Parse one resinfo after its ";" (RFC 8601 §2.2).

    Returns a MethodResult, the string "none" for the no-result form, or None when the
    segment is empty or was skipped as garbage (with a defect).
    """
    comments = sc.skip_cfws()
    if sc.at_end() or sc.peek() == ";":
        return None
    method = sc.word(";=/")
    comments += sc.skip_cfws()
    method_version: str | None = None
    if sc.peek() == "/":
        sc.pos += 1
        comments += sc.skip_cfws()
        method_version = sc.word(";=") or None
        comments += sc.skip_cfws()
    if sc.peek() != "=":
        if method.lower() == "none" and (sc.at_end() or sc.peek() == ";"):
            return "none"
        junk = (method + " " + sc.skip_to_semicolon()).strip()
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.AUTHRES_STRAY_TEXT,
                f"Segment {_show(junk)} is not a method=result clause and was ignored.",
                Severity.INFO,
            )
        )
        return None
    sc.pos += 1
    comments += sc.skip_cfws()
    result = sc.word(";")
    if not _KEYWORD_RE.match(method) or not _KEYWORD_RE.match(result):
        junk = f"{method}={result} {sc.skip_to_semicolon()}".strip()
        from headerlens.model.codes import Code

        defects.append(
            Defect(
                Code.AUTHRES_BAD_RESINFO,
                f"Segment {_show(junk)} does not name a valid method and result; ignored.",
                Severity.WARNING,
            )
        )
        return None
    reason: str | None = None
    props: list[AuthProperty] = []
    extras: list[tuple[str, str]] = []
    while True:
        comments += sc.skip_cfws()
        if sc.at_end() or sc.peek() == ";":
            break
        key_at = sc.pos
        key = sc.word(';=."')
        if key.lower() in _GLUED_METHODS and _glued_result(sc):
            sc.pos, sc.glued = key_at, True
            break
        if not key:
            # A stray "=", "." or quoted string where a property name belongs.
            start = sc.pos
            bad = sc.value()
            if sc.pos == start:  # guarantee progress
                bad = sc.text[sc.pos]
                sc.pos += 1
            from headerlens.model.codes import Code

            defects.append(
                Defect(Code.AUTHRES_STRAY_TEXT, f"Unexpected {_show(bad)} ignored.", Severity.INFO)
            )
            continue
        comments += sc.skip_cfws()
        if sc.peek() == ".":
            sc.pos += 1
            comments += sc.skip_cfws()
            key = f"{key}.{sc.word(';=')}"
            comments += sc.skip_cfws()
        if sc.peek() != "=":
            from headerlens.model.codes import Code

            defects.append(
                Defect(
                    Code.AUTHRES_STRAY_TEXT,
                    f"Word {_show(key)} after {method}={result} is not a property; ignored.",
                    Severity.INFO,
                )
            )
            continue
        sc.pos += 1
        before = sc.pos
        between = sc.skip_cfws()
        comments += between
        skipped_space = sc.pos > before and not between
        if (
            sc.at_end()
            or sc.peek() == ";"
            or (skipped_space and re.compile(_PROP_START_RE).match(sc.text, sc.pos))
        ):
            val = ""  # e.g. Gmail's "smtp.mail=" with nothing after it
        else:
            val = sc.value()
        ptype, dot, name = key.partition(".")
        if dot:
            props.append(AuthProperty(ptype=ptype.lower(), name=name.lower(), value=val))
        elif key.lower() == "reason":
            if reason is None:
                reason = val
            else:
                from headerlens.model.codes import Code

                defects.append(
                    Defect(
                        Code.AUTHRES_DUPLICATE_REASON,
                        f"{method}={result} has more than one reason=; the first is kept.",
                        Severity.INFO,
                    )
                )
        else:
            extras.append((key.lower(), val))
    method_l, result_l = method.lower(), result.lower()
    return MethodResult(
        method=method_l,
        result=result_l,
        version=method_version,
        reason=reason,
        properties=tuple(props),
        comments=tuple(comments),
        extras=tuple(extras),
        explanation=explain_method_result(method_l, result_l, reason, tuple(extras)),
    )


def _glued_result(sc: Scanner) -> bool:
    """After a method name in property position: "=" and a result keyword follow (the cursor is
    left where it was)."""
    m = re.compile(r"[ \t\r\n]*=[ \t\r\n]*([A-Za-z0-9_-]+)").match(sc.text, sc.pos)
    return m is not None and bool(_KEYWORD_RE.match(m.group(1)))


def _show(text: str, limit: int = 60) -> str:
    """Quote a short excerpt of untrusted text for a defect message."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(short)
