"""Parse a DMARC policy record's tag=value syntax (RFC 7489 §6.3-6.4, RFC 9989 §4.7); pure."""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from headerlens.model.codes import Code
from headerlens.model.core import Defect, Severity
from headerlens.model.verdicts import DmarcRecord
from headerlens.parsers.digits import ascii_int

_POLICIES = frozenset({"none", "quarantine", "reject"})
_ALIGN = frozenset({"r", "s"})
_FO = frozenset({"0", "1", "d", "s"})
_YN = frozenset({"y", "n"})
_PSD = frozenset({"y", "n", "u"})
_KNOWN = frozenset(
    {"v", "p", "sp", "np", "adkim", "aspf", "pct", "rua", "ruf", "fo", "rf", "ri", "t", "psd"}
)
_LEGACY = {
    "pct": "pct= is legacy: RFC 9989 removed it (t=y replaces pct=0..99); older receivers still "
    "read it.",
    "rf": "rf= is legacy: RFC 9989 removed it.",
    "ri": "ri= is legacy: RFC 9989 removed it; aggregate reports come daily.",
}


_DMARC_LIKE = frozenset({"p", "sp", "np", "rua", "ruf", "adkim", "aspf", "pct", "fo", "psd"})


class VersionCheck(NamedTuple):
    """How a TXT text at a ``_dmarc`` name starts, and whether receivers use it (G7).

    ``used`` is True when it counts as a DMARC record. ``code`` is "" for a clean start
    (and for text that is plainly something else); otherwise it names the problem, and
    ``why`` says it in words.
    """

    used: bool
    code: Code | None = None
    why: str = ""


_WSP = " \t\r\n"  # FWS of the tag-list grammar (RFC 6376 §3.2)


def version_check(text: str) -> VersionCheck:
    """Does ``text`` start with the v=DMARC1 tag? (RFC 7489 §6.3-§6.4, §6.6.3; RFC 9989).

    The rules, and the choices where the texts leave room:

    * The value is case-sensitive: RFC 7489 §6.4 spells it as octets (%x44 %x4d ...) and
      RFC 9989's grammar as ``%s"DMARC1"``, and §6.3 says it "MUST match precisely". So
      ``v=dmarc1`` is not a DMARC record.
    * v= must be the first tag (§6.3); a record with v= later is discarded (§6.6.3).
    * The tag name ``"v"`` is an ABNF literal, case-insensitive (RFC 5234 §2.3), so ``V=``
      is accepted; but DKIM's tag-list rules, which DMARC records follow, make tag names
      case-sensitive (RFC 6376 §3.2), so some receivers ignore it: a warning.
    * Leading whitespace: the grammar starts the record with the version tag, but the DKIM
      tag-spec allows folding white space before a tag name, and v= is still the first tag,
      so the record is used; receivers that compare the text's first bytes with
      "v=DMARC1" ignore it: a warning.
    * Whitespace around "=" is allowed by both grammars (``equals = *WSP "=" *WSP``).
    """
    stripped = text.lstrip(_WSP)  # DKIM tag-list white space only, not NBSP or U+2028
    name, sep, value = stripped.split(";", 1)[0].partition("=")
    name, value = name.strip(_WSP), value.strip(_WSP)
    if sep and name.lower() == "v":
        if value == "DMARC1":
            if stripped != text:
                why = "white space comes before v=DMARC1"
                return VersionCheck(True, Code.DMARC_RECORD_LEADING_SPACE, why)
            if name == "V":
                return VersionCheck(
                    True, Code.DMARC_RECORD_UPPER_V, "the tag name is V, upper case"
                )
            return VersionCheck(True)
        if value.upper() == "DMARC1":
            why = f"the version is v={value}, but the value is case-sensitive: exactly DMARC1"
            return VersionCheck(False, Code.DMARC_RECORD_VERSION_CASE, why)
        if value.split()[0:1] == ["DMARC1"]:
            why = "v=DMARC1 is not followed by a semicolon, so the version reads as " + repr(value)
            return VersionCheck(False, Code.DMARC_RECORD_VERSION, why)
        return VersionCheck(False, Code.DMARC_RECORD_VERSION, f"its first tag is v={value}")
    names = [part.partition("=")[0].strip().lower() for part in text.split(";") if "=" in part]
    if "v" in names:
        return VersionCheck(False, Code.DMARC_RECORD_V_NOT_FIRST, "v= is not its first tag")
    if _DMARC_LIKE & set(names) or "dmarc1" in text.lower():
        return VersionCheck(False, Code.DMARC_RECORD_NO_VERSION, "it has DMARC tags but no v= tag")
    return VersionCheck(False)


def is_dmarc_record(text: str) -> bool:
    """True when receivers take the TXT text as a DMARC record (see :func:`version_check`)."""
    return version_check(text).used


def _uris(value: str, tag: str, defects: list[Defect]) -> tuple[str, ...]:
    uris = tuple(u.strip() for u in value.split(",") if u.strip())
    for uri in uris:
        if not uri.lower().startswith("mailto:"):
            defects.append(
                Defect(
                    Code.DMARC_RECORD_URI,
                    f"{tag}= entry {uri!r} is not a mailto: URI; reporters only send to mailto.",
                )
            )
        elif "!" in uri:
            defects.append(
                Defect(
                    Code.DMARC_RECORD_URI_SIZE,
                    f"{tag}= entry {uri!r} has a !size suffix, which RFC 9989 made obsolete.",
                    Severity.INFO,
                )
            )
    return uris


def _choice(tag: str, value: str, allowed: frozenset[str], defects: list[Defect]) -> str | None:
    v = value.strip().lower()
    if v in allowed:
        return v
    defects.append(
        Defect(
            Code.DMARC_RECORD_VALUE,
            f"{tag}={value!r} is not one of {', '.join(sorted(allowed))}; it is ignored.",
            Severity.ERROR if tag == "p" else Severity.WARNING,
        )
    )
    return None


def _number(tag: str, value: str, high: int | None, defects: list[Defect]) -> int | None:
    n = ascii_int(value.strip())
    if n is not None and (high is None or n <= high):
        return n
    defects.append(Defect(Code.DMARC_RECORD_VALUE, f"{tag}={value!r} is not a valid number."))
    return None


def parse_dmarc_record(text: str) -> DmarcRecord:
    """Parse one ``_dmarc`` TXT record; never raises, problems become defects.

    Tag names are case-insensitive, and so are the keyword values; v= must be first and
    exactly ``DMARC1`` or the text is not a DMARC record (``valid`` False). Unknown tags are
    ignored (RFC 9989 §4.7); a missing or invalid p= leaves ``p`` None, read as p=none.
    """
    start = version_check(text)
    if not start.used:
        why = f": {start.why}" if start.why else ""
        return DmarcRecord(
            raw=text,
            valid=False,
            defects=(
                Defect(
                    Code.DMARC_RECORD_NOT_DMARC,
                    f"The record does not start with v=DMARC1{why}, so it is not a DMARC record.",
                    Severity.ERROR,
                ),
            ),
        )
    defects: list[Defect] = []
    tags: list[tuple[str, str]] = []
    seen: set[str] = set()
    bad: list[str] = []
    repeated: list[str] = []
    for part in text.split(";"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name, value = name.strip().lower(), value.strip()
        if not sep or not name:
            bad.append(part.strip())
            continue
        if name in seen:
            repeated.append(name)
            continue
        seen.add(name)
        tags.append((name, value))
    # One finding per kind however many parts have it (a record can hold thousands).
    if bad:
        more = f" (and {len(bad) - 1} more such parts)" if len(bad) > 1 else ""
        defects.append(Defect(Code.DMARC_RECORD_SYNTAX, f"{bad[0][:80]!r} is not tag=value{more}."))
    if repeated:
        names = ", ".join(f"{n[:20]}=" for n in list(dict.fromkeys(repeated))[:5])
        defects.append(
            Defect(
                Code.DMARC_RECORD_DUPLICATE,
                f"{names} appear{'s' if len(repeated) == 1 else ''} more than once "
                f"({len(repeated)} repeats); the first of each is used.",
            )
        )
    fields: dict[str, object] = {}
    for name, value in tags:
        if name == "v":
            continue
        if name in ("p", "sp", "np"):
            fields[name] = _choice(name, value, _POLICIES, defects)
        elif name in ("adkim", "aspf"):
            fields[name] = _choice(name, value, _ALIGN, defects)
        elif name == "t":
            fields[name] = _choice(name, value, _YN, defects)
        elif name == "psd":
            fields[name] = _choice(name, value, _PSD, defects)
        elif name == "pct":
            fields[name] = _number(name, value, 100, defects)
        elif name == "ri":
            fields[name] = _number(name, value, None, defects)
        elif name == "rf":
            fields[name] = value.lower()
        elif name in ("rua", "ruf"):
            fields[name] = _uris(value, name, defects)
        elif name == "fo":
            opts = tuple(o.strip().lower() for o in value.split(":") if o.strip())
            bad = [o for o in opts if o not in _FO]
            if bad:
                defects.append(
                    Defect(Code.DMARC_RECORD_VALUE, f"fo= has unknown option(s) {', '.join(bad)}.")
                )
            fields[name] = tuple(o for o in opts if o in _FO)
        if name in _LEGACY:
            defects.append(Defect(Code.DMARC_RECORD_LEGACY, _LEGACY[name], Severity.INFO))
    unknown = [name for name, _ in tags if name not in _KNOWN]
    if unknown:
        defects.append(unknown_tags(unknown))
    record = DmarcRecord(
        raw=text,
        valid=True,
        p=_str(fields.get("p")),
        sp=_str(fields.get("sp")),
        np=_str(fields.get("np")),
        adkim=_str(fields.get("adkim")),
        aspf=_str(fields.get("aspf")),
        pct=_int(fields.get("pct")),
        rua=_tuple(fields.get("rua")),
        ruf=_tuple(fields.get("ruf")),
        fo=_tuple(fields.get("fo")),
        rf=_str(fields.get("rf")),
        ri=_int(fields.get("ri")),
        t=_str(fields.get("t")),
        psd=_str(fields.get("psd")),
        tags=tuple(tags),
    )
    if "p" not in seen:
        defects.append(
            Defect(
                Code.DMARC_RECORD_NO_P,
                "The record has no p= tag; "
                + (
                    "it is read as p=none, because rua= names a report address (RFC 9989 §4.10.1)."
                    if record.has_report_uri
                    else "it is not a DMARC policy (RFC 9989 §4.10.1)."
                ),
                Severity.ERROR,
            )
        )
    if not record.is_policy:
        defects.append(
            Defect(
                Code.DMARC_RECORD_NOT_POLICY,
                "The record has no valid p= (or an invalid sp= or np=) and no valid rua= report "
                "address, so receivers apply no DMARC processing with it (RFC 9989 §4.10.1). "
                "Publish p=none, p=quarantine or p=reject.",
                Severity.ERROR,
            )
        )
    return replace(record, defects=tuple(defects))


def unknown_tags(names: list[str]) -> Defect:
    """One finding for every unknown tag of a record, however many (a few named, all counted).

    RFC 9989 §4.7: unknown tags MUST be ignored. A record can hold thousands; one line each
    would bury the findings that matter.
    """
    shown = ", ".join(f"{n[:20]}=" for n in names[:5])
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    count = "tag" if len(names) == 1 else f"{len(names)} tags"
    return Defect(
        Code.DMARC_RECORD_UNKNOWN_TAG,
        f"Unknown {count} {shown}{more} ignored (RFC 9989 §4.7).",
        Severity.INFO,
    )


def _str(v: object) -> str | None:
    return v if isinstance(v, str) else None


def _int(v: object) -> int | None:
    return v if isinstance(v, int) else None


def _tuple(v: object) -> tuple[str, ...]:
    return tuple(str(x) for x in v) if isinstance(v, tuple) else ()
