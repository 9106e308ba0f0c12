"""Mistakes found by reading real messages outside the development corpus, each as a rule."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.diagnosis import GapKind, diagnose
from tests.paths import CORPUS, need_shared
from tests.test_diagnosis import _chain


def test_skew_of_several_stamps_on_one_wrong_clock_is_not_a_delay() -> None:
    """A gateway whose clock is 67 min slow writes three stamps: -67 min into it, a second or
    two between its own stamps, then +67 min out of it. That is one clock, not a queue."""
    d = diagnose(
        analyze(
            _chain(
                ("mbx.example.org", "Sat, 3 Aug 2024 23:27:15 +0300"),
                ("gw.example.org", "Sat, 3 Aug 2024 22:19:39 +0300"),
                ("gw-scan.example.org", "Sat, 3 Aug 2024 22:19:39 +0300"),
                ("gw-out.example.org", "Sat, 3 Aug 2024 22:19:40 +0300"),
                ("mx.example.net", "Sat, 3 Aug 2024 20:27:18 +0000"),
                ("store.example.net", "Sat, 3 Aug 2024 20:27:20 +0000"),
            )
        )
    )
    kinds = [g.kind for g in d.gaps]
    assert kinds[0] is GapKind.SKEW and kinds[3] is GapKind.SKEW
    assert "gw.example.org" in d.gaps[3].note and "gw-out.example.org" in d.gaps[3].note
    assert "delay" not in d.labels()
    assert d.slowest is not None and d.slowest.seconds == 2


def test_a_real_queue_after_an_unrelated_negative_gap_stays_a_delay() -> None:
    """-5 min then, further on, +40 min: not a mirror, so the 40 min are a queue."""
    d = diagnose(
        analyze(
            _chain(
                ("a.example", "Mon, 1 May 2023 10:05:00 +0000"),
                ("b.example", "Mon, 1 May 2023 10:00:00 +0000"),
                ("c.example", "Mon, 1 May 2023 10:00:01 +0000"),
                ("d.example", "Mon, 1 May 2023 10:40:01 +0000"),
            )
        )
    )
    delay = d.get("delay")
    assert delay is not None and delay.fact("host") == "c.example"


def test_shared_trendmicro_gateway_clock_is_not_a_67_minute_delay() -> None:
    path = CORPUS / "eml" / "exchange2019-onprem-trendmicro-imsva-to-eop-outlookcom-clock-skew.eml"
    need_shared(path)
    d = diagnose(analyze(path.read_bytes(), source_name=path.name))
    assert "delay" not in d.labels()
    assert [g.kind for g in d.gaps if abs(g.seconds) > 3600] == [GapKind.SKEW, GapKind.SKEW]
