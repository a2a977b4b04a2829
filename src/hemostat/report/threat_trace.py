"""Traceability matrix (FDA premarket D1f): hazard ↔ threat ↔ control ↔ requirement ↔ test ↔ SBOM.

One row per chain; a missing link leaves its cells blank and is named in the row's ``gaps`` cell.
Every hazard, threat, control, requirement and test appears in at least one row, so the matrix
also shows what is linked to nothing.

CSV: RFC 4180 (CRLF line ends, fields quoted only when needed), UTF-8 without a byte-order mark,
the fixed column order of ``COLUMNS``. Cells that a spreadsheet would run as a formula (starting
with = + - @, tab or CR) are prefixed with an apostrophe (OWASP CSV injection advice).
"""

from __future__ import annotations

import csv
import io
from dataclasses import astuple, dataclass, fields

from hemostat.domain.threat import (
    Control,
    Hazard,
    Requirement,
    TestCase,
    Threat,
    ThreatAnalysis,
    Treatment,
)
from hemostat.report.threat_common import STRIDE_LABEL, canonical
from hemostat.report.threat_context import component_text
from hemostat.report.threat_summary import html_env

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Chain = tuple[Requirement | None, TestCase | None]


@dataclass(frozen=True, slots=True)
class TraceRow:
    hazard: str = ""
    hazard_title: str = ""
    hazard_severity: str = ""
    threat: str = ""
    threat_title: str = ""
    stride: str = ""
    treatment: str = ""
    inherent_risk: str = ""
    residual_risk: str = ""
    control: str = ""
    control_name: str = ""
    requirement: str = ""
    requirement_text: str = ""
    test: str = ""
    test_name: str = ""
    test_result: str = ""
    components: str = ""
    gaps: str = ""


COLUMNS = tuple(f.name for f in fields(TraceRow))


@dataclass(frozen=True, slots=True)
class Gaps:
    threats_without_control: tuple[str, ...]
    threats_without_hazard: tuple[str, ...]
    controls_without_requirement: tuple[str, ...]
    requirements_without_test: tuple[str, ...]
    failing_tests: tuple[str, ...]
    tests_not_run: tuple[str, ...]


def gaps(analysis: ThreatAnalysis) -> Gaps:
    a = canonical(analysis)
    m = a.model
    covered_controls = {c for r in m.requirements for c in r.controls}
    tested = {r for t in m.tests for r in t.verifies}
    return Gaps(
        tuple(f"{t.id} ({t.treatment.value})" for t in a.threats if not t.controls),
        tuple(t.id for t in a.threats if not t.hazards),
        tuple(c.id for c in m.controls if c.id not in covered_controls),
        tuple(r.id for r in m.requirements if r.id not in tested),
        tuple(t.id for t in m.tests if t.result == "fail"),
        tuple(t.id for t in m.tests if t.result not in ("pass", "fail")),
    )


def rows(analysis: ThreatAnalysis) -> tuple[TraceRow, ...]:
    a = canonical(analysis)
    m = a.model
    hazards = {h.id: h for h in m.hazards}
    controls = {c.id: c for c in m.controls}
    out: list[TraceRow] = []
    for t in a.threats:
        for hid in t.hazards or ("",):
            for cid in t.controls or ("",):
                for req, test in _chains(analysis, cid):
                    out.append(
                        _row(
                            hazard=hazards.get(hid),
                            hid=hid,
                            threat=t,
                            control=controls.get(cid),
                            cid=cid,
                            req=req,
                            test=test,
                        )
                    )
    linked_h = {h for t in a.threats for h in t.hazards}
    linked_c = {c for t in a.threats for c in t.controls}
    out += [_row(hazard=h, hid=h.id) for h in m.hazards if h.id not in linked_h]
    for c in m.controls:
        if c.id not in linked_c:
            out += [
                _row(control=c, cid=c.id, req=req, test=test)
                for req, test in _chains(analysis, c.id)
            ]
    reached_r = {r.requirement for r in out}
    reached_t = {r.test for r in out}
    for r in m.requirements:
        if r.id not in reached_r:
            out += [_row(req=r, test=t) for t in _tests(analysis, r.id)]
    out += [_row(test=t) for t in m.tests if t.id not in reached_t]
    return tuple(
        sorted(set(out), key=lambda r: (r.hazard == "", r.hazard, r.threat == "", astuple(r)))
    )


def _tests(analysis: ThreatAnalysis, rid: str) -> list[TestCase | None]:
    found: list[TestCase | None] = [t for t in analysis.model.tests if rid in t.verifies]
    return found or [None]


def _chains(analysis: ThreatAnalysis, cid: str) -> list[Chain]:
    if not cid:
        return [(None, None)]
    reqs = [r for r in analysis.model.requirements if cid in r.controls]
    if not reqs:
        return [(None, None)]
    return [(r, t) for r in reqs for t in _tests(analysis, r.id)]


def _row(
    *,
    hazard: Hazard | None = None,
    hid: str = "",
    threat: Threat | None = None,
    control: Control | None = None,
    cid: str = "",
    req: Requirement | None = None,
    test: TestCase | None = None,
) -> TraceRow:
    missing = []
    if threat is not None and not threat.hazards:
        missing.append("threat has no linked hazard")
    if threat is not None and not cid:
        missing.append(
            "open threat has no control" if threat.treatment == Treatment.OPEN else "no control"
        )
    if cid and req is None:
        missing.append("control has no requirement")
    if req is not None and test is None:
        missing.append("requirement has no test")
    if test is not None and test.result != "pass":
        missing.append("test failed" if test.result == "fail" else "test not run")
    return TraceRow(
        hazard=hid,
        hazard_title=hazard.title if hazard else "",
        hazard_severity=hazard.severity.value if hazard else "",
        threat=threat.id if threat else "",
        threat_title=threat.title if threat else "",
        stride=STRIDE_LABEL[threat.stride] if threat else "",
        treatment=threat.treatment.value if threat else "",
        inherent_risk=threat.inherent_risk.value if threat else "",
        residual_risk=threat.residual_risk.value if threat else "",
        control=cid,
        control_name=control.name if control else "",
        requirement=req.id if req else "",
        requirement_text=req.text if req else "",
        test=test.id if test else "",
        test_name=test.name if test else "",
        test_result=test.result if test else "",
        components="; ".join(component_text(c) for c in threat.components) if threat else "",
        gaps="; ".join(missing),
    )


def safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas: a leading = + - @ TAB or CR gets an apostrophe."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def render_csv(analysis: ThreatAnalysis) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(analysis):
        writer.writerow([safe_cell(v) for v in astuple(row)])
    return buf.getvalue().encode("utf-8")


def render_html(analysis: ThreatAnalysis) -> bytes:
    a = canonical(analysis)
    context = {
        "system": {"name": a.model.name, "id": a.model.id, "version": a.model.version},
        "rules_version": a.rules_version,
        "columns": COLUMNS,
        "rows": rows(a),
        "gaps": gaps(a),
    }
    return html_env().get_template("threat_trace.html.j2").render(context).encode("utf-8")
