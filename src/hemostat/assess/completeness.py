"""SBOM completeness: NTIA minimum elements + FDA premarket extras, scored, with a to-do list.

``check(sbom)`` is pure: the same SBOM and ``today`` always give the same report. Why each check
and weight exists is in docs/completeness.md. ``report_to_dict`` (defined with the values in the
domain module) gives the JSON form.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from hemostat.assess.completeness_actions import build_actions, support_csv_template
from hemostat.domain.completeness import (
    Check,
    CompletenessReport,
    ComponentResult,
    Concern,
    ConcernKind,
    Element,
    ElementScore,
    Outcome,
    Requirement,
    Severity,
    Verdict,
    report_to_dict,
)
from hemostat.domain.component import Component, Sbom, SupportLevel

# element -> (who requires it, weight in the 0-100 score). Weights sum to 100; see the doc.
SPEC: Mapping[Element, tuple[Requirement, int]] = {
    Element.SBOM_AUTHOR: (Requirement.NTIA, 5),
    Element.TIMESTAMP: (Requirement.NTIA, 5),
    Element.DOCUMENT_ID: (Requirement.RECOMMENDED, 4),
    Element.DESCRIBED_SUBJECT: (Requirement.NTIA, 6),
    Element.ROOT_DEPENDENCIES: (Requirement.NTIA, 6),
    Element.DEPENDENCY_COMPLETENESS: (Requirement.RECOMMENDED, 0),
    Element.KNOWN_VULNERABILITIES: (Requirement.FDA, 0),
    Element.SUPPLIER: (Requirement.NTIA, 10),
    Element.NAME: (Requirement.NTIA, 5),
    Element.VERSION: (Requirement.NTIA, 12),
    Element.UNIQUE_IDENTIFIER: (Requirement.NTIA, 15),
    Element.DEPENDENCY_RELATIONSHIP: (Requirement.NTIA, 8),
    Element.LEVEL_OF_SUPPORT: (Requirement.FDA, 12),
    Element.END_OF_SUPPORT: (Requirement.FDA, 12),
    Element.LICENSE: (Requirement.OPTIONAL, 0),
}
_SEVERITY = {
    Requirement.NTIA: Severity.BLOCKER,
    Requirement.FDA: Severity.MAJOR,
    Requirement.RECOMMENDED: Severity.MINOR,
    Requirement.OPTIONAL: Severity.INFO,
}
# Placeholders that mean "not given" (SPDX NOASSERTION, tool defaults); readers may pass them on.
_BLANK = frozenset({"", "noassertion", "none", "unknown", "n/a", "na", "-"})
_NVD_TYPES = frozenset({"firmware", "operating-system", "device-driver"})
_SOON = timedelta(days=365)
# A one-level graph this big is more likely an unresolved listing than a genuinely flat product.
_FLAT = 10

__all__ = ["SPEC", "check", "report_to_dict", "severity_of", "support_csv_template"]


def severity_of(element: Element) -> Severity:
    return _SEVERITY[SPEC[element][0]]


def check(sbom: Sbom, *, today: date | None = None, max_names: int = 5) -> CompletenessReport:
    """Score ``sbom`` against NTIA + FDA elements. ``today`` defaults to the SBOM's own date."""
    report_date = today or (sbom.timestamp.date() if sbom.timestamp else date.today())
    graph = _Graph(sbom)
    document = _document_checks(sbom, graph)
    ordered = sorted(sbom.components, key=_sort_key)
    components = tuple(_component_result(c, graph, report_date) for c in ordered)
    scores = _scores(document, components)
    score = round(sum(s.weight * s.coverage for s in scores) / sum(s.weight for s in scores), 1)
    verdict, summary = _verdict(scores, components)
    actions = build_actions(document, components, severity_of=severity_of, max_names=max_names)
    return CompletenessReport(
        sbom_sha256=sbom.sha256, sbom_name=sbom.name, report_date=report_date, score=score,
        verdict=verdict, summary=summary, scores=scores, actions=actions, document=document,
        components=components,
    )  # fmt: skip


def _given(text: str | None) -> bool:
    return text is not None and text.strip().lower() not in _BLANK


def _ok(element: Element, detail: str = "") -> Check:
    return Check(element, Outcome.PASS, None, detail)


def _bad(element: Element, outcome: Outcome, detail: str) -> Check:
    return Check(element, outcome, severity_of(element), detail)


class _Graph:
    """Dependency edges as adjacency, plus the set of refs that appear in any edge."""

    def __init__(self, sbom: Sbom) -> None:
        self.edges: dict[str, set[str]] = defaultdict(set)
        for d in sbom.dependencies:
            if d.ref != d.depends_on:
                self.edges[d.ref].add(d.depends_on)
        self.nodes = set(self.edges).union(*self.edges.values()) if self.edges else set()
        self.root = sbom.subject.bom_ref if sbom.subject else None

    def depth(self) -> int:
        """Levels below the root (else below the nodes nobody depends on); BFS, cycle-safe."""
        targets = set().union(*self.edges.values()) if self.edges else set()
        starts = [self.root] if self.root else sorted(set(self.edges) - targets)
        seen = dict.fromkeys(starts, 0)
        queue = deque(starts)
        while queue:
            ref = queue.popleft()
            for nxt in self.edges.get(ref, ()):
                if nxt not in seen:
                    seen[nxt] = seen[ref] + 1
                    queue.append(nxt)
        return max(seen.values(), default=0)


def _document_checks(sbom: Sbom, graph: _Graph) -> tuple[Check, ...]:
    return (
        _author(sbom),
        _ok(Element.TIMESTAMP, sbom.timestamp.isoformat())
        if sbom.timestamp
        else _bad(Element.TIMESTAMP, Outcome.FAIL, "no creation timestamp"),
        _ok(Element.DOCUMENT_ID, sbom.serial or "")
        if _given(sbom.serial)
        else _bad(Element.DOCUMENT_ID, Outcome.FAIL, "no serial number / document namespace"),
        _subject(sbom.subject),
        _root_dependencies(graph),
        _dependency_completeness(sbom, graph),
        Check(
            Element.KNOWN_VULNERABILITIES,
            Outcome.PENDING,
            None,
            "filled in once `hemostat scan` matches this SBOM against vulnerability feeds",
        ),
    )


def _author(sbom: Sbom) -> Check:
    named = [a for a in (*sbom.authors, sbom.supplier or "") if _given(a)]
    if named:
        return _ok(Element.SBOM_AUTHOR, ", ".join(named))
    tools = [t for t in sbom.tools if _given(t)]
    if tools:
        # NTIA asks for the entity that wrote the SBOM data; a tool name alone does not say who.
        return _bad(Element.SBOM_AUTHOR, Outcome.PARTIAL, "only a tool is named: " + tools[0])
    return _bad(Element.SBOM_AUTHOR, Outcome.FAIL, "no author, supplier or tool")


def _subject(subject: Component | None) -> Check:
    if subject is None:
        return _bad(
            Element.DESCRIBED_SUBJECT, Outcome.FAIL, "the SBOM names no top-level component"
        )
    # Readers keep the subject out of ``components`` when it is the root, so its own NTIA
    # fields are checked here.
    missing = [f for f in ("version", "supplier") if not _given(getattr(subject, f))]
    if missing:
        detail = f"{subject.name} has no {' or '.join(missing)}"
        return _bad(Element.DESCRIBED_SUBJECT, Outcome.PARTIAL, detail)
    return _ok(Element.DESCRIBED_SUBJECT, _label(subject))


def _root_dependencies(graph: _Graph) -> Check:
    if graph.root is None:
        return _bad(Element.ROOT_DEPENDENCIES, Outcome.FAIL, "no top-level component")
    direct = len(graph.edges.get(graph.root, ()))
    if not direct:
        return _bad(Element.ROOT_DEPENDENCIES, Outcome.FAIL, "the top-level component has none")
    return _ok(Element.ROOT_DEPENDENCIES, f"{direct} direct")


def _dependency_completeness(sbom: Sbom, graph: _Graph) -> Check:
    el, comps = Element.DEPENDENCY_COMPLETENESS, sbom.components
    if not comps:
        return _bad(el, Outcome.FAIL, "the SBOM lists no components")
    if not graph.nodes:
        return _bad(el, Outcome.FAIL, "no dependency relationships at all: depth unknown")
    orphans = sum(1 for c in comps if c.bom_ref not in graph.nodes and c.bom_ref != graph.root)
    depth = graph.depth()
    if orphans:
        return _bad(el, Outcome.PARTIAL, f"{orphans} of {len(comps)} in no relationship")
    if depth <= 1 and len(comps) >= _FLAT:
        return _bad(el, Outcome.PARTIAL, "only direct dependencies of the top-level component")
    return _ok(el, f"depth {depth}" if depth else "")


def _sort_key(c: Component) -> tuple[str, str, str, str]:
    return ((c.group or "").lower(), c.name.lower(), c.version or "", c.bom_ref)


def _label(c: Component) -> str:
    name = f"{c.group}/{c.name}" if c.group else c.name
    return f"{name}@{c.version}" if _given(c.version) else name


def _component_result(c: Component, graph: _Graph, today: date) -> ComponentResult:
    checks = (
        _presence(Element.NAME, c.name),
        _presence(Element.VERSION, c.version),
        _presence(Element.SUPPLIER, c.supplier),
        _identifier(c),
        _ok(Element.DEPENDENCY_RELATIONSHIP)
        if c.bom_ref in graph.nodes or c.bom_ref == graph.root
        else _bad(Element.DEPENDENCY_RELATIONSHIP, Outcome.FAIL, "in no dependency relationship"),
        _level(c),
        _end_of_support(c),
        _ok(Element.LICENSE, " AND ".join(c.licenses))
        if c.licenses
        else Check(
            Element.LICENSE, Outcome.INFO, Severity.INFO, "no license (not an NTIA element)"
        ),
    )
    return ComponentResult(
        c.bom_ref, _label(c), c.type, _match(c), checks, tuple(_concerns(c, today))
    )


def _match(c: Component) -> str:
    """The CSV side-file key (ingest/support_csv.py): purl, else CPE, else name@version."""
    if c.purl or c.cpes:
        return c.purl or c.cpes[0]
    return f"{c.name}@{c.version}" if _given(c.version) else c.name


def _presence(element: Element, value: str | None) -> Check:
    return _ok(element) if _given(value) else _bad(element, Outcome.FAIL, f"no {element.value}")


def _identifier(c: Component) -> Check:
    el = Element.UNIQUE_IDENTIFIER
    if c.purl or c.cpes:
        return _ok(el, c.purl or c.cpes[0])
    if c.hashes:
        return _bad(el, Outcome.PARTIAL, f"only a {c.hashes[0].alg} hash; no purl or CPE")
    return _bad(el, Outcome.FAIL, "no purl, CPE or hash")


def _level(c: Component) -> Check:
    el, level = Element.LEVEL_OF_SUPPORT, c.level_of_support
    if level is None:
        return _bad(el, Outcome.FAIL, "not stated")
    if level is SupportLevel.UNKNOWN:
        if _given(c.support_note):
            return Check(el, Outcome.JUSTIFIED, None, f"unknown: {c.support_note}")
        return _bad(el, Outcome.PARTIAL, "stated as unknown without a justification")
    return _ok(el, level.value)


def _end_of_support(c: Component) -> Check:
    el = Element.END_OF_SUPPORT
    if c.end_of_support is not None:
        return _ok(el, c.end_of_support.isoformat())
    if _given(c.support_note):
        return Check(el, Outcome.JUSTIFIED, None, str(c.support_note))
    return _bad(el, Outcome.FAIL, "no date and no justification")


def _concerns(c: Component, today: date) -> Iterable[Concern]:
    eos, level = c.end_of_support, c.level_of_support
    if eos is not None and eos < today:
        yield Concern(
            ConcernKind.PAST_END_OF_SUPPORT,
            Severity.MAJOR,
            f"component past end of support: ended {eos.isoformat()}, before {today.isoformat()}",
        )
    elif eos is not None and eos <= today + _SOON:
        yield Concern(
            ConcernKind.END_OF_SUPPORT_SOON, Severity.INFO, f"support ends {eos.isoformat()}"
        )
    if level in (SupportLevel.NO_LONGER_MAINTAINED, SupportLevel.ABANDONED):
        yield Concern(
            ConcernKind.UNSUPPORTED,
            Severity.MAJOR,
            f"unsupported component ({level}): plan to update/replace (FDA expects plans)",
        )
    if c.type in _NVD_TYPES and not c.cpes:
        also = "has a purl (OSV may match)" if c.purl else "has no purl either"
        yield Concern(
            ConcernKind.NOT_NVD_MATCHABLE,
            Severity.MINOR if c.purl else Severity.MAJOR,
            f"{c.type} without a CPE will not be matchable against NVD; {also}",
        )


def _scores(
    document: tuple[Check, ...], components: tuple[ComponentResult, ...]
) -> tuple[ElementScore, ...]:
    outcomes: dict[Element, list[Outcome]] = {el: [] for el in SPEC}
    for chk in (*document, *(k for r in components for k in r.checks)):
        outcomes[chk.element].append(chk.outcome)
    return tuple(_score(el, outcomes[el]) for el in Element)


def _score(element: Element, outcomes: list[Outcome]) -> ElementScore:
    requirement, weight = SPEC[element]
    n = {o: outcomes.count(o) for o in Outcome}
    return ElementScore(
        element, requirement, weight, len(outcomes), n[Outcome.PASS], n[Outcome.PARTIAL],
        n[Outcome.JUSTIFIED], n[Outcome.FAIL], n[Outcome.PENDING], n[Outcome.INFO],
    )  # fmt: skip


def _verdict(
    scores: tuple[ElementScore, ...], components: tuple[ComponentResult, ...]
) -> tuple[Verdict, str]:
    required = (Requirement.NTIA, Requirement.FDA)
    gaps = [s.element.value for s in scores if s.requirement in required and not s.complete]
    pending = [s.element.value for s in scores if s.pending]
    tail = f"; still pending: {', '.join(pending)} (run `hemostat scan`)" if pending else ""
    if gaps:
        return Verdict.INCOMPLETE, f"not ready for FDA submission: incomplete {', '.join(gaps)}"
    serious = sum(1 for r in components if any(c.severity is not Severity.INFO for c in r.concerns))
    if serious:
        return Verdict.READY_WITH_CONCERNS, (
            f"SBOM elements complete, but {serious} component(s) need a plan or fix"
            f" before FDA submission{tail}"
        )
    return Verdict.READY, f"ready for FDA submission (SBOM elements complete){tail}"
