"""SBOM completeness: NTIA minimum elements + FDA extras, on hand-built Sboms."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from hemostat import ingest
from hemostat.assess import check, report_to_dict, support_csv_template
from hemostat.assess.completeness import SPEC
from hemostat.domain.completeness import (
    CompletenessReport,
    ConcernKind,
    Element,
    Outcome,
    Severity,
    Verdict,
)
from hemostat.domain.component import (
    Component,
    Dependency,
    Hash,
    Sbom,
    SbomFormat,
    SupportLevel,
)

STAMP = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)  # report date defaults to 2024-05-01
ROOT = Component("root", "infusion-pump-fw", type="firmware", version="2.1", supplier="Acme")


def comp(ref: str, **kw: Any) -> Component:
    """A component with every NTIA and FDA element filled in; override to remove some."""
    base: dict[str, Any] = {
        "name": ref,
        "version": "1.0",
        "supplier": "Upstream Inc",
        "purl": f"pkg:generic/{ref}@1.0",
        "licenses": ("MIT",),
        "level_of_support": SupportLevel.ACTIVELY_MAINTAINED,
        "end_of_support": date(2030, 12, 31),
    }
    return Component(bom_ref=ref, **(base | kw))


def sbom(*components: Component, deps: tuple[Dependency, ...] | None = None, **kw: Any) -> Sbom:
    """Complete document metadata; by default the root depends on every component."""
    edges = deps if deps is not None else tuple(Dependency("root", c.bom_ref) for c in components)
    base: dict[str, Any] = {
        "subject": ROOT,
        "serial": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "timestamp": STAMP,
        "authors": ("Acme Medical",),
        "tools": ("syft 1.0",),
    }
    return Sbom(
        format=SbomFormat.CYCLONEDX_JSON,
        spec_version="1.5",
        sha256="0" * 64,
        raw=b"",
        components=components,
        dependencies=edges,
        **(base | kw),
    )


def doc_check(report: CompletenessReport, element: Element) -> tuple[Outcome, Severity | None]:
    c = next(c for c in report.document if c.element is element)
    return c.outcome, c.severity


def comp_check(report: CompletenessReport, ref: str, element: Element) -> Outcome | None:
    return next(r for r in report.components if r.bom_ref == ref).outcome(element)


def concerns(report: CompletenessReport, ref: str) -> set[ConcernKind]:
    return {k.kind for k in next(r for r in report.components if r.bom_ref == ref).concerns}


def action_kinds(report: CompletenessReport) -> list[str]:
    return [a.kind for a in report.actions]


# --- the complete case --------------------------------------------------------------------------


def test_complete_sbom_is_ready_with_full_score() -> None:
    report = check(sbom(comp("zlib"), comp("openssl")))
    assert report.score == 100.0
    assert report.verdict is Verdict.READY
    assert report.summary.startswith("ready for FDA submission")
    assert "known_vulnerabilities" in report.summary  # pending, and it says so
    assert doc_check(report, Element.KNOWN_VULNERABILITIES) == (Outcome.PENDING, None)
    assert action_kinds(report) == ["assess_vulnerabilities"]
    assert all(c.outcome is Outcome.PASS for r in report.components for c in r.checks)


def test_weights_sum_to_100_and_every_element_is_scored() -> None:
    assert sum(w for _, w in SPEC.values()) == 100
    report = check(sbom(comp("a")))
    assert [s.element for s in report.scores] == list(Element)


# --- per-component outcomes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "element"),
    [
        ("supplier", None, Element.SUPPLIER),
        ("supplier", "NOASSERTION", Element.SUPPLIER),
        ("version", None, Element.VERSION),
        ("version", " ", Element.VERSION),
        ("name", "", Element.NAME),
    ],
)
def test_missing_ntia_field_fails_as_blocker(
    field: str, value: str | None, element: Element
) -> None:
    report = check(sbom(comp("a", **{field: value}), comp("b")))
    res = next(r for r in report.components if r.bom_ref == "a")
    chk = next(c for c in res.checks if c.element is element)
    assert (chk.outcome, chk.severity) == (Outcome.FAIL, Severity.BLOCKER)
    assert comp_check(report, "b", element) is Outcome.PASS
    assert report.verdict is Verdict.INCOMPLETE
    assert element.value in report.summary


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, Outcome.PASS),
        ({"purl": None, "cpes": ("cpe:2.3:a:gnu:zlib:1.0:*:*:*:*:*:*:*",)}, Outcome.PASS),
        ({"purl": None, "hashes": (Hash("SHA-256", "ab" * 32),)}, Outcome.PARTIAL),
        ({"purl": None}, Outcome.FAIL),
    ],
)
def test_unique_identifier(kw: dict[str, Any], expected: Outcome) -> None:
    report = check(sbom(comp("a", **kw)))
    assert comp_check(report, "a", Element.UNIQUE_IDENTIFIER) is expected


def test_hash_only_identifier_blocks_the_verdict() -> None:
    report = check(sbom(comp("a", purl=None, hashes=(Hash("SHA-256", "ab"),))))
    assert report.verdict is Verdict.INCOMPLETE
    assert "strengthen_identifier" in action_kinds(report)


def test_component_in_no_dependency_edge_fails_dependency_relationship() -> None:
    deps = (Dependency("root", "a"), Dependency("a", "b"))
    report = check(sbom(comp("a"), comp("b"), comp("orphan"), deps=deps))
    assert comp_check(report, "b", Element.DEPENDENCY_RELATIONSHIP) is Outcome.PASS
    assert comp_check(report, "orphan", Element.DEPENDENCY_RELATIONSHIP) is Outcome.FAIL
    assert doc_check(report, Element.DEPENDENCY_COMPLETENESS)[0] is Outcome.PARTIAL


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, Outcome.PASS),
        ({"level_of_support": None}, Outcome.FAIL),
        ({"level_of_support": SupportLevel.UNKNOWN}, Outcome.PARTIAL),
        (
            {"level_of_support": SupportLevel.UNKNOWN, "support_note": "vendor does not publish"},
            Outcome.JUSTIFIED,
        ),
        ({"level_of_support": SupportLevel.ABANDONED}, Outcome.PASS),
    ],
)
def test_level_of_support(kw: dict[str, Any], expected: Outcome) -> None:
    report = check(sbom(comp("a", **kw)))
    assert comp_check(report, "a", Element.LEVEL_OF_SUPPORT) is expected


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, Outcome.PASS),
        ({"end_of_support": None}, Outcome.FAIL),
        (
            {"end_of_support": None, "support_note": "supported for the device's life"},
            Outcome.JUSTIFIED,
        ),
        # what the reader stores for `hemostat:end_of_support=unknown`: not a justification
        ({"end_of_support": None, "support_note": "unknown"}, Outcome.FAIL),
    ],
)
def test_end_of_support(kw: dict[str, Any], expected: Outcome) -> None:
    report = check(sbom(comp("a", **kw)))
    assert comp_check(report, "a", Element.END_OF_SUPPORT) is expected


def test_justified_end_of_support_counts_as_complete() -> None:
    report = check(sbom(comp("a", end_of_support=None, support_note="OS vendor LTS, no date yet")))
    assert report.verdict is Verdict.READY
    eos = next(s for s in report.scores if s.element is Element.END_OF_SUPPORT)
    assert (eos.justified, eos.coverage, eos.complete) == (1, 100.0, True)


def test_missing_license_is_info_only() -> None:
    report = check(sbom(comp("a", licenses=())))
    res = report.components[0]
    lic = next(c for c in res.checks if c.element is Element.LICENSE)
    assert (lic.outcome, lic.severity) == (Outcome.INFO, Severity.INFO)
    assert report.verdict is Verdict.READY
    assert report.score == 100.0  # license carries no weight


# --- FDA concerns ---------------------------------------------------------------------------------


def test_end_of_support_in_the_past_uses_the_sbom_date_by_default() -> None:
    report = check(sbom(comp("old", end_of_support=date(2024, 4, 30))))
    assert report.report_date == date(2024, 5, 1)
    assert ConcernKind.PAST_END_OF_SUPPORT in concerns(report, "old")
    assert report.verdict is Verdict.READY_WITH_CONCERNS
    assert "plan_past_end_of_support" in action_kinds(report)


def test_explicit_today_moves_the_end_of_support_judgement() -> None:
    doc = sbom(comp("c", end_of_support=date(2025, 6, 30)))
    assert concerns(check(doc, today=date(2025, 7, 1)), "c") == {ConcernKind.PAST_END_OF_SUPPORT}
    assert concerns(check(doc, today=date(2025, 6, 30)), "c") == {ConcernKind.END_OF_SUPPORT_SOON}
    assert concerns(check(doc, today=date(2020, 1, 1)), "c") == set()
    # support ending soon is worth knowing but does not hold up the verdict
    assert check(doc, today=date(2025, 1, 1)).verdict is Verdict.READY


def test_report_date_without_timestamp_is_today() -> None:
    before = date.today()
    report = check(sbom(comp("a"), timestamp=None))
    assert before <= report.report_date <= date.today()
    assert doc_check(report, Element.TIMESTAMP) == (Outcome.FAIL, Severity.BLOCKER)


@pytest.mark.parametrize("level", [SupportLevel.NO_LONGER_MAINTAINED, SupportLevel.ABANDONED])
def test_unsupported_component_needs_a_plan(level: SupportLevel) -> None:
    report = check(sbom(comp("a", level_of_support=level)))
    (concern,) = report.components[0].concerns
    assert concern.kind is ConcernKind.UNSUPPORTED
    assert "FDA expects plans" in concern.message
    assert report.verdict is Verdict.READY_WITH_CONCERNS


@pytest.mark.parametrize(
    ("kw", "severity"),
    [
        ({"type": "firmware", "purl": None, "hashes": (Hash("SHA-256", "ab"),)}, Severity.MAJOR),
        ({"type": "operating-system"}, Severity.MINOR),  # has a purl: OSV may match, NVD cannot
        ({"type": "firmware", "cpes": ("cpe:2.3:o:acme:fw:1.0:*:*:*:*:*:*:*",)}, None),
        ({"type": "library", "purl": None, "cpes": ()}, None),
    ],
)
def test_firmware_without_cpe_is_not_nvd_matchable(
    kw: dict[str, Any], severity: Severity | None
) -> None:
    report = check(sbom(comp("fw", **kw)))
    found = [k for k in report.components[0].concerns if k.kind is ConcernKind.NOT_NVD_MATCHABLE]
    assert [k.severity for k in found] == ([severity] if severity else [])


def test_add_cpe_action_is_as_severe_as_its_worst_component() -> None:
    os_with_purl = comp("linux", type="operating-system")
    blob = comp("bootrom", type="firmware", purl=None, hashes=(Hash("SHA-256", "ab"),))
    minor_only = check(sbom(os_with_purl))
    both = check(sbom(os_with_purl, blob))
    (a,) = [a for a in minor_only.actions if a.kind == "add_cpe"]
    (b,) = [a for a in both.actions if a.kind == "add_cpe"]
    assert (a.severity, b.severity) == (Severity.MINOR, Severity.MAJOR)
    assert b.components == ("bootrom@1.0", "linux@1.0")


# --- document level -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, Outcome.PASS),
        ({"authors": (), "supplier": "Acme Medical"}, Outcome.PASS),
        ({"authors": ()}, Outcome.PARTIAL),  # a tool is not the entity NTIA asks for
        ({"authors": (), "tools": ()}, Outcome.FAIL),
    ],
)
def test_sbom_author(kw: dict[str, Any], expected: Outcome) -> None:
    assert doc_check(check(sbom(comp("a"), **kw)), Element.SBOM_AUTHOR)[0] is expected


def test_missing_serial_is_minor_and_does_not_block() -> None:
    report = check(sbom(comp("a"), serial=None))
    assert doc_check(report, Element.DOCUMENT_ID) == (Outcome.FAIL, Severity.MINOR)
    assert report.verdict is Verdict.READY
    assert report.score == 96.0  # document_id weighs 4


def test_subject_and_root_dependencies() -> None:
    no_subject = check(sbom(comp("a"), subject=None, deps=(Dependency("x", "a"),)))
    assert doc_check(no_subject, Element.DESCRIBED_SUBJECT)[0] is Outcome.FAIL
    assert doc_check(no_subject, Element.ROOT_DEPENDENCIES)[0] is Outcome.FAIL
    unversioned = check(sbom(comp("a"), subject=dataclasses.replace(ROOT, version=None)))
    assert doc_check(unversioned, Element.DESCRIBED_SUBJECT)[0] is Outcome.PARTIAL
    # the subject is not among the components, so its supplier is checked here
    anonymous = check(sbom(comp("a"), subject=dataclasses.replace(ROOT, supplier="NOASSERTION")))
    subject = next(c for c in anonymous.document if c.element is Element.DESCRIBED_SUBJECT)
    assert (subject.outcome, subject.detail) == (
        Outcome.PARTIAL,
        "infusion-pump-fw has no supplier",
    )
    assert anonymous.verdict is Verdict.INCOMPLETE
    root_bare = check(sbom(comp("a"), comp("b"), deps=(Dependency("a", "b"),)))
    assert doc_check(root_bare, Element.ROOT_DEPENDENCIES)[0] is Outcome.FAIL


def test_dependency_depth_heuristic() -> None:
    small_flat = check(sbom(comp("a"), comp("b")))  # plausible: two static C libraries
    assert doc_check(small_flat, Element.DEPENDENCY_COMPLETENESS)[0] is Outcome.PASS
    flat = check(sbom(*(comp(f"c{i}") for i in range(10))))  # likely an unresolved listing
    assert doc_check(flat, Element.DEPENDENCY_COMPLETENESS)[0] is Outcome.PARTIAL
    assert "justify_depth" in action_kinds(flat)
    deep = check(sbom(comp("a"), comp("b"), deps=(Dependency("root", "a"), Dependency("a", "b"))))
    outcome = next(c for c in deep.document if c.element is Element.DEPENDENCY_COMPLETENESS)
    assert (outcome.outcome, outcome.detail) == (Outcome.PASS, "depth 2")
    cyclic = (Dependency("root", "a"), Dependency("a", "b"), Dependency("b", "a"))
    assert (
        doc_check(check(sbom(comp("a"), comp("b"), deps=cyclic)), Element.DEPENDENCY_COMPLETENESS)[
            0
        ]
        is Outcome.PASS
    )
    none = check(sbom(comp("a"), comp("b"), deps=()))
    assert doc_check(none, Element.DEPENDENCY_COMPLETENESS)[0] is Outcome.FAIL


def test_empty_sbom_is_incomplete_and_scores_low() -> None:
    report = check(sbom())
    assert report.verdict is Verdict.INCOMPLETE
    assert doc_check(report, Element.DEPENDENCY_COMPLETENESS)[0] is Outcome.FAIL
    # only the document elements that passed count: author, timestamp, id, subject = 20
    assert report.score == 20.0


# --- score arithmetic -----------------------------------------------------------------------------


def test_score_is_the_weighted_mean_of_element_coverage() -> None:
    hash_only = {"purl": None, "hashes": (Hash("SHA-256", "ab"),)}
    report = check(
        sbom(comp("a", supplier=None), comp("b", supplier=None), comp("c", **hash_only), comp("d"))
    )
    by = {s.element: s for s in report.scores}
    assert (by[Element.SUPPLIER].failed, by[Element.SUPPLIER].coverage) == (2, 50.0)
    assert (by[Element.UNIQUE_IDENTIFIER].partial, by[Element.UNIQUE_IDENTIFIER].coverage) == (
        1,
        87.5,
    )
    # 100 - 10 * 0.5 (supplier) - 15 * 0.125 (identifier: a partial counts half) = 93.125
    assert report.score == 93.1


# --- actions --------------------------------------------------------------------------------------


def test_actions_group_by_fix_and_truncate_names() -> None:
    parts = [comp(f"lib{i}", supplier=None) for i in range(8)]
    report = check(sbom(*parts), max_names=3)
    (action,) = [a for a in report.actions if a.kind == "add_supplier"]
    assert action.title == "Add supplier for 8 components: lib0@1.0, lib1@1.0, lib2@1.0 and 5 more"
    assert action.components == tuple(f"lib{i}@1.0" for i in range(8))
    assert action.severity is Severity.BLOCKER
    assert "supplier.name" in action.how


def test_duplicate_labels_are_counted_not_repeated() -> None:
    twins = (comp("x1", name="busybox", supplier=None), comp("x2", name="busybox", supplier=None))
    report = check(sbom(*twins))
    (action,) = [a for a in report.actions if a.kind == "add_supplier"]
    assert action.title == "Add supplier for 2 components: busybox@1.0 (×2)"
    assert action.bom_refs == ("x1", "x2")


def test_support_actions_name_the_property_and_the_csv_alternative() -> None:
    report = check(sbom(comp("a", level_of_support=None, end_of_support=None)))
    by_kind = {a.kind: a for a in report.actions}
    assert (
        "`hemostat:level_of_support` = actively_maintained|no_longer_maintained|abandoned|unknown"
        in (by_kind["add_level_of_support"].how)
    )
    eos = by_kind["add_end_of_support"]
    assert eos.title == "Provide end-of-support date or justification for 1 component: a@1.0"
    assert "`hemostat:end_of_support`" in eos.how and "`hemostat:support_note`" in eos.how
    assert "hemostat sbom enrich RELEASE FILE.csv" in eos.how
    assert "match,level_of_support,end_of_support,support_note" in eos.how


def test_actions_are_ordered_by_severity_then_size() -> None:
    report = check(
        sbom(
            comp("a", supplier=None, end_of_support=None),
            comp("b", end_of_support=None),
            comp("c", version=None, level_of_support=SupportLevel.ABANDONED),
            serial=None,
        )
    )
    assert action_kinds(report) == [
        "add_supplier",  # blocker, 1 component, kind a < v
        "add_version",
        "add_end_of_support",  # major, 2 components
        "plan_unsupported",  # major, 1
        "add_document_id",  # minor
        "assess_vulnerabilities",  # info (pending)
    ]


def test_support_csv_template_lists_components_missing_support_data() -> None:
    report = check(
        sbom(
            comp("a", end_of_support=None),
            comp("b", purl=None, level_of_support=None),
            comp("c"),
        )
    )
    assert support_csv_template(report).splitlines() == [
        "match,level_of_support,end_of_support,support_note",
        "b@1.0,,,",
        "pkg:generic/a@1.0,,,",
    ]


def test_csv_template_header_is_what_enrich_reads() -> None:
    support_csv = pytest.importorskip("hemostat.ingest.support_csv")
    header = support_csv_template(check(sbom())).splitlines()[0]
    assert tuple(header.split(",")) == support_csv.HEADER


# --- determinism and JSON -------------------------------------------------------------------------


def test_report_is_deterministic_whatever_the_component_order() -> None:
    parts = [comp(f"c{i}", supplier=None if i % 2 else "S", end_of_support=None) for i in range(20)]
    shuffled = parts[:]
    random.Random(7).shuffle(shuffled)
    first = report_to_dict(check(sbom(*parts)))
    assert report_to_dict(check(sbom(*shuffled))) == first
    assert [c["bom_ref"] for c in first["components"]] == sorted(f"c{i}" for i in range(20))


def test_report_to_dict_is_json_ready() -> None:
    report = check(sbom(comp("a", supplier=None, end_of_support=date(2020, 1, 1))))
    out = report_to_dict(report)
    assert json.loads(json.dumps(out)) == out  # only JSON scalars, lists and dicts
    assert list(out)[:6] == [
        "sbom_sha256",
        "sbom_name",
        "report_date",
        "score",
        "verdict",
        "summary",
    ]
    assert out["report_date"] == "2024-05-01"
    assert out["verdict"] == "incomplete"
    supplier = next(s for s in out["scores"] if s["element"] == "supplier")
    assert (supplier["coverage"], supplier["complete"], supplier["requirement"]) == (
        0.0,
        False,
        "ntia",
    )
    (component,) = out["components"]
    assert component["concerns"][0]["kind"] == "past_end_of_support"
    assert {
        "element": "supplier",
        "outcome": "fail",
        "severity": "blocker",
        "detail": "no supplier",
    } in (component["checks"])


# --- a real SPDX file (spdx/spdx-examples, software/example9) ------------------------------------


def test_real_spdx_example_components_outside_the_tree_are_reported(
    shared_data: Callable[[str], Path],
) -> None:
    """ntia-conformance-checker treats these packages as floating and ignores them; we do not."""
    path = shared_data("spdx-examples") / "software/example9/spdx2.2/appbomination.spdx.json"
    report = check(ingest.read(path.read_bytes(), source=str(path)))
    assert doc_check(report, Element.DESCRIBED_SUBJECT)[0] is Outcome.PASS  # App-BOM-ination@1.0
    supplier = next(s for s in report.scores if s.element is Element.SUPPLIER)
    assert (supplier.applicable, supplier.failed) == (6, 6)
    orphans = next(a for a in report.actions if a.kind == "add_dependencies")
    assert orphans.components == ("Faust Proprietary File", "Gradle")
    assert report.verdict is Verdict.INCOMPLETE
