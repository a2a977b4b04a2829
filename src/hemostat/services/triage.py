"""Triage decisions: append-only analysis records per (product, component identity,
vulnerability), carried forward into new revisions and releases, never lost.

A record is written on one release; ``decisions_for_release`` shows, for every key the product
has ever decided, the release's own latest record or else the latest one of any other release
("carried from <release>", unconfirmed until someone records one on this release).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hemostat.domain.assessment import Justification, Response, VexStatus
from hemostat.domain.decision import (
    GENESIS,
    AnalysisRecord,
    chain_hash,
    hashed_fields,
    parse_justification,
    parse_responses,
    parse_status,
    record_hash,
    validate_decision,
)
from hemostat.errors import ConflictError, NotFoundError, UsageError
from hemostat.services.catalog import get_product, get_release
from hemostat.store import decision_repositories as drepo
from hemostat.store import feed_records as frec
from hemostat.store import finding_repositories as frepo
from hemostat.store import repositories as repo

_CHAIN_RETRIES = 5  # another key's writer took the chain head: re-read it and try again


def current_components(session: Session, product: str, release: str) -> dict[str, str]:
    """identity -> bom-ref of the release's latest SBOM revision (empty without an SBOM)."""
    rel = get_release(session, product, release)
    row = repo.sbom_revision(session, rel.id, None)
    if row is None:
        return {}
    return {c.identity: c.bom_ref for c in repo.component_rows(session, row.id)}


def resolve_component(
    session: Session, product: str, release: str, component: str
) -> tuple[str, str]:
    """(identity, bom-ref) of a component named by bom-ref, identity or (if unique) name; a
    removed component can still be decided on by the identity of an earlier decision."""
    rel = get_release(session, product, release)
    row = repo.sbom_revision(session, rel.id, None)
    rows = repo.component_rows(session, row.id) if row is not None else []
    for c in rows:
        if component in (c.bom_ref, c.identity):
            return c.identity, c.bom_ref
    named = sorted({(c.identity, c.bom_ref) for c in rows if c.name.lower() == component.lower()})
    if len(named) == 1:
        return named[0]
    if named:
        raise UsageError(
            f"{len(named)} components are named {component!r} in {product}@{release}",
            location="component",
            hint="name one by bom-ref: " + ", ".join(ref for _, ref in named),
        )
    for rec in drepo.records_of_product(session, product):
        if component in (rec.identity, rec.bom_ref):
            return rec.identity, rec.bom_ref
    raise NotFoundError(
        f"no component {component!r} in {product}@{release}",
        location="component",
        hint="name it by bom-ref, identity or name (see `sbom show`)",
    )


def set_decision(
    session: Session,
    *,
    product: str,
    release: str,
    vulnerability: str,
    component: str,
    status: VexStatus | str,
    justification: Justification | str | None = None,
    response: tuple[Response | str, ...] = (),
    detail: str = "",
    author: str,
    reason: str,
    expected_sequence: int | None = None,
    origin: str = "manual",
) -> AnalysisRecord:
    """Append a decision. A stale ``expected_sequence`` or a lost race raises ConflictError after
    recording the attempt in ``analysis_conflicts`` (the caller's transaction is rolled back)."""
    st = parse_status(str(status))
    just = parse_justification(None if justification is None else str(justification))
    resp = parse_responses(str(r) for r in response)
    validate_decision(st, just, resp)
    for name, value in (("author", author), ("reason", reason), ("vulnerability", vulnerability)):
        if not value.strip():
            raise UsageError(f"{name} is empty", location=name, hint="Part 11 records need it")
    identity, bom_ref = resolve_component(session, product, release, component)
    key = drepo.key_hash(product, identity, vulnerability)
    for _ in range(_CHAIN_RETRIES):
        latest = drepo.latest_of_key(session, key)
        seq = latest.sequence if latest else 0
        draft = AnalysisRecord(
            f"{product}@{release}", identity, bom_ref, vulnerability, st, just, resp, detail,
            author, reason, datetime.now(UTC), seq + 1, latest.hash if latest else GENESIS, "",
            origin,
        )  # fmt: skip
        if expected_sequence is not None and expected_sequence != seq:
            _conflict(session, key, draft, expected_sequence, seq)
        record = replace(draft, hash=record_hash(draft.previous_hash, hashed_fields(draft)))
        head = drepo.chain_head(session)
        try:
            with session.begin_nested():
                drepo.insert_record(
                    session, record, key=key, chain_previous=head,
                    chain_hash=chain_hash(head, record.hash),
                )  # fmt: skip
            return record
        except IntegrityError:
            now = drepo.latest_of_key(session, key)
            if (now.sequence if now else 0) != seq:
                _conflict(session, key, draft, expected_sequence, now.sequence if now else 0)
    raise ConflictError("too many concurrent writers; try again", code="conflict")


def _conflict(
    session: Session, key: str, draft: AnalysisRecord, expected: int | None, found: int
) -> None:
    """Record the losing attempt in its own transaction, then raise ConflictError."""
    session.rollback()  # release our locks (SQLite): this action fails as a whole anyway
    attempt: dict[str, Any] = hashed_fields(draft)
    with Session(session.get_bind()) as other:
        drepo.insert_conflict(
            other, key_hash=key, product=draft.product, release=draft.release.rsplit("@", 1)[1],
            identity=draft.identity, vuln_id=draft.vulnerability, expected_sequence=expected,
            found_sequence=found, attempt=attempt, author=draft.author, at=draft.at,
        )  # fmt: skip
        other.commit()
    raise ConflictError(
        f"{draft.vulnerability} on {draft.identity} changed meanwhile: "
        f"expected sequence {expected if expected is not None else found}, found {found}",
        location="expected_sequence",
        hint="show the decision again and re-apply your change on top of the latest one",
    )


def history(
    session: Session,
    *,
    product: str,
    vulnerability: str | None = None,
    identity: str | None = None,
) -> list[AnalysisRecord]:
    """Every record ever written for the product (optionally one vulnerability / identity)."""
    get_product(session, product)
    rows = drepo.records_of_product(session, product)
    return [
        drepo.record_from_row(r)
        for r in rows
        if (vulnerability is None or r.vuln_id == vulnerability)
        and (identity is None or r.identity == identity)
    ]


def decisions_for_release(session: Session, product: str, release: str) -> list[AnalysisRecord]:
    """The decision in force for every (identity, vulnerability) the product has ever decided."""
    comps = current_components(session, product, release)
    own: dict[tuple[str, str], AnalysisRecord] = {}
    anywhere: dict[tuple[str, str], AnalysisRecord] = {}
    here = f"{product}@{release}"
    for row in drepo.records_of_product(session, product):  # id order: later wins
        rec = drepo.record_from_row(row)
        key = (rec.identity, rec.vulnerability)
        anywhere[key] = rec
        if rec.release == here:
            own[key] = rec
    out = []
    for key, latest in anywhere.items():
        mine = own.get(key)
        rec = mine or replace(latest, origin=f"carried:{latest.release}", confirmed=False)
        ref = comps.get(rec.identity)
        rec = replace(rec, bom_ref=ref or rec.bom_ref, component_removed=ref is None)
        out.append(rec)
    return sorted(out, key=lambda r: (r.vulnerability, r.identity))


@dataclass(frozen=True, slots=True)
class RiskInfo:
    """Hooks for the RISK helper: postmarket assessment and SSVC outcome of one finding."""

    uncontrolled: bool = False
    ssvc_rank: int = 0  # higher is more urgent (e.g. act=3, attend=2, track*=1, track=0)
    overdue: bool = False  # an FDA postmarket deadline (30-day notice, 60-day fix) has passed
    next_due: date | None = None  # the earliest open postmarket deadline
    control: str = ""  # the postmarket assessment: "controlled" | "uncontrolled"
    ssvc: str = ""  # the supplier SSVC outcome, e.g. "out-of-cycle"


@dataclass(frozen=True, slots=True)
class TriageItem:
    product: str
    release: str
    bom_ref: str
    identity: str
    vulnerability: str
    kev: bool
    score: float | None
    epss: float | None
    decision: AnalysisRecord | None
    risk: RiskInfo | None = None  # filled by ``triage_list(risk=...)``
    # Not matched by Hemostat: a decision (e.g. a supplier's VEX) says the component is affected.
    declared: bool = False

    @property
    def state(self) -> str:
        return self.decision.status.value if self.decision else UNTRIAGED


UNTRIAGED = "untriaged"
SETTLED = (VexStatus.NOT_AFFECTED.value, VexStatus.FIXED.value)  # nothing left to do or to clock
RiskLookup = Callable[[TriageItem], RiskInfo | None]


def priority_key(item: TriageItem, risk: RiskInfo | None = None) -> tuple[Any, ...]:
    """Open items before settled ones (not_affected, fixed); then overdue postmarket items,
    uncontrolled risk (soonest deadline first), KEV, SSVC outcome, EPSS, highest CVSS; ties by
    id."""
    r = risk or RiskInfo()
    return (
        item.state in SETTLED,
        not r.overdue,
        not r.uncontrolled,
        r.next_due or date.max,
        not item.kev,
        -r.ssvc_rank,
        -(item.epss if item.epss is not None else -1.0),
        -(item.score if item.score is not None else -1.0),
        item.vulnerability,
        item.product,
        item.release,
        item.bom_ref,
    )


def triage_list(
    session: Session,
    *,
    product: str | None = None,
    release: str | None = None,
    state: str | None = None,
    risk: RiskLookup | None = None,
) -> list[TriageItem]:
    """The queue: stored findings of each release's latest SBOM with the decision in force."""
    if state is not None and state != UNTRIAGED:
        state = parse_status(state).value
    pid = get_product(session, product).id if product else None
    items: list[TriageItem] = []
    for rel, key in repo.list_releases(session, pid):
        if release is not None and rel.version != release:
            continue
        items.extend(_release_items(session, key, rel.version))
    if state is not None:
        items = [i for i in items if i.state == state]
    if risk is not None:
        items = [replace(i, risk=risk(i)) for i in items]
    return sorted(items, key=lambda i: priority_key(i, i.risk))


def _release_items(session: Session, product: str, release: str) -> list[TriageItem]:
    row = repo.sbom_revision(session, get_release(session, product, release).id, None)
    if row is None:
        return []
    decisions = {
        (d.identity, d.vulnerability): d for d in decisions_for_release(session, product, release)
    }
    out = []
    for rf in frepo.findings_of(session, row.id):
        f = rf.finding
        out.append(
            TriageItem(
                product, release, f.component, f.identity, f.vulnerability, f.kev is not None,
                rf.score, f.epss.epss if f.epss else None,
                decisions.get((f.identity, f.vulnerability)),
            )
        )  # fmt: skip
    return out + _declared(session, product, release, decisions, out)


def _declared(
    session: Session,
    product: str,
    release: str,
    decisions: dict[tuple[str, str], AnalysisRecord],
    matched: list[TriageItem],
) -> list[TriageItem]:
    """Decisions that add a finding: affected, on a component still in the SBOM, for a
    vulnerability Hemostat did not match there (a supplier's VEX knows its own code)."""
    seen = {(i.identity, i.vulnerability) for i in matched}
    extra = [
        d
        for key, d in decisions.items()
        if key not in seen and d.status is VexStatus.AFFECTED and not d.component_removed
    ]
    if not extra:
        return []
    cves = {d.vulnerability for d in extra}
    kev = frec.kev_of(session, cves)
    epss = {c: e for c, e, *_ in frec.epss_of(session, cves)}
    return [
        TriageItem(
            product, release, d.bom_ref, d.identity, d.vulnerability, d.vulnerability in kev,
            None, epss.get(d.vulnerability), d, declared=True,
        )
        for d in extra
    ]  # fmt: skip
