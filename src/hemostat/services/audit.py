"""`hemostat audit verify`: recompute the analysis records' hash chains.

Two chains: per (product, identity, vulnerability) each record's ``previous_hash`` is the hash of
the record before it (sequence 1, 2, ...), and across the table each record's ``chain_previous``
is the ``chain_hash`` of the record inserted just before it (id order). An edited row fails its
own hash; a deleted, inserted or reordered row breaks a link. Deleting the very last record is
only visible against an anchor kept elsewhere (``AuditReport.head``: note it down).

Then the evidence: every stored VEX document must still hash to its sha256, and every supplier
decision must cite (by sha256 in its reason) a document that is stored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from hemostat.domain.decision import GENESIS, chain_hash, hashed_fields, record_hash
from hemostat.store import decision_repositories as drepo
from hemostat.store import vex_document_tables as vexdocs
from hemostat.store.decision_tables import AnalysisRecordRow


@dataclass(frozen=True, slots=True)
class AuditReport:
    records: int
    head: str  # chain hash of the last record (GENESIS when empty)
    broken_at: int | None = None  # id of the first record whose link is broken
    problem: str = ""
    documents: int = 0  # stored VEX documents checked

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problem


def verify(session: Session) -> AuditReport:
    head = GENESIS
    last: dict[str, tuple[int, str]] = {}  # key hash -> (sequence, record hash)
    rows = drepo.all_records(session)
    for row in rows:
        problem = _check(row, head, last.get(row.key_hash, (0, GENESIS)))
        if problem:
            return AuditReport(len(rows), head, row.id, problem)
        last[row.key_hash] = (row.sequence, row.hash)
        head = row.chain_hash
    docs, problem = _evidence(session, rows)
    return AuditReport(len(rows), head, problem=problem, documents=docs)


_CITED = re.compile(r"sha256 ([0-9a-f]{64})")


def _evidence(session: Session, rows: Sequence[AnalysisRecordRow]) -> tuple[int, str]:
    stored: set[str] = set()
    for doc in vexdocs.rows(session):
        if hashlib.sha256(doc.raw).hexdigest() != doc.sha256:
            return len(stored), f"VEX document {doc.sha256} no longer matches its sha256 (edited)"
        stored.add(doc.sha256)
    for row in rows:
        cited = _CITED.search(row.reason) if row.origin.startswith("supplier:") else None
        if cited and cited.group(1) not in stored:
            return len(stored), f"record {row.id} cites VEX document {cited.group(1)}, not stored"
    return len(stored), ""


def _check(row: AnalysisRecordRow, head: str, prev: tuple[int, str]) -> str:
    rec = drepo.record_from_row(row)
    where = f"record {row.id} ({rec.release} {rec.vulnerability} #{row.sequence})"
    if drepo.key_hash(rec.product, rec.identity, rec.vulnerability) != row.key_hash:
        return f"{where}: its key does not match its product, component and vulnerability"
    if record_hash(rec.previous_hash, hashed_fields(rec)) != row.hash:
        return f"{where}: content does not match its hash (edited)"
    if row.sequence != prev[0] + 1 or row.previous_hash != prev[1]:
        return f"{where}: follows sequence {prev[0]} of its decision (missing or reordered)"
    if row.chain_previous != head or chain_hash(head, row.hash) != row.chain_hash:
        return f"{where}: table chain broken before it (a record deleted, inserted or moved)"
    return ""
