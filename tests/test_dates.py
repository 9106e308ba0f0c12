"""Tests for headerlens.parsers.dates: tolerant RFC 5322 §3.3 date parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from headerlens.parsers.dates import parse_date


def _tz(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


# (text, expected aware datetime, expected defect code or None)
CASES = [
    pytest.param(
        "Fri, 21 Nov 1997 09:55:06 -0600",
        datetime(1997, 11, 21, 9, 55, 6, tzinfo=_tz(-6)),
        None,
        id="rfc5322-A.1.1",  # RFC 5322 §A.1.1
    ),
    pytest.param(
        "21 Nov 97 09:55:06 GMT",
        datetime(1997, 11, 21, 9, 55, 6, tzinfo=UTC),
        None,
        id="rfc5322-A.6.2-obs-two-digit-year-no-weekday",  # RFC 5322 §A.6.2
    ),
    pytest.param(
        "Tue, 1 Jul 2003 10:52:37 +0200",
        datetime(2003, 7, 1, 10, 52, 37, tzinfo=_tz(2)),
        None,
        id="rfc5322-A.3",  # RFC 5322 §A.3
    ),
    pytest.param(
        "8 Mar 2017 16:46:30 -0000",
        datetime(2017, 3, 8, 16, 46, 30, tzinfo=UTC),
        None,
        # corpus: eml/ibm-proofpoint-15-hops-2017.eml
        id="qmail-minus-zero",
    ),
    pytest.param(
        "Thu, 20 Oct 2016 17:06:41 -0700 (PDT)",
        datetime(2016, 10, 20, 17, 6, 41, tzinfo=_tz(-7)),
        None,
        # corpus: eml/amazonses-relayed-to-gmail-spf-fail-dkim-neutral.eml
        id="gmail-comment-zone",
    ),
    pytest.param(
        "Thu, 029 Apr 2011 23:34:45 +0900 (JST)",
        datetime(2011, 4, 29, 23, 34, 45, tzinfo=_tz(9)),
        None,
        # corpus: eml/barracuda-ndr-to-gmail-spf-best-guess-pass.eml
        id="three-digit-day",
    ),
    pytest.param(
        "Wed, 8 Mar 2017 16:46:21 GMT",
        datetime(2017, 3, 8, 16, 46, 21, tzinfo=UTC),
        None,
        # corpus: eml/ibm-proofpoint-15-hops-2017.eml
        id="named-gmt",
    ),
    pytest.param(
        "Mon, 5 Nov 07 20:17:37 EST",
        datetime(2007, 11, 5, 20, 17, 37, tzinfo=_tz(-5)),
        None,
        id="named-est-two-digit-year",  # RFC 5322 §4.3 obs-zone
    ),
    pytest.param(
        "Tue, 10 Nov 2026 09:14:08 PDT",
        datetime(2026, 11, 10, 9, 14, 8, tzinfo=_tz(-7)),
        None,
        id="named-pdt",  # RFC 5322 §4.3 obs-zone
    ),
    pytest.param(
        "Sat, 3 Aug 2024 22:19:40 CEST",
        datetime(2024, 8, 3, 22, 19, 40, tzinfo=_tz(2)),
        None,
        id="named-cest-not-in-rfc",  # real MTAs write European zone names
    ),
    pytest.param(
        "Mon, 5 Nov 2007 20:17:37 (PST)",
        datetime(2007, 11, 5, 20, 17, 37, tzinfo=_tz(-8)),
        None,
        id="zone-only-in-comment",
    ),
    pytest.param(
        "Tue, 19 Sep 2023 18:35:49 +0000 (UTC)",
        datetime(2023, 9, 19, 18, 35, 49, tzinfo=UTC),
        None,
        # corpus: eml/eop-spf-temperror-dmarc-temperror-compauth-fail.eml
        id="postfix-utc-comment",
    ),
    pytest.param(
        "Wed, 25 Dec 2024 21:13:56 +0000 trailing junk here",
        datetime(2024, 12, 25, 21, 13, 56, tzinfo=UTC),
        None,
        id="trailing-junk",
    ),
    pytest.param(
        "2023-01-05T10:11:12.123Z",
        datetime(2023, 1, 5, 10, 11, 12, 123000, tzinfo=UTC),
        "date.nonstandard",
        id="iso8601-z",
    ),
    pytest.param(
        "2015-10-29 11:38:32.817089-04:00",
        datetime(2015, 10, 29, 11, 38, 32, 817089, tzinfo=_tz(-4)),
        "date.nonstandard",
        # corpus: dkim/blaze-003-janestreet-google-to-gmail-spf-recheck-fail.eml
        id="iso8601-offset",
    ),
    pytest.param(
        "2023-07-28 19:32:25.928333532 +0000 UTC m=+6810983.819096959",
        datetime(2023, 7, 28, 19, 32, 25, 928333, tzinfo=UTC),
        "date.nonstandard",
        # corpus: eml/sendgrid-received-iso8601-timestamps-to-eop.eml
        id="sendgrid-go-time-string",
    ),
    pytest.param(
        "Fri, 28 Jul 2023 19:32:25.608 +0000 (UTC)",
        datetime(2023, 7, 28, 19, 32, 25, 608000, tzinfo=UTC),
        "date.nonstandard",
        # corpus: eml/sendgrid-received-iso8601-timestamps-to-eop.eml
        id="sendgrid-fractional-seconds",
    ),
    pytest.param(
        "Pn, 29 paX 2007 21:13:00 +0100",
        datetime(2007, 10, 29, 21, 13, tzinfo=_tz(1)),
        "date.nonstandard",
        # corpus: eml/nonenglish-date-pn-pax-2007-with-trendmicro-smex-headers.eml
        id="polish-garbled-month",
    ),
    pytest.param(
        "pn, 5 lis 2007 10:00:00 +0100",
        datetime(2007, 11, 5, 10, 0, tzinfo=_tz(1)),
        "date.nonstandard",
        id="polish-weekday-and-month",
    ),
    pytest.param(
        "Mo, 3 Okt 2022 10:00:00 +0200",
        datetime(2022, 10, 3, 10, 0, tzinfo=_tz(2)),
        "date.nonstandard",
        id="german",
    ),
    pytest.param(
        "\u00c2\u00b2, 14 Feb 2023 11:57:47",
        datetime(2023, 2, 14, 11, 57, 47, tzinfo=UTC),
        "date.no-zone",
        # corpus: eml/garbled-nonascii-weekday-in-date-no-received.eml
        id="garbled-weekday-no-zone",
    ),
    pytest.param(
        "Sat, 05 Oct 2024 00:48:25 +",
        datetime(2024, 10, 5, 0, 48, 25, tzinfo=UTC),
        "date.no-zone",
        # corpus: eml/mailgun-spoof-arc-reject-spf-softfail-dkim-fail-invalid-date.eml
        id="truncated-zone",
    ),
    pytest.param(
        "Mon, 5 Nov 2007 20:17:37",
        datetime(2007, 11, 5, 20, 17, 37, tzinfo=UTC),
        "date.no-zone",
        id="missing-zone-is-utc-with-defect",
    ),
]


@pytest.mark.parametrize(("text", "expected", "defect"), CASES)
def test_parse_date(text: str, expected: datetime, defect: str | None) -> None:
    dt, d = parse_date(text)
    assert dt is not None
    assert dt.tzinfo is not None
    assert dt == expected
    assert dt.utcoffset() == expected.utcoffset()
    assert (d.code if d else None) == defect


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("", "date.missing", id="empty"),
        pytest.param("   ", "date.missing", id="blank"),
        pytest.param("garbage", "date.unparseable", id="garbage"),
        pytest.param("11-04-2023", "date.unparseable", id="dd-mm-yyyy-without-time"),
        # corpus: eml/sourceforge-list-smtpsvc-date-1899.eml (Exchange/Outlook zero date)
        pytest.param("Sat, 30 Dec 1899 00:00:00 +0000", "date.placeholder", id="exchange-1899"),
        pytest.param("Mon, 1 Jan 1601 00:00:00 +0000", "date.placeholder", id="filetime-1601"),
    ],
)
def test_parse_date_gives_none_with_defect(text: str, code: str) -> None:
    dt, d = parse_date(text)
    assert dt is None
    assert d is not None
    assert d.code == code


def test_implausible_year_is_kept_but_flagged() -> None:
    # RFC 5322 §A.6.3 style: a real but improbable year for mail is kept, with a warning.
    dt, d = parse_date("Thu, 13 Feb 1969 23:32:54 -0330")
    assert dt == datetime(1969, 2, 13, 23, 32, 54, tzinfo=timezone(timedelta(hours=-3.5)))
    assert d is not None
    assert d.code == "date.implausible"


@pytest.mark.parametrize(
    "text",
    ["(", ")", "99 Foo 99999 99:99:99 +9999", "Mon, 32 Jan 2020 10:00:00 +0000", "\x00\x1b[31m"],
)
def test_never_raises(text: str) -> None:
    dt, d = parse_date(text)
    assert dt is None or dt.tzinfo is not None
    assert dt is not None or d is not None
