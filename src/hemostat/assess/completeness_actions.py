"""The completeness to-do list: one action per fix, grouped over the components needing it."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hemostat.domain.completeness import (
    Action,
    Check,
    CompletenessReport,
    ComponentResult,
    ConcernKind,
    Element,
    Outcome,
    Severity,
)
from hemostat.domain.component import PROP_EOS, PROP_LEVEL, PROP_NOTE

SEVERITY_RANK = {Severity.BLOCKER: 0, Severity.MAJOR: 1, Severity.MINOR: 2, Severity.INFO: 3}

_LEVELS = "actively_maintained|no_longer_maintained|abandoned|unknown"
CSV_HEADER = ("match", "level_of_support", "end_of_support", "support_note")
_CSV = (
    "Or, without editing the SBOM: `hemostat sbom enrich RELEASE FILE.csv` with columns "
    f"`{','.join(CSV_HEADER)}` (`match` = purl, CPE, name@version or name; "
    "`support_csv_template` pre-fills one row per component)."
)


@dataclass(frozen=True, slots=True)
class _Fix:
    kind: str
    severity: Severity
    element: Element | None
    title: str  # "Add supplier for {n}: {names}" -> "Add supplier for 3 components: a, b, c"
    how: str
    applies: Callable[[ComponentResult], bool]
    concern: ConcernKind | None = None  # the action is as severe as the worst such concern


def _outcome_is(element: Element, outcome: Outcome) -> Callable[[ComponentResult], bool]:
    return lambda r: r.outcome(element) is outcome


def _has_concern(kind: ConcernKind) -> Callable[[ComponentResult], bool]:
    return lambda r: any(c.kind is kind for c in r.concerns)


_COMPONENT_FIXES = (
    _Fix(
        "add_name",
        Severity.BLOCKER,
        Element.NAME,
        "Add a name for {n}: {names}",
        "CycloneDX `components[].name`; SPDX `PackageName`.",
        _outcome_is(Element.NAME, Outcome.FAIL),
    ),
    _Fix(
        "add_version",
        Severity.BLOCKER,
        Element.VERSION,
        "Add the version of {n}: {names}",
        "CycloneDX `components[].version`; SPDX `PackageVersion`.",
        _outcome_is(Element.VERSION, Outcome.FAIL),
    ),
    _Fix(
        "add_supplier",
        Severity.BLOCKER,
        Element.SUPPLIER,
        "Add supplier for {n}: {names}",
        "CycloneDX `components[].supplier.name`; SPDX `PackageSupplier: Organization: NAME`.",
        _outcome_is(Element.SUPPLIER, Outcome.FAIL),
    ),
    _Fix(
        "add_identifier",
        Severity.BLOCKER,
        Element.UNIQUE_IDENTIFIER,
        "Add a purl or CPE for {n}: {names}",
        "CycloneDX `components[].purl` / `.cpe`; SPDX `ExternalRef: PACKAGE-MANAGER purl ...` or "
        "`SECURITY cpe23Type ...`. Vulnerability matching needs one of them.",
        _outcome_is(Element.UNIQUE_IDENTIFIER, Outcome.FAIL),
    ),
    _Fix(
        "strengthen_identifier",
        Severity.BLOCKER,
        Element.UNIQUE_IDENTIFIER,
        "Add a purl or CPE (only hashes now) for {n}: {names}",
        "A hash identifies the bytes but is no look-up key in any vulnerability database; "
        "add CycloneDX `purl`/`cpe` or an SPDX purl/cpe23Type ExternalRef.",
        _outcome_is(Element.UNIQUE_IDENTIFIER, Outcome.PARTIAL),
    ),
    _Fix(
        "add_dependencies",
        Severity.BLOCKER,
        Element.DEPENDENCY_RELATIONSHIP,
        "Record dependency relationships for {n}: {names}",
        "These components appear in no dependency edge: add CycloneDX `dependencies[]` entries "
        "(`ref` → `dependsOn`) or SPDX `DEPENDS_ON`/`CONTAINS` relationships from their parent.",
        _outcome_is(Element.DEPENDENCY_RELATIONSHIP, Outcome.FAIL),
    ),
    _Fix(
        "add_level_of_support",
        Severity.MAJOR,
        Element.LEVEL_OF_SUPPORT,
        "Provide the level of support for {n}: {names}",
        f"Add property `{PROP_LEVEL}` = {_LEVELS}. {_CSV}",
        _outcome_is(Element.LEVEL_OF_SUPPORT, Outcome.FAIL),
    ),
    _Fix(
        "justify_unknown_support",
        Severity.MAJOR,
        Element.LEVEL_OF_SUPPORT,
        "Justify the unknown level of support of {n}: {names}",
        f"Add property `{PROP_NOTE}` saying why support cannot be determined. {_CSV}",
        _outcome_is(Element.LEVEL_OF_SUPPORT, Outcome.PARTIAL),
    ),
    _Fix(
        "add_end_of_support",
        Severity.MAJOR,
        Element.END_OF_SUPPORT,
        "Provide end-of-support date or justification for {n}: {names}",
        f"Add property `{PROP_EOS}` (ISO date, e.g. 2027-12-31) or, if unknown, "
        f"`{PROP_NOTE}` with the justification. {_CSV}",
        _outcome_is(Element.END_OF_SUPPORT, Outcome.FAIL),
    ),
    _Fix(
        "plan_past_end_of_support",
        Severity.MAJOR,
        None,
        "Plan to update or replace {n} past end of support: {names}",
        "FDA expects plans to update or replace components whose support has ended; record the "
        f"plan (or the risk rationale) in `{PROP_NOTE}` and the risk assessment.",
        _has_concern(ConcernKind.PAST_END_OF_SUPPORT),
        ConcernKind.PAST_END_OF_SUPPORT,
    ),
    _Fix(
        "plan_unsupported",
        Severity.MAJOR,
        None,
        "Plan to update or replace {n} no longer supported: {names}",
        "Level of support is no_longer_maintained/abandoned; FDA expects a plan to update or "
        f"replace them. Record it in `{PROP_NOTE}` and the risk assessment.",
        _has_concern(ConcernKind.UNSUPPORTED),
        ConcernKind.UNSUPPORTED,
    ),
    _Fix(
        "add_cpe",
        Severity.MINOR,
        None,
        "Add a CPE so NVD can match {n} (firmware/OS): {names}",
        "NVD indexes vulnerabilities by CPE only; add CycloneDX `cpe` or an SPDX "
        "`SECURITY cpe23Type` ExternalRef "
        "(e.g. cpe:2.3:o:linux:linux_kernel:5.10.1:*:*:*:*:*:*:*).",
        _has_concern(ConcernKind.NOT_NVD_MATCHABLE),
        ConcernKind.NOT_NVD_MATCHABLE,
    ),
    _Fix(
        "review_end_of_support_soon",
        Severity.INFO,
        None,
        "Support ends within a year for {n}: {names}",
        "Not a gap yet; schedule the update before the end-of-support date.",
        _has_concern(ConcernKind.END_OF_SUPPORT_SOON),
        ConcernKind.END_OF_SUPPORT_SOON,
    ),
)

_DOCUMENT_FIXES: dict[Element, tuple[str, str, str]] = {
    Element.SBOM_AUTHOR: (
        "add_sbom_author",
        "Name the SBOM author (an organisation or person)",
        "CycloneDX `metadata.authors` or `metadata.supplier`; SPDX "
        "`creationInfo.creators` entry `Organization: NAME`.",
    ),
    Element.TIMESTAMP: (
        "add_timestamp",
        "Add the SBOM creation timestamp",
        "CycloneDX `metadata.timestamp`; SPDX `creationInfo.created`.",
    ),
    Element.DOCUMENT_ID: (
        "add_document_id",
        "Give the SBOM a unique document identifier",
        "CycloneDX `serialNumber` (urn:uuid:...); SPDX `documentNamespace`.",
    ),
    Element.DESCRIBED_SUBJECT: (
        "add_subject",
        "Describe the top-level component (the device software) with version and supplier",
        "CycloneDX `metadata.component` with name, version and supplier; SPDX `DESCRIBES` "
        "relationship to a package with versionInfo and supplier.",
    ),
    Element.ROOT_DEPENDENCIES: (
        "add_root_dependencies",
        "Record the top-level component's direct dependencies",
        "CycloneDX `dependencies[]` entry for the metadata.component "
        "bom-ref; SPDX `DEPENDS_ON`/`CONTAINS` from the described package.",
    ),
    Element.DEPENDENCY_COMPLETENESS: (
        "justify_depth",
        "Complete the transitive dependencies or justify the depth",
        "FDA expects all transitive dependencies; where depth is "
        "unknown, say why in the submission.",
    ),
    Element.KNOWN_VULNERABILITIES: (
        "assess_vulnerabilities",
        "Assess known vulnerabilities (including CISA KEV)",
        "Filled in once `hemostat scan` has matched this SBOM against vulnerability feeds.",
    ),
}


def build_actions(
    document: Iterable[Check],
    components: Iterable[ComponentResult],
    *,
    severity_of: Callable[[Element], Severity],
    max_names: int,
) -> tuple[Action, ...]:
    results = tuple(components)
    actions = [a for a in (_document_action(c, severity_of) for c in document) if a]
    for fix in _COMPONENT_FIXES:
        hit = [r for r in results if fix.applies(r)]
        if hit:
            actions.append(_component_action(fix, hit, max_names))
    return tuple(sorted(actions, key=_order))


def _order(a: Action) -> tuple[int, int, str]:
    return SEVERITY_RANK[a.severity], -len(a.bom_refs), a.kind


def _document_action(check: Check, severity_of: Callable[[Element], Severity]) -> Action | None:
    if check.outcome in (Outcome.PASS, Outcome.JUSTIFIED):
        return None
    kind, title, how = _DOCUMENT_FIXES[check.element]
    severity = Severity.INFO if check.outcome is Outcome.PENDING else severity_of(check.element)
    detail = f" ({check.detail})" if check.detail else ""
    return Action(kind, severity, check.element, title + detail, how)


def _component_action(fix: _Fix, hit: list[ComponentResult], max_names: int) -> Action:
    labels = tuple(r.label for r in hit)  # already in report order
    n = f"{len(hit)} component" + ("" if len(hit) == 1 else "s")
    title = fix.title.format(n=n, names=name_list(labels, max_names))
    refs = tuple(r.bom_ref for r in hit)
    return Action(fix.kind, _severity(fix, hit), fix.element, title, fix.how, labels, refs)


def _severity(fix: _Fix, hit: list[ComponentResult]) -> Severity:
    """A concern-based fix is as severe as its worst concern (firmware with no purl either)."""
    worst = [c.severity for r in hit for c in r.concerns if c.kind is fix.concern]
    return min([fix.severity, *worst], key=SEVERITY_RANK.__getitem__)


def name_list(labels: Iterable[str], limit: int) -> str:
    """``a@1, b@2 (x2), c@3 and 4 more``: distinct labels in the given order, then a remainder."""
    counts = Counter(labels)
    distinct = list(counts)  # Counter keeps first-seen order
    shown = [f"{s} (×{counts[s]})" if counts[s] > 1 else s for s in distinct[:limit]]
    rest = len(distinct) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest > 0 else "")


def support_csv_template(report: CompletenessReport) -> str:
    """A side-file for ``hemostat sbom enrich`` with one row per component missing support data."""
    wanted = (Element.LEVEL_OF_SUPPORT, Element.END_OF_SUPPORT)
    rows = sorted(
        {
            r.match
            for r in report.components
            if any(r.outcome(e) in (Outcome.FAIL, Outcome.PARTIAL) for e in wanted)
        }
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows((m, "", "", "") for m in rows)
    return out.getvalue()
