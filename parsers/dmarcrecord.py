"""Parse a DMARC policy record's tag=value syntax (RFC 7489 §6.3-6.4, RFC 9989 §4.7); pure."""

from __future__ import annotations

from headerlens.model.core import Defect, Severity
from headerlens.model.verdicts import DmarcRecord

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


def is_dmarc_record(text: str) -> bool:
    """True when the TXT text starts with the v=DMARC1 tag (RFC 7489 §6.6.3 step 3)."""
    head = text.lstrip().split(";", 1)[0]
    name, sep, value = head.partition("=")
    return bool(sep) and name.strip().lower() == "v" and value.strip() == "DMARC1"


def _uris(value: str, tag: str, defects: list[Defect]) -> tuple[str, ...]:
    uris = tuple(u.strip() for u in value.split(",") if u.strip())
    for uri in uris:
        if not uri.lower().startswith("mailto:"):
            defects.append(
                Defect(
                    "dmarc.record.uri",
                    f"{tag}= entry {uri!r} is not a mailto: URI; reporters only send to mailto.",
                )
            )
        elif "!" in uri:
            defects.append(
                Defect(
                    "dmarc.record.uri-size",
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
            "dmarc.record.value",
            f"{tag}={value!r} is not one of {', '.join(sorted(allowed))}; it is ignored.",
            Severity.ERROR if tag == "p" else Severity.WARNING,
        )
    )
    return None


def _number(tag: str, value: str, high: int | None, defects: list[Defect]) -> int | None:
    v = value.strip()
    if v.isdigit() and (high is None or int(v) <= high):
        return int(v)
    defects.append(Defect("dmarc.record.value", f"{tag}={value!r} is not a valid number."))
    return None


def parse_dmarc_record(text: str) -> DmarcRecord:
    """Parse one ``_dmarc`` TXT record; never raises, problems become defects.

    Tag names are case-insensitive, and so are the keyword values; v= must be first and
    exactly ``DMARC1`` or the text is not a DMARC record (``valid`` False). Unknown tags are
    ignored (RFC 9989 §4.7); a missing or invalid p= leaves ``p`` None, read as p=none.
    """
    if not is_dmarc_record(text):
        return DmarcRecord(
            raw=text,
            valid=False,
            defects=(
                Defect(
                    "dmarc.record.not-dmarc",
                    "The record does not start with v=DMARC1, so it is not a DMARC record.",
                    Severity.ERROR,
                ),
            ),
        )
    defects: list[Defect] = []
    tags: list[tuple[str, str]] = []
    seen: set[str] = set()
    for part in text.split(";"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name, value = name.strip().lower(), value.strip()
        if not sep or not name:
            defects.append(Defect("dmarc.record.syntax", f"{part.strip()!r} is not tag=value."))
            continue
        if name in seen:
            defects.append(
                Defect("dmarc.record.duplicate", f"{name}= appears twice; the first is used.")
            )
            continue
        seen.add(name)
        tags.append((name, value))
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
                    Defect("dmarc.record.value", f"fo= has unknown option(s) {', '.join(bad)}.")
                )
            fields[name] = tuple(o for o in opts if o in _FO)
        if name in _LEGACY:
            defects.append(Defect("dmarc.record.legacy", _LEGACY[name], Severity.INFO))
        if name not in _KNOWN:
            defects.append(
                Defect(
                    "dmarc.record.unknown-tag", f"Unknown tag {name}= is ignored.", Severity.INFO
                )
            )
    if "p" not in seen:
        defects.append(
            Defect(
                "dmarc.record.no-p",
                "The record has no p= tag; it is read as p=none (RFC 9989 §4.7).",
                Severity.ERROR,
            )
        )
    return DmarcRecord(
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
        defects=tuple(defects),
    )


def _str(v: object) -> str | None:
    return v if isinstance(v, str) else None


def _int(v: object) -> int | None:
    return v if isinstance(v, int) else None


def _tuple(v: object) -> tuple[str, ...]:
    return tuple(str(x) for x in v) if isinstance(v, tuple) else ()
