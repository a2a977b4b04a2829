"""`hemostat rubric answer|show`, `hemostat ssvc show` and `hemostat postmarket show`.

Wired in cli/main.py: ``rubric_app`` as "rubric", ``ssvc_app`` as "ssvc", ``postmarket_app`` as
"postmarket". Exit codes: 0 ok, 2 bad input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from hemostat.cli.output import OutputFormat, console, emit_json

if TYPE_CHECKING:
    from hemostat.assess.ssvc import SsvcDecision
    from hemostat.services.risk import Subject

rubric_app = typer.Typer(help="MITRE medical CVSS rubric: answers per product scope.")
ssvc_app = typer.Typer(help="SSVC supplier and deployer decisions (CERT/CC tables).")
postmarket_app = typer.Typer(help="FDA postmarket assessment: controlled or uncontrolled risk.")

FormatOpt = typer.Option(OutputFormat.table, "--format", "-f", help="Output format.")
ComponentOpt = typer.Option(None, "--component", help="bom-ref, identity or (unique) name.")
ScopeOpt = typer.Option(None, "--scope", help="Answer scope to prefer, e.g. interface:ble.")


@rubric_app.command("answer")
def answer_cmd(
    product: str = typer.Argument(...),
    scope: str = typer.Option(
        "product", "--scope", help="product, interface:NAME, component:IDENTITY, vulnerability:ID."
    ),
    sets: list[str] = typer.Option(..., "--set", help="QUESTION=ANSWER, repeatable."),
    author: str = typer.Option(..., "--author", help="Who answers (Part 11)."),
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Store answers once per product scope; reused for every CVE in that scope."""
    from hemostat.errors import UsageError
    from hemostat.services import risk
    from hemostat.services.uow import unit_of_work

    answers: dict[str, str] = {}
    for item in sets:
        q, sep, a = item.partition("=")
        if not sep or not q.strip():
            raise UsageError(f"--set {item!r}: use QUESTION=ANSWER", location="--set")
        answers[q.strip()] = a
    with unit_of_work() as s:
        stored = risk.answer_rubric(s, product=product, scope=scope, answers=answers, author=author)
    if fmt is OutputFormat.json:
        emit_json(stored)
        return
    for row in stored:
        console.print(
            f"recorded {escape(row.scope)} {row.question}={row.answer} ({escape(row.author)})"
        )


def _view(which: str, **args: Any) -> Any:
    """One finding's rubric, SSVC or postmarket view, read in its own unit of work."""
    from hemostat.services import risk
    from hemostat.services.uow import unit_of_work

    lookup = {"rubric": risk.rubric_for, "ssvc": risk.ssvc_for, "postmarket": risk.postmarket_for}
    with unit_of_work() as s:
        return lookup[which](s, **args)


def _inputs(inputs: Any) -> list[dict[str, str]]:
    return [{"input": i, "value": v, "source": src} for i, v, src in inputs]


def _subject(subject: Subject) -> dict[str, str]:
    return {
        "product": subject.product,
        "release": subject.release,
        "vulnerability": subject.vulnerability,
        "component": subject.bom_ref,
        "identity": subject.identity,
    }


@rubric_app.command("show")
def rubric_show_cmd(
    product: str = typer.Argument(...),
    release: str = typer.Argument(...),
    vuln: str = typer.Argument(...),
    component: str | None = ComponentOpt,
    scope: str | None = ScopeOpt,
    fmt: OutputFormat = FormatOpt,
) -> None:
    """The rubric-adjusted CVSS v3.1 vector of one finding, with the rationale per metric."""
    view = _view(
        "rubric",
        product=product,
        release=release,
        vulnerability=vuln,
        component=component,
        scope=scope,
    )
    r = view.result
    if fmt is OutputFormat.json:
        emit_json({
            **_subject(view.subject), "base_vector": r.base_vector, "vector": r.vector,
            "base_score": str(r.base_score), "severity": r.severity, "extended": r.extended,
            "rubric": r.rubric, "rubric_version": r.rubric_version, "rationale": r.rationale,
            "answers": view.answers, "answer_scopes": view.sources,
        })  # fmt: skip
        return
    console.print(
        f"[bold]{vuln}[/] on {escape(view.subject.bom_ref)}: {r.rubric} ({r.rubric_version})"
    )
    console.print(f"  base     {r.base_vector or '(none)'}")
    console.print(f"  adjusted {r.vector}  {r.base_score} {r.severity}")
    for line in r.rationale:
        console.print(f"  - {escape(line)}")


def _decision(d: SsvcDecision) -> dict[str, Any]:
    return {
        "outcome": d.outcome, "table": d.table, "table_version": d.table_version,
        "decision_points": dict(d.points), "reasoning": list(d.reasoning),
    }  # fmt: skip


@ssvc_app.command("show")
def ssvc_show_cmd(
    product: str = typer.Argument(...),
    release: str = typer.Argument(...),
    vuln: str = typer.Argument(...),
    component: str | None = ComponentOpt,
    scope: str | None = ScopeOpt,
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Supplier and deployer SSVC decisions: decision points, outcome and table version."""
    view = _view(
        "ssvc",
        product=product,
        release=release,
        vulnerability=vuln,
        component=component,
        scope=scope,
    )
    if fmt is OutputFormat.json:
        emit_json({
            **_subject(view.subject), "supplier": _decision(view.supplier),
            "deployer": _decision(view.deployer),
            "inputs": _inputs(view.inputs),
        })  # fmt: skip
        return
    for role, d in (("supplier", view.supplier), ("deployer", view.deployer)):
        table = Table("decision point", "value", title=f"{role}: {d.outcome}")
        for point, value in d.points:
            table.add_row(point, value)
        console.print(table)
        console.print(f"  CERT/CC SSVC {d.table} {d.table_version}")
    for i, v, src in view.inputs:
        console.print(f"  {i} = {v}: {escape(src)}")


@postmarket_app.command("show")
def postmarket_show_cmd(
    product: str = typer.Argument(...),
    release: str = typer.Argument(...),
    vuln: str = typer.Argument(...),
    component: str | None = ComponentOpt,
    scope: str | None = ScopeOpt,
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Controlled or uncontrolled risk, the 30/60-day clocks and the reporting determination."""
    view = _view(
        "postmarket",
        product=product,
        release=release,
        vulnerability=vuln,
        component=component,
        scope=scope,
    )
    a = view.assessment
    if fmt is OutputFormat.json:
        inputs = _inputs(view.inputs)
        emit_json(
            {**_subject(view.subject), "assessment": a, "overdue": a.overdue, "inputs": inputs}
        )
        return
    console.print(f"[bold]{vuln}[/] on {escape(view.subject.bom_ref)}: {a.control.value} risk")
    for line in (*(f"{i} = {v}: {src}" for i, v, src in view.inputs), *a.reasoning):
        console.print(f"  - {escape(line)}")
    console.print("  reports: " + ", ".join(r.value for r in a.reports))
