"""Risk of one finding: MITRE rubric, SSVC and the FDA postmarket assessment, from stored answers.

Answers are looked up most specific scope first: an explicit scope (e.g. ``interface:ble``), then
``component:<identity>``, then ``product``, per question. The base vector is the finding's highest
scoring CVSS v3.x vector. The day the manufacturer learned of a vulnerability is the stored
``learned_on`` fact (scope ``vulnerability:<id>``), else the earliest analysis date of a stored SBOM
revision of the product with that finding, else today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hemostat.assess.postmarket import PostmarketAssessment, assess_postmarket
from hemostat.assess.postmarket_matrix import RiskControl, exploitability_from_cvss
from hemostat.assess.rubric import RubricResult, apply_rubric
from hemostat.assess.ssvc import SsvcDecision
from hemostat.assess.ssvc_points import (
    deployer_decision,
    exploit_reported,
    exploitation_from_evidence,
    supplier_decision,
)
from hemostat.domain.scan import RatedFinding
from hemostat.domain.threat import HarmSeverity
from hemostat.errors import NotFoundError, UsageError
from hemostat.services.catalog import get_product, get_release
from hemostat.services.risk_answers import CONTEXT, DATES, UNKNOWN, check_answers, check_scope
from hemostat.services.triage import (
    SETTLED,
    RiskInfo,
    RiskLookup,
    TriageItem,
    resolve_component,
)
from hemostat.store import feed_records as frec
from hemostat.store import feed_repositories as frepo_feed
from hemostat.store import finding_repositories as frepo
from hemostat.store import repositories as repo
from hemostat.store import risk_tables as rrepo
from hemostat.store.finding_tables import AnalysisRow

SUPPLIER_RANK = {"immediate": 3, "out-of-cycle": 2, "scheduled": 1, "defer": 0}


@dataclass(frozen=True, slots=True)
class Subject:
    product: str
    release: str
    vulnerability: str
    bom_ref: str
    identity: str
    finding: RatedFinding
    scopes: tuple[str, ...]  # answer lookup order, most specific first


@dataclass(frozen=True, slots=True)
class RubricView:
    subject: Subject
    answers: dict[str, str]  # question -> answer in force
    sources: dict[str, str]  # question -> scope it came from
    result: RubricResult


@dataclass(frozen=True, slots=True)
class SsvcView:
    subject: Subject
    supplier: SsvcDecision
    deployer: SsvcDecision
    inputs: tuple[tuple[str, str, str], ...]  # (input, value, where it came from)


@dataclass(frozen=True, slots=True)
class PostmarketView:
    subject: Subject
    assessment: PostmarketAssessment
    inputs: tuple[tuple[str, str, str], ...]


def answer_rubric(
    session: Session, *, product: str, scope: str, answers: dict[str, str], author: str
) -> list[rrepo.StoredAnswer]:
    """Store answers once for a product scope (append-only: the latest answer wins)."""
    get_product(session, product)
    sc = check_scope(scope)
    if not author.strip():
        raise UsageError("author is empty", location="author", hint="who answered (Part 11)")
    return rrepo.insert_answers(
        session, product=product, scope=sc, answers=check_answers(sc, answers), author=author
    )


def base_vector(finding: RatedFinding) -> str | None:
    v3 = [c for c in finding.finding.cvss if c.version.startswith("3") and c.vector]
    return max(v3, key=lambda c: c.base_score).vector if v3 else None


@dataclass
class _Context:
    """Caches a session's answers and findings for many findings (the triage queue)."""

    session: Session
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    _answers: dict[str, dict[str, dict[str, rrepo.StoredAnswer]]] = field(default_factory=dict)
    _findings: dict[tuple[str, str], list[RatedFinding]] = field(default_factory=dict)
    _exploited: dict[str, str] | None = None  # vulnerability id -> CSAF advisory reporting exploits

    def answers(self, product: str) -> dict[str, dict[str, rrepo.StoredAnswer]]:
        if product not in self._answers:
            self._answers[product] = rrepo.latest_answers(self.session, product)
        return self._answers[product]

    def findings(self, product: str, release: str) -> list[RatedFinding]:
        key = (product, release)
        if key not in self._findings:
            row = repo.sbom_revision(self.session, get_release(self.session, *key).id, None)
            self._findings[key] = frepo.findings_of(self.session, row.id) if row else []
        return self._findings[key]

    def subject(
        self, product: str, release: str, vulnerability: str, component: str | None,
        scope: str | None = None,
    ) -> Subject:  # fmt: skip
        hits = self._hits(product, release, vulnerability, component)
        if not hits and component is not None:  # a component name: resolve it to its identity
            component = resolve_component(self.session, product, release, component)[0]
            hits = self._hits(product, release, vulnerability, component)
        if len(hits) != 1:
            what = "no stored finding" if not hits else "several components have"
            raise NotFoundError(
                f"{what} {vulnerability} in {product}@{release}"
                + (f" on {component!r}" if component else ""),
                location="component",
                hint="name the component by bom-ref or identity; run `analyze` after an import",
            )
        f = hits[0].finding
        scopes = tuple(s for s in (scope, f"component:{f.identity}", "product") if s)
        return Subject(product, release, vulnerability, f.component, f.identity, hits[0], scopes)

    def _hits(
        self, product: str, release: str, vulnerability: str, component: str | None
    ) -> list[RatedFinding]:
        return [
            rf for rf in self.findings(product, release)
            if rf.finding.vulnerability == vulnerability
            and component in (None, rf.finding.component, rf.finding.identity)
        ]  # fmt: skip

    def in_force(self, subject: Subject) -> dict[str, rrepo.StoredAnswer]:
        by_scope = self.answers(subject.product)
        merged: dict[str, rrepo.StoredAnswer] = {}
        for scope in reversed(subject.scopes):  # most specific last: it overrides
            merged.update(by_scope.get(scope, {}))
        return merged

    def rubric(self, subject: Subject) -> RubricView:
        answers = {q: a for q, a in self.in_force(subject).items() if q not in CONTEXT}
        plain = {q: a.answer for q, a in answers.items()}
        result = apply_rubric(plain, base_vector(subject.finding))
        return RubricView(subject, plain, {q: a.scope for q, a in answers.items()}, result)

    def context(self, subject: Subject, question: str) -> tuple[str, str]:
        """(value, source) of a context question; unknown or unanswered -> worse value."""
        stored = self.in_force(subject).get(question)
        if stored is None or stored.answer == UNKNOWN:
            label = "unknown" if stored else "unanswered"
            return CONTEXT[question][0], f"{label}: worse value"
        return stored.answer, f"{stored.scope} ({stored.author}, {stored.at:%Y-%m-%d})"

    def csaf_exploit(self, ids: tuple[str, ...]) -> str | None:
        """The stored CSAF advisory whose exploit_status threat reports an exploit for any id."""
        if self._exploited is None:
            self._exploited = {}
            for blob in frec.all_advisory_blobs(self.session):
                adv = frepo_feed.decode_advisory(blob)
                for v in adv.vulnerabilities:
                    if any(exploit_reported(d) for d in v.exploit_status):
                        for vid in (v.cve, *v.ids):
                            if vid:
                                self._exploited.setdefault(vid, adv.id)
        return next((self._exploited[i] for i in ids if i in self._exploited), None)

    def ssvc(self, subject: Subject) -> SsvcView:
        f = subject.finding.finding
        csaf = self.csaf_exploit((f.vulnerability, *f.aliases))
        expl, why = exploitation_from_evidence(
            in_kev=f.kev is not None,
            csaf_exploit_status=csaf is not None,
            epss=f.epss.epss if f.epss else None,
        )
        if csaf is not None and expl == "public poc":
            why += f" ({csaf})"
        vector = self.rubric(subject).result.vector
        ti, ti_src = self.context(subject, "technical_impact")
        if ti_src.startswith("un"):  # [OURS] no answer: total when C:H and I:H, else partial
            ti = "total" if "/C:H/I:H/" in vector else "partial"
            ti_src = f"from adjusted vector {vector} [OURS]"
        vals = {q: self.context(subject, q) for q in CONTEXT if q not in ("technical_impact",)}
        harm = HarmSeverity(vals["harm_severity"][0])
        auto = vals["automatable"][0] == "yes"
        sup = supplier_decision(
            exploitation=expl, automatable=auto, value_density=vals["value_density"][0],
            technical_impact=ti, harm=harm,
        )  # fmt: skip
        dep = deployer_decision(
            exploitation=expl, exposure=vals["exposure"][0], automatable=auto, harm=harm,
            mission_impact=vals["mission_impact"][0],
        )  # fmt: skip
        inputs = (
            ("exploitation", expl, why),
            ("technical_impact", ti, ti_src),
            *((q, v, src) for q, (v, src) in vals.items() if q != "isao"),
        )
        return SsvcView(subject, sup, dep, inputs)

    def learned_on(self, subject: Subject) -> tuple[date, str]:
        facts = self.answers(subject.product).get(f"vulnerability:{subject.vulnerability}", {})
        if "learned_on" in facts:
            return date.fromisoformat(facts["learned_on"].answer), "recorded learned_on"
        hits = frepo.findings_for_vulnerability(self.session, [subject.vulnerability])
        sboms = _sbom_ids(self.session, subject.product, [(p, r, n) for p, r, n, _, _ in hits])
        q = select(AnalysisRow.analyzed_at).where(AnalysisRow.sbom_id.in_(sboms))
        first = min(self.session.scalars(q), default=None)
        if first is not None:
            return first.date(), "first stored analysis with this finding"
        return self.today, "no record: today"

    def postmarket(self, subject: Subject) -> PostmarketView:
        vector = self.rubric(subject).result.vector
        level, why = exploitability_from_cvss(vector)
        harm, harm_src = self.context(subject, "harm_severity")
        isao, isao_src = self.context(subject, "isao")
        learned, learned_src = self.learned_on(subject)
        facts = self.answers(subject.product).get(f"vulnerability:{subject.vulnerability}", {})
        dates = {k: date.fromisoformat(facts[k].answer) for k in DATES[1:] if k in facts}
        adverse = "adverse_event" in facts and facts["adverse_event"].answer == "yes"
        result = assess_postmarket(
            level, HarmSeverity(harm), learned_on=learned, today=self.today,
            isao_participant=isao == "yes", serious_adverse_event_known=adverse,
            customer_notified_on=dates.get("customer_notified_on"),
            fix_distributed_on=dates.get("fix_distributed_on"),
        )  # fmt: skip
        inputs = (
            ("exploitability", level.value, why),
            ("harm_severity", harm, harm_src),
            ("learned_on", learned.isoformat(), learned_src),
            ("isao", isao, isao_src),
        )
        return PostmarketView(subject, result, inputs)


def _sbom_ids(session: Session, product: str, hits: list[tuple[str, str, int]]) -> set[int]:
    out = set()
    for p, release, revision in hits:
        if p != product:
            continue
        row = repo.sbom_revision(session, get_release(session, p, release).id, revision)
        if row is not None:
            out.add(row.id)
    return out


def rubric_for(
    session: Session, *, product: str, release: str, vulnerability: str,
    component: str | None = None, scope: str | None = None,
) -> RubricView:  # fmt: skip
    """Adjusted CVSS v3.1 vector and rationale for one finding from the stored answers."""
    ctx = _Context(session)
    sc = check_scope(scope) if scope else None
    return ctx.rubric(ctx.subject(product, release, vulnerability, component, sc))


def ssvc_for(
    session: Session, *, product: str, release: str, vulnerability: str,
    component: str | None = None, scope: str | None = None,
) -> SsvcView:  # fmt: skip
    """Supplier and deployer SSVC decisions (CERT/CC tables, versions cited) for one finding."""
    ctx = _Context(session)
    sc = check_scope(scope) if scope else None
    return ctx.ssvc(ctx.subject(product, release, vulnerability, component, sc))


def postmarket_for(
    session: Session, *, product: str, release: str, vulnerability: str,
    component: str | None = None, scope: str | None = None, today: date | None = None,
) -> PostmarketView:  # fmt: skip
    """FDA postmarket assessment; exploitability from the rubric-adjusted vector."""
    ctx = _Context(session, today or datetime.now(UTC).date())
    sc = check_scope(scope) if scope else None
    return ctx.postmarket(ctx.subject(product, release, vulnerability, component, sc))


def risk_lookup(session: Session, *, today: date | None = None) -> RiskLookup:
    """For ``triage_list``: uncontrolled risk and the supplier SSVC outcome rank of an item."""
    ctx = _Context(session, today or datetime.now(UTC).date())

    def lookup(item: TriageItem) -> RiskInfo | None:
        if item.declared:  # no stored finding (no CVSS, no evidence) to assess
            return None
        if item.state in SETTLED:  # not affected, or fixed: no patient risk left to clock
            return RiskInfo(control=item.state)
        subject = ctx.subject(item.product, item.release, item.vulnerability, item.bom_ref)
        assessment = ctx.postmarket(subject).assessment
        outcome = ctx.ssvc(subject).supplier.outcome
        return RiskInfo(
            uncontrolled=assessment.control is RiskControl.UNCONTROLLED,
            ssvc_rank=SUPPLIER_RANK.get(outcome, 0),
            overdue=assessment.overdue,
            next_due=assessment.next_due,
            control=assessment.control.value,
            ssvc=outcome,
        )

    return lookup
