"""Diagnosis (pure): the situation a message is in, where time went, and what the receiver did."""

from __future__ import annotations

from headerlens.diagnosis.diagnose import diagnose
from headerlens.diagnosis.facts import LABELS, Diagnosis, Gap, GapKind, Outcome, Situation

__all__ = ["LABELS", "Diagnosis", "Gap", "GapKind", "Outcome", "Situation", "diagnose"]
