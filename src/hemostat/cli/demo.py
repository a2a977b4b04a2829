"""`hemostat demo`: one command that shows the whole product on the example devices."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from hemostat.cli.output import console


def demo(
    output: Path = typer.Option(
        Path("hemostat-demo"), "--output", "-o", help="Folder for every artefact the demo writes."
    ),
    examples: Path | None = typer.Option(
        None, "--examples", help="Examples folder with portfolio.toml (default: bundled examples)."
    ),
) -> None:
    """Import the three example devices (offline, SQLite) and write every artefact under OUTPUT."""
    from hemostat.services import demo as demo_service

    examples = examples or demo_service.default_examples()
    products = demo_service.load_portfolio(examples)
    total = sum(len(p.get("release", [])) + bool(p.get("threat_model")) for p in products) + 2
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as bar:
        task = bar.add_task("importing", total=total)

        def step(label: str) -> None:
            bar.update(task, description=f"importing {label}")
            bar.advance(task)

        result = demo_service.run_demo(output=output, examples=examples, progress=step)
    t = Table("product", "release", "SBOM", "format", "components", "completeness", "verdict")
    for r in result.releases:
        t.add_row(
            r.product,
            r.version,
            Path(r.source).name,
            r.format,
            str(r.components),
            f"{r.score:.1f}",
            r.verdict.replace("_", " "),
        )
    console.print(t)
    for label, counts in result.diffs.items():
        console.print(
            f"{label}: +{counts['added']} added, -{counts['removed']} removed, "
            f"~{counts['changed']} changed"
        )
    if result.findings:
        ft = Table(
            "product",
            "release",
            "findings",
            "KEV",
            "critical",
            "high",
            "unmatched",
            "top findings (KEV first)",
            title="Known vulnerabilities (bundled offline feeds)",
        )
        for f in result.findings:
            top = ", ".join(
                f"{'[bold red]KEV[/] ' if kev else ''}{vid} ({comp}, {score if score else sev})"
                for vid, comp, sev, kev, score in f.top[:3]
            )
            ft.add_row(
                f.product,
                f.version,
                str(f.findings),
                str(f.kev),
                str(f.critical),
                str(f.high),
                str(f.skipped),
                top,
            )
        console.print(ft)
    if result.triage:
        title = "Triage: risk to patients (FDA postmarket, SSVC)"
        qt = Table("product", "release", "queue", "decided", "uncontrolled", "overdue",
                   "first in the queue", title=title)  # fmt: skip
        for q in result.triage:
            qt.add_row(q.product, q.version, str(q.queue), str(q.decided), str(q.uncontrolled),
                       str(q.overdue), escape(q.head))  # fmt: skip
        console.print(qt)
    if result.threats:
        tt = Table("product", "threat model", "threats", "open", "open high/critical", "MUD ACEs")
        for th in result.threats:
            tt.add_row(
                th.product,
                th.model,
                str(th.threats),
                str(th.open),
                str(th.high_or_critical_open),
                str(th.mud_aces),
            )
        console.print(tt)
    console.print(
        f"wrote {len(result.files)} files under [bold]{result.output}[/]"
        f" (database {result.database_url})"
    )
