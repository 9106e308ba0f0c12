"""Tolerant parsing of the dates written in Received and Date fields (RFC 5322 §3.3, §4.3)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from headerlens.model.core import Defect, Severity
from headerlens.parsers.digits import ascii_int

if TYPE_CHECKING:  # the code registry loads where a defect is made, not before the first frame
    from headerlens.model.codes import Code

__all__ = ["parse_date"]

# Zone names that RFC 5322 §4.3 does not define but real MTAs write instead of a numeric offset.
# The stdlib knows UT, UTC, GMT, Z and the US zones; these are the extra ones seen in the wild.
# Ambiguous abbreviations (IST, BST for "Bangladesh"...) take their most common mail meaning.
_EXTRA_ZONES: dict[str, int] = {
    "WET": 0,
    "WEST": 60,
    "BST": 60,
    "CET": 60,
    "MET": 60,
    "CEST": 120,
    "MEST": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "WAT": 60,
    "CAT": 120,
    "EAT": 180,
    "SAST": 120,
    "IST": 330,
    "PKT": 300,
    "ICT": 420,
    "HKT": 480,
    "SGT": 480,
    "AWST": 480,
    "JST": 540,
    "KST": 540,
    "ACST": 570,
    "AEST": 600,
    "AEDT": 660,
    "NZST": 720,
    "NZDT": 780,
    "HST": -600,
    "AKST": -540,
    "AKDT": -480,
    "AST": -240,
    "ADT": -180,
    "NST": -210,
    "BRT": -180,
    "ART": -180,
}

# Month names and abbreviations in the languages whose localised dates show up in real headers
# (English first). Matching is by the first three letters, then by a unique two-letter prefix,
# so garbled forms such as Polish "paX" (paź, October) still resolve.
_MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("jan", "janv", "jän", "ene", "gen", "sty", "jaan", "led", "tam"),
    ("feb", "fév", "fev", "févr", "lut", "fevr", "úno", "hel"),
    ("mar", "mär", "mars", "mrz", "maa", "bře", "maalis"),
    ("apr", "avr", "abr", "kwi", "dub", "huhti"),
    ("may", "mai", "mei", "mag", "maj", "kvě", "touko"),
    ("jun", "juin", "jui", "giu", "cze", "čer", "kesä"),
    ("jul", "juil", "lug", "lip", "čvc", "heinä"),
    ("aug", "aoû", "aou", "ago", "sie", "srp", "elo"),
    ("sep", "sept", "set", "wrz", "zář", "syys"),
    ("oct", "okt", "out", "ott", "paź", "paz", "říj", "loka"),
    ("nov", "lis", "marras"),
    ("dec", "déc", "dez", "dic", "gru", "pro", "joulu"),
)
_MONTH3: dict[str, int] = {}
for _num, _names in enumerate(_MONTH_NAMES, start=1):
    for _name in _names:
        _MONTH3.setdefault(_name[:3], _num)
_MONTH2: dict[str, int] = {}
_MONTH2_AMBIGUOUS: set[str] = set()
for _num, _names in enumerate(_MONTH_NAMES, start=1):
    for _name in _names:
        _p = _name[:2]
        if _p in _MONTH2 and _MONTH2[_p] != _num:
            _MONTH2_AMBIGUOUS.add(_p)
        _MONTH2.setdefault(_p, _num)
for _p in _MONTH2_AMBIGUOUS:
    del _MONTH2[_p]

_COMMENT = re.compile(r"\([^()]*\)")
# Kept as pattern text, compiled on first use through re's own cache: a message that never
# reaches these fallbacks should not pay for compiling them before the console's first frame.
_ISO = (
    r"(?i)"
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})[T ]\s*"
    r"(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<frac>[0-9]+))?)?"
    r"\s*(?P<z>Z|[+-][0-9]{2}(?::?[0-9]{2})?|UTC|GMT|UT)?"
)
# day month year time [zone], after the weekday was dropped; month is any word (localised).
_DMY = (
    r"(?P<d>[0-9]{1,3})\s*[-\s]\s*(?P<mo>[^\W\d_]{2,}\S*?)\.?\s*[-\s]\s*(?P<y>[0-9]{2,4})\s+"
    r"(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<frac>[0-9]+))?)?"
    r"(?:\s+(?P<z>[+-][0-9]{4}|[+-][0-9]{2}:[0-9]{2}|[A-Za-z]{1,5}))?"
)
# A 12-hour clock: "2018-4-20 11:01:08 PM". The standard library silently drops the "PM".
_TWELVE_HOUR = re.compile(
    r"(?<![0-9:])(?P<h>[0-9]{1,2})(?P<rest>:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?)\s*(?P<ampm>[AaPp])\.?[Mm]\.?(?!\w)"
)
_NEG_ZERO = r"(?<![\w:])-0000(?!\d)"

# Exchange/Outlook "zero" dates: OLE automation day 0 (30 Dec 1899), 1 Jan 1900 and FILETIME's
# 1 Jan 1601. They mean "no date", not a moment in the 19th century.
_PLACEHOLDER_YEARS = range(1, 1901)
_MIN_PLAUSIBLE_YEAR = 1970
_MAX_PLAUSIBLE_YEAR = 2200


def _defect(code: Code, message: str, severity: Severity = Severity.WARNING) -> Defect:

    return Defect(code=code, message=message, severity=severity)


def _month_number(word: str) -> int | None:
    """Month number for an English, localised or garbled month name, or None."""
    w = word.lower().strip(".")
    n = ascii_int(w, 2)  # ASCII only: "¹²".isdigit() is true, but int() refuses it
    if n is not None:
        return n if 1 <= n <= 12 else None
    if w[:3] in _MONTH3:
        return _MONTH3[w[:3]]
    return _MONTH2.get(w[:2])


def _zone_minutes(zone: str | None) -> tuple[int | None, bool]:
    """Offset in minutes for a zone token, and whether the token was recognised at all."""
    if zone is None or zone == "":
        return None, False
    z = zone.strip().upper()
    if z in {"Z", "UT", "UTC", "GMT"}:
        return 0, True
    m = re.fullmatch(r"([+-])([0-9]{2}):?([0-9]{2})?", z)
    if m:
        sign = -1 if m.group(1) == "-" else 1
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        return sign * minutes, True
    us = {"EST": -300, "EDT": -240, "CST": -360, "CDT": -300}
    us |= {"MST": -420, "MDT": -360, "PST": -480, "PDT": -420}
    if z in us:
        return us[z], True
    if z in _EXTRA_ZONES:
        return _EXTRA_ZONES[z], True
    return None, False


def _build(
    year: int, month: int, day: int, hour: int, minute: int, second: int, micro: int, offset: int
) -> datetime | None:
    try:
        return datetime(
            year,
            month,
            day,
            hour,
            minute,
            second,
            micro,
            tzinfo=timezone(timedelta(minutes=offset)),
        )
    except (ValueError, OverflowError):
        return None


def _fix_year(year: int) -> int:
    """Two- and three-digit years as RFC 5322 §4.3 says (obs-year)."""
    if year < 50:
        return year + 2000
    if year < 1000:
        return year + 1900
    return year


def _parse_iso(text: str) -> tuple[datetime | None, bool]:
    """ISO 8601 / RFC 3339 timestamps (SendGrid, Go's time.String()); bool = zone present."""
    m = re.search(_ISO, text)
    if not m:
        return None, False
    offset, known = _zone_minutes(m.group("z"))
    if not known:
        # Go's "2023-07-28 19:32:25.9 +0000 UTC" puts a space before the numeric zone.
        rest = text[m.end() :]
        zm = re.match(r"\s*([+-][0-9]{4}|[+-][0-9]{2}:[0-9]{2})", rest)
        if zm:
            offset, known = _zone_minutes(zm.group(1))
    frac = (m.group("frac") or "0")[:6].ljust(6, "0")
    dt = _build(
        int(m.group("y")),
        int(m.group("mo")),
        int(m.group("d")),
        int(m.group("h")),
        int(m.group("mi")),
        int(m.group("s") or 0),
        int(frac),
        offset if offset is not None else 0,
    )
    return dt, known


def _parse_loose(text: str) -> tuple[datetime | None, bool]:
    """Our own cleanup path: drop the weekday, accept localised months and junk around."""
    m = re.search(_DMY, text)
    if not m:
        return None, False
    month = _month_number(m.group("mo"))
    if month is None:
        return None, False
    offset, known = _zone_minutes(m.group("z"))
    day = int(m.group("d"))
    dt = _build(
        _fix_year(int(m.group("y"))),
        month,
        day,
        int(m.group("h")),
        int(m.group("mi")),
        int(m.group("s") or 0),
        int((m.group("frac") or "0")[:6].ljust(6, "0")),
        offset if offset is not None else 0,
    )
    return dt, known


def _to_24_hour(text: str) -> tuple[str, Defect | None]:
    """Rewrite a 12-hour time ("11:01:08 PM") as 24-hour time; a defect when it cannot be one."""
    m = _TWELVE_HOUR.search(text)
    if m is None:
        return text, None
    hour = int(m.group("h"))
    if not 1 <= hour <= 12:
        from headerlens.model.codes import Code

        return text, _defect(
            Code.DATE_UNPARSEABLE,
            f"The date {text!r} gives hour {hour} with AM/PM; it could not be understood.",
        )
    hour = hour % 12 + (12 if m.group("ampm").upper() == "P" else 0)
    return f"{text[: m.start()]}{hour:02d}{m.group('rest')}{text[m.end() :]}", None


def _named_zone_in_comment(text: str) -> int | None:
    """The offset named in a trailing comment such as "(PST)" or "(CEST)", if any."""
    for comment in re.findall(r"\(\s*([A-Za-z]{1,5})\s*\)", text):
        offset, known = _zone_minutes(comment)
        if known and offset is not None:
            return offset
    return None


def _check_plausible(dt: datetime) -> tuple[datetime | None, Defect | None]:
    if dt.year in _PLACEHOLDER_YEARS:
        from headerlens.model.codes import Code

        return None, _defect(
            Code.DATE_PLACEHOLDER,
            f"The date {dt.date().isoformat()} is a 'zero' placeholder (Exchange/Outlook write "
            "30 Dec 1899 or 1 Jan 1601 when no date was set); treated as missing.",
        )
    if not _MIN_PLAUSIBLE_YEAR <= dt.year <= _MAX_PLAUSIBLE_YEAR:
        from headerlens.model.codes import Code

        return dt, _defect(
            Code.DATE_IMPLAUSIBLE, f"The year {dt.year} is implausible for an email."
        )
    return dt, None


def parse_date(text: str) -> tuple[datetime | None, Defect | None]:
    """Parse a date as written in mail headers; the result is always timezone-aware.

    Tries the standard library first (``email.utils.parsedate_to_datetime`` handles RFC 5322
    §3.3 and the obsolete forms of §4.3: two-digit years, named US zones, missing weekday),
    then falls back to our own cleanup for what real MTAs write: fractional seconds, ISO 8601
    (``2023-01-05T10:11:12.123Z``), localised or garbled weekday and month names, extra zone
    abbreviations, comments and trailing junk. A missing or unknown zone is taken as UTC and
    reported as a defect; ``-0000`` means UTC with no local zone (RFC 5322 §3.3) and is fine.
    Placeholder dates (Exchange's 30 Dec 1899) return None with a defect. Never raises.
    """
    if not isinstance(text, str):
        raise TypeError("parse_date expects str")
    cleaned = " ".join(text.split())
    if not cleaned:
        from headerlens.model.codes import Code

        return None, _defect(Code.DATE_MISSING, "No date was given.")

    defect: Defect | None = None
    dt: datetime | None = None
    zone_known = True
    shown = cleaned  # defects quote the date as written
    cleaned, clock_defect = _to_24_hour(cleaned)
    if clock_defect is not None:
        return None, clock_defect
    if cleaned != shown:
        from headerlens.model.codes import Code

        defect = _defect(
            Code.DATE_NONSTANDARD,
            f"The date {shown!r} uses a 12-hour clock, not RFC 5322 form; it was read as "
            f"{cleaned!r}.",
            Severity.INFO,
        )

    # 1. The standard library, on the text minus comments (it does not understand them).
    no_comments = _COMMENT.sub(" ", cleaned)
    no_comments = " ".join(no_comments.split())
    try:
        dt = parsedate_to_datetime(no_comments)
    except (ValueError, TypeError, IndexError, OverflowError):
        dt = None
    if dt is not None and dt.tzinfo is None:
        # Naive result: the zone was -0000, missing or a name the stdlib does not know.
        if re.search(_NEG_ZERO, no_comments):
            dt = dt.replace(tzinfo=UTC)
        else:
            tail = no_comments.split()[-1] if no_comments.split() else ""
            offset, known = _zone_minutes(tail)
            if not known:
                named = _named_zone_in_comment(cleaned)
                offset, known = (named, True) if named is not None else (None, False)
            dt = dt.replace(tzinfo=timezone(timedelta(minutes=offset or 0)))
            zone_known = known

    # 2. Our own cleanup when the library gave up.
    if dt is None:
        dt, zone_known = _parse_iso(no_comments)
        if dt is None:
            dt, zone_known = _parse_loose(no_comments)
            if dt is not None and not zone_known:
                named = _named_zone_in_comment(cleaned)
                if named is not None:
                    dt = dt.replace(tzinfo=timezone(timedelta(minutes=named)))
                    zone_known = True
        if dt is not None:
            from headerlens.model.codes import Code

            defect = _defect(
                Code.DATE_NONSTANDARD,
                f"The date {shown!r} is not in RFC 5322 form; it was read leniently.",
                Severity.INFO,
            )

    if dt is None:
        from headerlens.model.codes import Code

        return None, _defect(Code.DATE_UNPARSEABLE, f"The date {shown!r} could not be understood.")

    if not zone_known:
        from headerlens.model.codes import Code

        defect = _defect(
            Code.DATE_NO_ZONE,
            f"The date {shown!r} has no usable time zone; UTC was assumed.",
        )

    checked, plaus = _check_plausible(dt)
    if plaus is not None:
        return checked, plaus
    return checked, defect
