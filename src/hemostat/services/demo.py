"""`hemostat demo`: the whole product on the bundled example devices, into one folder."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import orjson

from hemostat.config import Settings
from hemostat.domain.component import Component
from hemostat.domain.threat import ElementKind, RiskLevel, Treatment
from hemostat.errors import UsageError
from hemostat.services import catalog, findings, sboms, scan, threats
from hemostat.services.demo_triage import DemoTriage, decide_and_publish
from hemostat.services.uow import unit_of_work

EXPORTS = {
    "cyclonedx-json": "sbom.cdx.json",
    "cyclonedx-xml": "sbom.cdx.xml",
    "spdx-json": "sbom.spdx.json",
}


@dataclass(frozen=True, slots=True)
class DemoRelease:
    product: str
    version: str
    source: str
    format: str
    components: int
    score: float
    verdict: str
    warnings: int


@dataclass
class DemoResult:
    output: Path
    database_url: str
    releases: list[DemoRelease] = field(default_factory=list)
    diffs: dict[str, dict[str, int]] = field(default_factory=dict)
    threats: list[DemoThreats] = field(default_factory=list)
    findings: list[DemoFindings] = field(default_factory=list)
    triage: list[DemoTriage] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DemoFindings:
    product: str
    version: str
    findings: int
    kev: int
    critical: int
    high: int
    skipped: int
    top: tuple[
        tuple[str, str, str, bool, float | None], ...
    ]  # (vuln, component, severity, KEV, CVSS)


@dataclass(frozen=True, slots=True)
class DemoThreats:
    product: str
    model: str
    threats: int
    open: int
    high_or_critical_open: int
    mud_aces: int
    mud_findings: int


def default_examples() -> Path:
    """The examples folder of a source checkout (installed editable, as the README does)."""
    return Path(__file__).resolve().parents[3] / "examples"


def load_portfolio(examples: Path) -> list[dict[str, Any]]:
    path = examples / "portfolio.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"no portfolio.toml in {examples}", hint="pass --examples DIR pointing at examples/"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"invalid TOML: {exc}", location=str(path)) from None
    products: list[dict[str, Any]] = data.get("product", [])
    return products


def run_demo(
    *, output: Path, examples: Path, progress: Callable[[str], None] | None = None
) -> DemoResult:
    output.mkdir(parents=True, exist_ok=True)
    db_path = output / "hemostat-demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    settings = Settings(database_url=f"sqlite:///{db_path}")
    result = DemoResult(output=output, database_url=settings.database_url)
    portfolio = load_portfolio(examples)
    for prod in portfolio:
        _register(prod, settings)
        previous: str | None = None
        for rel in prod.get("release", []):
            if progress:
                progress(f"{prod['key']} {rel['version']}")
            result.releases.append(
                _import(
                    prod["key"],
                    rel=rel,
                    examples=examples,
                    output=output,
                    settings=settings,
                    res=result,
                )
            )
            if previous:
                result.diffs[f"{prod['key']} {previous} → {rel['version']}"] = _diff(
                    prod["key"],
                    a=previous,
                    b=rel["version"],
                    output=output,
                    settings=settings,
                    res=result,
                )
            previous = rel["version"]
        if prod.get("threat_model"):
            if progress:
                progress(f"{prod['key']} threat model")
            result.threats.append(_threat_model(prod, examples=examples, output=output, res=result))
    if progress:
        progress("vulnerability matching (bundled offline feeds)")
    result.findings = _analyze_all(portfolio, output=output, settings=settings, res=result)
    if progress:
        progress("risk answers, decisions, triage queue and VEX")
    result.triage = decide_and_publish(portfolio, output=output, settings=settings, res=result)
    summary = output / "summary.json"
    summary.write_bytes(
        orjson.dumps(
            {
                "releases": [asdict(r) for r in result.releases],
                "diffs": result.diffs,
                "threat_models": [asdict(t) for t in result.threats],
                "findings": [asdict(f) for f in result.findings],
                "triage": [asdict(t) for t in result.triage],
            },
            option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS,
        )
    )
    result.files.append(summary)
    return result


def _register(prod: dict[str, Any], settings: Settings) -> None:
    with unit_of_work(settings) as s:
        catalog.add_product(
            s,
            key=prod["key"],
            name=prod["name"],
            manufacturer=prod["manufacturer"],
            model_number=prod.get("model_number"),
            intended_use=prod.get("intended_use"),
            device_class=prod.get("device_class"),
            cyber_device=bool(prod.get("cyber_device", True)),
        )
        for rel in prod.get("release", []):
            released = rel.get("released")
            catalog.add_release(
                s,
                product=prod["key"],
                version=rel["version"],
                released=date.fromisoformat(str(released)) if released else None,
                support_status=rel.get("support_status", "supported"),
            )


def _import(
    key: str,
    *,
    rel: dict[str, Any],
    examples: Path,
    output: Path,
    settings: Settings,
    res: DemoResult,
) -> DemoRelease:
    version = rel["version"]
    support = examples / rel["support_csv"] if rel.get("support_csv") else None
    with unit_of_work(settings) as s:
        imported = sboms.import_sbom(
            s,
            product=key,
            release=version,
            path=examples / rel["sbom"],
            support=support,
            settings=settings,
        )
    folder = output / key / version
    folder.mkdir(parents=True, exist_ok=True)
    with unit_of_work(settings) as s:
        for fmt, name in EXPORTS.items():
            target = folder / name
            target.write_bytes(sboms.export(s, product=key, release=version, fmt=fmt))
            res.files.append(target)
    v = imported.sbom
    report = folder / "completeness.json"
    report.write_bytes(
        orjson.dumps(v.completeness, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    )
    res.files.append(report)
    return DemoRelease(
        key,
        version,
        rel["sbom"],
        f"{v.format} {v.spec_version}",
        v.component_count,
        float(v.completeness.get("score", 0.0)),
        str(v.completeness.get("verdict", "")),
        len(v.warnings),
    )


def _diff(
    key: str, *, a: str, b: str, output: Path, settings: Settings, res: DemoResult
) -> dict[str, int]:
    with unit_of_work(settings) as s:
        d = sboms.diff_sboms(s, before=sboms.Ref(key, a), after=sboms.Ref(key, b))
    target = output / key / f"diff-{a}-to-{b}.json"
    target.write_bytes(
        orjson.dumps(
            {
                "added": [c.bom_ref for c in d.added],
                "removed": [c.bom_ref for c in d.removed],
                "changed": [
                    {
                        "identity": c.identity,
                        "name": c.name,
                        "changes": [[f.field, f.before, f.after] for f in c.changes],
                    }
                    for c in d.changed
                ],
            },
            option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS,
        )
    )
    res.files.append(target)
    return {
        "added": len(d.added),
        "removed": len(d.removed),
        "changed": len(d.changed),
        "unchanged": d.unchanged,
    }


def _threat_model(
    prod: dict[str, Any], *, examples: Path, output: Path, res: DemoResult
) -> DemoThreats:
    """Threat analysis, reports, the four FDA views, traceability and the MUD file."""
    analysis = threats.analyze_file(examples / prod["threat_model"])
    folder = output / prod["key"] / "threat"
    res.files += threats.write_all(analysis, folder, prod["key"])
    devices = [e.id for e in analysis.model.elements if e.kind is ElementKind.DEVICE]
    device = prod.get("mud_device") or devices[0]
    latest = max(date.fromisoformat(str(r["released"])) for r in prod["release"])
    mud = threats.mud_for(
        analysis,
        device=device,
        mud_url=prod["mud_url"],
        last_update=datetime.combine(latest, time(), tzinfo=UTC),
    )
    target = folder / f"{prod['key']}.mud.json"
    target.write_bytes(mud.to_json())
    res.files.append(target)
    findings = threats.lint_mud(target)
    open_ = [t for t in analysis.threats if t.treatment is Treatment.OPEN]
    return DemoThreats(
        product=prod["key"],
        model=analysis.model.name,
        threats=len(analysis.threats),
        open=len(open_),
        high_or_critical_open=sum(
            1 for t in open_ if t.residual_risk in (RiskLevel.HIGH, RiskLevel.CRITICAL)
        ),
        mud_aces=_ace_count(mud.document),
        mud_findings=len(findings),
    )


def _ace_count(doc: dict[str, Any]) -> int:
    acls = doc.get("ietf-access-control-list:acls", {}).get("acl", [])
    return sum(len(a.get("aces", {}).get("ace", [])) for a in acls)


def _analyze_all(
    portfolio: list[dict[str, Any]], *, output: Path, settings: Settings, res: DemoResult
) -> list[DemoFindings]:
    """Load the bundled feeds into the demo database, analyze every release, write the reports."""
    with unit_of_work(settings) as s:
        intel = scan.session_intel(s)
    out = []
    for prod in portfolio:
        for rel in prod.get("release", []):
            with unit_of_work(settings) as s:
                analysis = findings.analyze_release(s, prod["key"], rel["version"], intel=intel)
            report = analysis.report
            folder = output / prod["key"] / rel["version"]
            for fmt in ("json", "sarif", "cyclonedx-vdr"):
                o = scan.output(fmt)
                target = folder / f"findings{o.suffix}"
                target.write_bytes(o.render(report))
                res.files.append(target)
            counts = report.counts()
            comps = report.components_by_ref()
            top = tuple(
                (
                    f.finding.vulnerability,
                    _label(comps.get(f.finding.component), f.finding.component),
                    f.severity,
                    f.finding.kev is not None,
                    f.score,
                )
                for f in report.findings[:5]
            )
            out.append(
                DemoFindings(
                    product=prod["key"],
                    version=rel["version"],
                    findings=len(report.findings),
                    kev=report.kev_count(),
                    critical=counts.get("critical", 0),
                    high=counts.get("high", 0),
                    skipped=len(report.skipped),
                    top=top,
                )
            )
    return out


def _label(c: Component | None, ref: str) -> str:
    if c is None:
        return ref
    return f"{c.name}@{c.version}" if c.version else c.name
