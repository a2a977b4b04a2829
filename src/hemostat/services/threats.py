"""Threat-model use cases: check, analyze, render reports/diagrams/traceability, MUD files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hemostat.domain.threat import ThreatAnalysis, ThreatRule, Treatment
from hemostat.errors import Diagnostic, IngestError, UsageError
from hemostat.report.threat_registry import render_threat, render_view, views
from hemostat.threat.engine import analyze
from hemostat.threat.model import load_model
from hemostat.threat.mud import MudResult, generate_mud
from hemostat.threat.mud_check import check_mud
from hemostat.threat.rules_loader import BUILTIN_RULES, load_rules


@dataclass(frozen=True, slots=True)
class ThreatSummary:
    model: str
    version: str
    rules: int
    threats: int
    open: int
    by_stride: dict[str, int]
    by_residual_risk: dict[str, int]
    stale_treatments: tuple[str, ...]


def analyze_file(path: Path, *, rules: list[Path] | None = None) -> ThreatAnalysis:
    """Load a model (all problems reported together) and run the rule library on it."""
    model = load_model(path)
    return analyze(model, rule_library(rules))


def rule_library(extra: list[Path] | None = None) -> tuple[ThreatRule, ...]:
    """The built-in medical-device rules plus the user's own folders (never instead of them)."""
    return load_rules([BUILTIN_RULES, *extra]) if extra else load_rules()


def summarize(analysis: ThreatAnalysis, *, rules: int) -> ThreatSummary:
    by_stride: dict[str, int] = {}
    by_risk: dict[str, int] = {}
    for t in analysis.threats:
        by_stride[t.stride.value] = by_stride.get(t.stride.value, 0) + 1
        by_risk[t.residual_risk.value] = by_risk.get(t.residual_risk.value, 0) + 1
    return ThreatSummary(
        model=analysis.model.name,
        version=analysis.model.version,
        rules=rules,
        threats=len(analysis.threats),
        open=sum(1 for t in analysis.threats if t.treatment is Treatment.OPEN),
        by_stride=dict(sorted(by_stride.items())),
        by_residual_risk=dict(sorted(by_risk.items())),
        stale_treatments=analysis.stale_treatments,
    )


def report(analysis: ThreatAnalysis, fmt: str) -> bytes:
    return render_threat(fmt, analysis)


def diagram(analysis: ThreatAnalysis, view: str) -> bytes:
    if view not in views():
        raise UsageError(f"unknown view {view!r}", hint="choose one of: " + ", ".join(views()))
    return render_view(view, analysis)


def write_all(analysis: ThreatAnalysis, folder: Path, stem: str) -> list[Path]:
    """Every threat output for one model (the demo and `threat report --all`)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt, suffix in (
        ("summary-md", "threat-model.md"),
        ("summary-html", "threat-model.html"),
        ("trace-csv", "traceability.csv"),
        ("trace-html", "traceability.html"),
        ("json", "threat-analysis.json"),
    ):
        target = folder / f"{stem}.{suffix}"
        target.write_bytes(render_threat(fmt, analysis))
        out.append(target)
    for view in views():
        target = folder / f"{stem}.{view}.svg"
        target.write_bytes(render_view(view, analysis))
        out.append(target)
    return out


def mud_for(
    analysis: ThreatAnalysis,
    *,
    device: str,
    mud_url: str,
    last_update: datetime | None = None,
) -> MudResult:
    ids = {e.id for e in analysis.model.elements}
    if device not in ids:
        raise UsageError(
            f"no element {device!r} in the model",
            location="--device",
            hint="elements: " + ", ".join(sorted(ids)),
        )
    return generate_mud(analysis.model, device=device, mud_url=mud_url, last_update=last_update)


def lint_mud(path: Path) -> list[Diagnostic]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror}", file=str(path), code="io") from None
    return check_mud(data, source=str(path))
