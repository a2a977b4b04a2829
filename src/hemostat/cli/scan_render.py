"""Rich renderings of scan reports and explanations (tables for people; JSON/SARIF/VDR are
rendered by hemostat.report)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from hemostat.cli.output import console
from hemostat.domain.finding import Finding, MatchEvidence
from hemostat.domain.scan import SEVERITIES, RatedFinding, ScanReport
from hemostat.services.explain import ExplainHit, Explanation

_STYLE = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "green",
    "none": "dim",
    "unknown": "dim",
}


def report(r: ScanReport, *, out: Console = console, limit: int = 0) -> None:
    s = r.sbom
    out.print(
        f"[bold]{s.source}[/]: {s.format} {s.spec_version}, {s.components} components — "
        f"[bold]{len(r.findings)}[/] findings on {len(r.components)} components, "
        f"[bold red]{r.kev_count()} in CISA KEV[/], {len(r.skipped)} not matched",
        highlight=False,
    )
    if r.findings:
        out.print(findings_table(r, limit=limit))
    severity_chart(r, out=out)
    skipped(r, out=out)
    feeds = " · ".join(f"{f.feed} {f.snapshot.isoformat()}" for f in r.feeds)
    out.print(f"[dim]feeds: {feeds or 'none loaded'}[/]", highlight=False)
    if r.fail_on:
        verdict = "[bold red]met (exit 1)[/]" if r.threshold_met else "[green]not met[/]"
        out.print(f"--fail-on {r.fail_on}: {verdict}")


def findings_table(r: ScanReport, *, limit: int = 0) -> Table:
    comps = r.components_by_ref()
    t = Table("KEV", "vulnerability", "severity", "CVSS", "EPSS", "component", "fixed in", "match")
    rows = r.findings[:limit] if limit else r.findings
    for rf in rows:
        f = rf.finding
        c = comps.get(f.component)
        who = f"{c.name} {c.version or ''}".strip() if c else f.component
        t.add_row(
            "[bold red]KEV[/]" if f.kev else "",
            f.vulnerability,
            f"[{_STYLE[rf.severity]}]{rf.severity}[/]",
            _cvss(rf),
            _epss(f),
            who,
            ", ".join(f.fixed_versions) or "—",
            _match(f),
        )
    if limit and len(r.findings) > limit:
        t.caption = f"{len(r.findings) - limit} more findings: use --format json"
    return t


def _cvss(rf: RatedFinding) -> str:
    return f"{rf.score:.1f} (v{rf.score_version})" if rf.score is not None else "—"


def _epss(f: Finding) -> str:
    if f.epss is None:
        return "—"
    return f"{f.epss.epss * 100:.2f}% p{round(f.epss.percentile * 100)}"


def _match(f: Finding) -> str:
    if not f.evidence:
        return ""
    e = f.evidence[0]
    style = {"high": "green", "medium": "yellow", "low": "red"}[e.confidence.value]
    return f"[{style}]{e.confidence.value}[/] {e.kind.value}"


def severity_chart(r: ScanReport, *, out: Console = console, width: int = 30) -> None:
    counts = r.counts()
    top = max(counts.values(), default=0) or 1
    out.print(
        " · ".join(
            f"[{_STYLE[s]}]{s} {counts[s]}[/]" for s in SEVERITIES if counts[s] or s != "none"
        )
    )
    if not r.findings:
        return
    grid = Table.grid(padding=(0, 1))
    for sev in SEVERITIES:
        n = counts[sev]
        if n:
            bar = "█" * max(1, round(width * n / top))
            grid.add_row(f"[{_STYLE[sev]}]{sev:>8}[/]", f"[{_STYLE[sev]}]{bar}[/]", str(n))
    out.print(grid)


def skipped(r: ScanReport, *, out: Console = console, limit: int = 10) -> None:
    if not r.skipped:
        return
    out.print("[bold]Not matched[/] (unknown, not 'not affected'):")
    for k in r.skipped[:limit]:
        out.print(f"  {k.name} [dim]({k.component})[/]: {k.reason}", highlight=False)
        for sug in k.suggestions[:3]:
            out.print(
                f"      try {sug.cpe} [dim]({sug.confidence.value}: {sug.reason})[/]",
                highlight=False,
            )
    if len(r.skipped) > limit:
        out.print(f"  … and {len(r.skipped) - limit} more (see --format json)")


def explanation(x: Explanation, *, out: Console = console) -> None:
    if not x.hits:
        out.print(f"{x.query} is not on any component of {x.scope} ({x.basis}).")
        return
    first = x.hits[0].finding
    f = first.finding
    out.print(f"[bold]{f.vulnerability}[/] [{_STYLE[first.severity]}]{first.severity}[/]", end="")
    out.print(f" — {f.summary}" if f.summary else "", highlight=False)
    if f.aliases:
        out.print(f"aliases: {', '.join(f.aliases)}", highlight=False)
    for c in f.cvss:
        by = f" [dim]({c.source})[/]" if c.source else ""
        out.print(
            f"CVSS {c.version} {c.base_score:.1f} {c.severity} {c.vector}{by}", highlight=False
        )
    if f.cwes:
        out.print(f"weaknesses: {', '.join(f.cwes)}")
    _kev_epss(x, out)
    out.print(f"{len(x.hits)} finding(s) in {x.scope} ({x.basis}):")
    for hit in x.hits:
        _hit(hit, out)


def _kev_epss(x: Explanation, out: Console) -> None:
    k = x.kev
    if k is None:
        out.print("CISA KEV: not listed")
    else:
        due = f", due {k.due_date.isoformat()}" if k.due_date else ""
        out.print(
            f"[bold red]CISA KEV[/]: added {k.date_added.isoformat()}{due}; "
            f"ransomware use {k.ransomware.lower()}; required action: {k.required_action}",
            highlight=False,
        )
    e = x.epss
    if e is None:
        out.print("EPSS: no score")
    else:
        out.print(
            f"EPSS: {e.epss:.5f} (percentile {e.percentile:.3f}) on {e.date.isoformat()}",
            highlight=False,
        )


def _hit(hit: ExplainHit, out: Console) -> None:
    f = hit.finding.finding
    c = hit.component
    who = f"{c.name} {c.version or ''}".strip() if c else f.component
    out.print(f"\n  [bold]{who}[/] [dim](bom-ref {f.component}, {hit.where})[/]", highlight=False)
    for e in f.evidence:
        _evidence(e, out)
    if f.fixed_versions:
        out.print(f"    fixed in    {', '.join(f.fixed_versions)}", highlight=False)


def _evidence(e: MatchEvidence, out: Console) -> None:
    rows = [
        ("matcher", f"{e.matcher} ({e.kind.value})"),
        ("searched", e.identifier),
        ("hit", e.matched),
        ("feed", f"{e.feed}, snapshot {e.snapshot.isoformat()}"),
        ("confidence", e.confidence.value),
    ]
    if e.note:
        rows.append(("note", e.note))
    for label, value in rows:
        out.print(f"    {label:<11} {value}", highlight=False, markup=False)
