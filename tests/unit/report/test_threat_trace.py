"""Traceability matrix: one row per chain, every item present, gaps named, CSV safe to open."""

from __future__ import annotations

import csv
import io

import lxml.html
import pytest
from threat_support import hostile, sample_analysis, shuffled

from hemostat.report.threat_trace import COLUMNS, gaps, render_csv, render_html, rows, safe_cell
from snapshot_util import assert_snapshot


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_csv_matches_snapshot() -> None:
    assert_snapshot("threat/trace.csv", render_csv(sample_analysis()))


def test_html_matches_snapshot() -> None:
    assert_snapshot("threat/trace.html", render_html(sample_analysis()))


def test_outputs_do_not_depend_on_input_order() -> None:
    expected = render_csv(sample_analysis()), render_html(sample_analysis())
    for seed in (6, 7):
        a = shuffled(sample_analysis(), seed)
        assert (render_csv(a), render_html(a)) == expected


def test_csv_is_rfc4180_with_a_stable_header() -> None:
    data = render_csv(sample_analysis())
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    table = _csv(data)
    assert tuple(table[0]) == COLUMNS
    assert all(len(r) == len(COLUMNS) for r in table)
    assert table[5][9:11] == ["INTEG-1", "Signed firmware, verified by the bootloader"]


def test_every_chain_and_every_item_appears() -> None:
    m = sample_analysis().model
    out = rows(sample_analysis())
    assert {r.hazard for r in out} - {""} == {h.id for h in m.hazards}
    assert {r.threat for r in out} - {""} == {t.id for t in sample_analysis().threats}
    assert {r.control for r in out} - {""} == {c.id for c in m.controls}
    assert {r.requirement for r in out} - {""} == {r.id for r in m.requirements}
    assert {r.test for r in out} - {""} == {t.id for t in m.tests}
    firmware = [r for r in out if r.threat == "MD-T-002@druglib-fw-to-pump"]
    # 2 hazards x 2 controls, each control with one requirement and one test
    assert len(firmware) == 4
    chain = next(r for r in out if r.test == "TC-101")
    assert (chain.hazard, chain.threat, chain.control, chain.requirement) == (
        "HAZ-012",
        "MD-S-001@app-to-pump-therapy",
        "AUTHN-1",
        "SR-001",
    )
    assert chain.gaps == "" and "pkg:github/wolfssl/wolfssl@5.6.6" in chain.components


def test_gaps_name_what_is_missing() -> None:
    g = gaps(sample_analysis())
    assert g.threats_without_control == (
        "MD-D-001@drug-library-server (open)",
        "MD-E-002@pump-service (accepted)",
        "MD-I-003@pump-to-ehr (open)",
    )
    assert g.threats_without_hazard == ("MD-I-003@pump-to-ehr",)
    assert g.controls_without_requirement == ("UPD-1",)
    assert g.requirements_without_test == ("SR-004",)
    assert g.failing_tests == ("TC-102",)
    assert g.tests_not_run == ("TC-103",)
    by_threat = {r.threat: r.gaps for r in rows(sample_analysis()) if r.threat}
    assert by_threat["MD-I-003@pump-to-ehr"] == (
        "threat has no linked hazard; open threat has no control"
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("HAZ-012", "HAZ-012"),
        ("", ""),
    ],
)
def test_safe_cell_neutralises_formulas(cell: str, expected: str) -> None:
    assert safe_cell(cell) == expected


def test_csv_cells_from_hostile_models_cannot_run_as_formulas() -> None:
    table = _csv(render_csv(hostile(sample_analysis())))
    titles = {r[COLUMNS.index("threat_title")] for r in table[1:]} - {""}
    assert titles == {'\'=HYPERLINK("http://x")'}
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in table for cell in r)


def test_html_lists_the_gaps_and_escapes_text() -> None:
    doc = lxml.html.document_fromstring(render_html(hostile(sample_analysis())))
    headings = [h.text_content() for h in doc.xpath("//h3")]
    assert "Threats with no control (3)" in headings
    assert "Failing tests (1)" in headings
    assert not doc.xpath("//script | //img")
    assert len(doc.xpath("//tbody/tr")) == len(rows(sample_analysis()))
