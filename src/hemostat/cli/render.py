"""Rich renderings of SBOMs, completeness reports and diffs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table

from hemostat.cli.output import console, err_console
from hemostat.domain.component import Component
from hemostat.domain.diff import SbomDiff
from hemostat.services.views import SbomView

_VERDICT_STYLE = {"ready": "green", "ready_with_concerns": "yellow", "incomplete": "red"}


def warnings(items: Sequence[str], *, limit: int = 10) -> None:
    for w in items[:limit]:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False)
    if len(items) > limit:
        err_console.print(f"[yellow]warning:[/] … and {len(items) - limit} more warnings")


def _bar(pct: float, width: int = 20) -> str:
    filled = round(width * pct / 100)
    color = "green" if pct >= 90 else "yellow" if pct >= 60 else "red"
    return f"[{color}]{'█' * filled}[/][dim]{'░' * (width - filled)}[/] {pct:5.1f}%"


def completeness_summary(report: dict[str, Any]) -> None:
    if not report:
        return
    verdict = str(report.get("verdict", ""))
    style = _VERDICT_STYLE.get(verdict, "white")
    console.print(
        f"completeness score [bold]{report.get('score')}[/]/100, "
        f"verdict [bold {style}]{verdict.replace('_', ' ')}[/]"
        + (f" — {report['summary']}" if report.get("summary") else "")
    )


def completeness(report: dict[str, Any], *, actions: int = 20) -> None:
    completeness_summary(report)
    t = Table("element", "required by", "coverage", "missing", title="NTIA minimum elements + FDA")
    for e in report.get("scores", []):
        t.add_row(
            str(e.get("element", "")).replace("_", " "),
            str(e.get("requirement", "")),
            _bar(float(e.get("coverage", 0.0))),
            str(e.get("failed", 0) or ""),
        )
    console.print(t)
    acts = report.get("actions", [])
    if acts:
        console.print("[bold]What to fix[/]")
    for a in acts[:actions]:
        console.print(
            f"  [{_sev(a.get('severity'))}]{a.get('severity', '')}[/] {a.get('title', '')}"
        )
        if a.get("how"):
            console.print(f"      [dim]{a['how']}[/]", highlight=False)


def _sev(s: object) -> str:
    return {"blocker": "bold red", "major": "red", "minor": "yellow"}.get(str(s), "dim")


def sbom_view(v: SbomView, revisions: Sequence[int]) -> None:
    t = Table.grid(padding=(0, 2))
    for k, val in (
        ("release", f"{v.product} {v.release}"),
        ("revision", f"{v.revision} (of {', '.join(map(str, revisions))})"),
        ("format", f"{v.format} {v.spec_version}"),
        ("source", v.source_name),
        ("sha-256", v.sha256),
        ("serial", v.serial or ""),
        ("timestamp", v.timestamp.isoformat() if v.timestamp else ""),
        ("imported", v.imported_at.isoformat()),
        ("components", str(v.component_count)),
    ):
        t.add_row(f"[bold]{k}[/]", val)
    console.print(t)


def components(items: Sequence[Component], *, limit: int = 50) -> None:
    shown = items if limit <= 0 else items[:limit]
    t = Table("name", "version", "type", "supplier", "purl / CPE", "support", "end of support")
    for c in shown:
        t.add_row(
            c.name,
            c.version or "[red]—[/]",
            c.type,
            c.supplier or "[red]—[/]",
            c.purl or (c.cpes[0] if c.cpes else "[red]—[/]"),
            c.level_of_support.value if c.level_of_support else "[yellow]—[/]",
            c.end_of_support.isoformat()
            if c.end_of_support
            else (c.support_note or "[yellow]—[/]"),
        )
    console.print(t)
    if len(shown) < len(items):
        console.print(f"[dim]… {len(items) - len(shown)} more (use --limit 0 or --format json)[/]")


def diff(d: SbomDiff, before: str, after: str) -> None:
    console.print(
        f"[bold]{before}[/] → [bold]{after}[/]: [green]+{len(d.added)} added[/], "
        f"[red]-{len(d.removed)} removed[/], [yellow]~{len(d.changed)} changed[/], "
        f"{d.unchanged} unchanged"
    )
    t = Table("", "component", "before", "after")
    for c in d.removed:
        t.add_row("[red]-[/]", c.name, c.version or "", "")
    for c in d.added:
        t.add_row("[green]+[/]", c.name, "", c.version or "")
    for ch in d.changed:
        for f in ch.changes:
            t.add_row("[yellow]~[/]", f"{ch.name} ({f.field})", f.before, f.after)
    if t.row_count:
        console.print(t)
