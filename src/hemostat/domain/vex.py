"""A VEX document as frozen values: who says what about which product and vulnerability.

Renderers (``report.vex_*``) write it as CycloneDX 1.6, OpenVEX 0.2.0 or CSAF 2.0; readers
(``ingest.vex_read``) build it from any of the three. The vocabulary is the one of
``domain.assessment``; a statement that is ``not_affected`` must carry a justification or an
impact statement (OpenVEX rule), which ``check_statement`` enforces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hemostat.domain.assessment import Justification, Response, VexStatus
from hemostat.errors import UsageError


@dataclass(frozen=True, slots=True)
class VexProduct:
    """A product or component a statement is about; any identifier may be missing."""

    bom_ref: str = ""
    name: str = ""
    version: str = ""
    purl: str = ""
    cpe: str = ""
    csaf_product_id: str = ""

    def key(self) -> str:
        """A stable identifier: bom-ref, else purl, else CPE, else CSAF id, else name@version."""
        return (
            self.bom_ref
            or self.purl
            or self.cpe
            or self.csaf_product_id
            or f"{self.name}@{self.version}"
        )


@dataclass(frozen=True, slots=True)
class VexStatement:
    vulnerability: str
    product: VexProduct
    status: VexStatus
    timestamp: datetime
    aliases: tuple[str, ...] = ()
    justification: Justification | None = None
    responses: tuple[Response, ...] = ()
    detail: str = ""
    impact_statement: str = ""
    action_statement: str = ""
    last_updated: datetime | None = None

    def sort_key(self) -> tuple[str, str, str]:
        return (self.vulnerability, self.product.key(), self.status.value)


@dataclass(frozen=True, slots=True)
class Revision:
    """One entry of a CSAF revision history."""

    number: str
    date: datetime
    summary: str


@dataclass(frozen=True, slots=True)
class VexDocument:
    doc_id: str
    author: str
    publisher_name: str
    publisher_namespace: str
    timestamp: datetime
    product_name: str
    product_version: str
    statements: tuple[VexStatement, ...]
    version: int = 1
    title: str = ""
    tracking_status: str = "final"
    revisions: tuple[Revision, ...] = ()
    source: str = ""
    format: str = ""  # "cyclonedx" | "openvex" | "csaf" when read from a document

    def revision_history(self) -> tuple[Revision, ...]:
        """The given revisions, else one per version 1..``version`` dated ``timestamp``."""
        if self.revisions:
            return tuple(sorted(self.revisions, key=lambda r: (r.date, _number_key(r.number))))
        return tuple(
            Revision(str(n), self.timestamp, "Current version" if n == self.version else "Earlier")
            for n in range(1, max(self.version, 1) + 1)
        )

    def sorted_statements(self) -> tuple[VexStatement, ...]:
        return tuple(sorted(self.statements, key=VexStatement.sort_key))


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in number.split("."))


class VexValueError(UsageError):
    """A statement that no VEX format can carry (names the field and the allowed values)."""

    code = "vex_invalid"


def check_statement(st: VexStatement) -> None:
    """Raise ``VexValueError`` for combinations that every VEX format forbids."""
    missing = st.justification is None and not st.impact_statement
    if st.status is VexStatus.NOT_AFFECTED and missing:
        allowed = ", ".join(j.value for j in Justification)
        raise VexValueError(
            f"{st.vulnerability}: status not_affected needs a justification "
            f"(one of: {allowed}) or an impact_statement"
        )
    if st.justification is not None and st.status is not VexStatus.NOT_AFFECTED:
        raise VexValueError(
            f"{st.vulnerability}: justification is allowed only with status not_affected, "
            f"not {st.status.value}"
        )
