"""Types for decoded vendor headers (EOP, Exchange, Trend Micro, Gmail...)."""

from __future__ import annotations

from dataclasses import dataclass

from headerlens.model.core import Defect, Severity
from headerlens.model.dcmethods import ModelMethods


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DecodedField(ModelMethods):
    """One field inside a vendor header, with a one-line meaning.

    ``meaning`` is None for fields we do not know; the raw ``value`` always stays visible.
    ``severity`` flags values that matter (SCL 9, SFV:SPM...).
    """

    key: str
    value: str
    label: str | None = None  # short human name of the key ("Spam confidence level")
    meaning: str | None = None  # plain-language reading of this value
    severity: Severity = Severity.INFO


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class VendorHeader(ModelMethods):
    """A vendor header decoded into fields."""

    header_name: str
    header_index: int
    vendor: str  # "Microsoft EOP", "Microsoft Exchange", "Trend Micro", "Gmail", ...
    raw: str
    summary: str | None = None  # one line: what this header says overall
    fields: tuple[DecodedField, ...] = ()
    defects: tuple[Defect, ...] = ()
    stamped_by_hop: int | None = None  # the hop whose receiver added this header

    def at_hop(self, hop: int | None) -> VendorHeader:
        """This header attributed to ``hop`` (a copy; cheaper than dataclasses.replace, which
        analyze() would call for every vendor header of every message)."""
        return VendorHeader(
            self.header_name,
            self.header_index,
            self.vendor,
            self.raw,
            self.summary,
            self.fields,
            self.defects,
            hop,
        )

    @property
    def severity(self) -> Severity:
        """The highest severity among the decoded fields (INFO when there are none)."""
        order = (Severity.INFO, Severity.WARNING, Severity.ERROR)
        return max((f.severity for f in self.fields), key=order.index, default=Severity.INFO)
