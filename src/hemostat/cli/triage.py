"""`hemostat triage list|show|set` and `hemostat audit verify`.

The lead wires them: ``app.add_typer(triage.triage_app, name="triage")`` and
``app.add_typer(triage.audit_app, name="audit")``. Exit codes: 0 ok, 1 audit chain broken, 2 bad
input (including a conflicting concurrent edit).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from hemostat.cli.output import OutputFormat, console, emit_json

if TYPE_CHECKING:
    from hemostat.domain.decision import AnalysisRecord
    from hemostat.services.triage import RiskInfo

triage_app = typer.Typer(help="Work down the findings queue; record VEX decisions.")
audit_app = typer.Typer(help="Part 11 audit trail of the decisions.", no_args_is_help=True)

FormatOpt = typer.Option(OutputFormat.table, "--format", "-f", help="Output format.")


@triage_app.command("list")
def list_cmd(
    product: str | None = typer.Option(None, "--product", help="Only this product."),
    release: str | None = typer.Option(None, "--release", help="Only this release."),
    state: str | None = typer.Option(
        None, "--state", help="untriaged, under_investigation, affected, not_affected or fixed."
    ),
    fmt: OutputFormat = FormatOpt,
) -> None:
    """The queue: stored findings, most urgent first, with the decision in force."""
    from hemostat.services import risk, triage
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        items = triage.triage_list(
            s, product=product, release=release, state=state, risk=risk.risk_lookup(s)
        )
    if fmt is OutputFormat.json:
        emit_json([{**_asdict(i), "state": i.state} for i in items])
        return
    table = Table("product", "release", "component", "vulnerability", "KEV", "CVSS", "EPSS",
                  "risk", "SSVC", "due", "state")  # fmt: skip
    for i in items:
        carried = f" (carried from {i.decision.carried_from})" if i.decision and (
            i.decision.carried_from) else ""  # fmt: skip
        table.add_row(
            i.product, i.release, escape(i.bom_ref), i.vulnerability, "yes" if i.kev else "",
            f"{i.score:.1f}" if i.score is not None else "",
            f"{i.epss:.3f}" if i.epss is not None else "", *_risk_cells(i.risk),
            i.state + carried + (" (declared, not matched)" if i.declared else ""),
        )  # fmt: skip
    console.print(table)


@triage_app.command("show")
def show_cmd(
    product: str = typer.Argument(...),
    release: str = typer.Argument(...),
    vuln: str = typer.Argument(..., help="Vulnerability id, e.g. CVE-2024-1234."),
    component: str | None = typer.Option(
        None, "--component", help="bom-ref, identity or (unique) name."
    ),
    fmt: OutputFormat = FormatOpt,
) -> None:
    """The decision in force on this release, its risk and deadlines, and its full history."""
    from hemostat.services import risk, triage
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        if component is not None:  # a name, bom-ref or identity -> the identity
            component = triage.resolve_component(s, product, release, component)[0]
        lookup = risk.risk_lookup(s)
        items = [
            replace(i, risk=lookup(i))
            for i in triage.triage_list(s, product=product, release=release)
            if i.vulnerability == vuln and component in (None, i.bom_ref, i.identity)
        ]
        now = [
            d
            for d in triage.decisions_for_release(s, product, release)
            if d.vulnerability == vuln and component in (None, d.bom_ref, d.identity)
        ]
        hist = [
            h
            for h in triage.history(s, product=product, vulnerability=vuln)
            if any(h.identity == d.identity for d in now)
        ]
    if fmt is OutputFormat.json:
        risks = [{"component": i.bom_ref, **_asdict(i.risk)} for i in items if i.risk]
        emit_json({"current": now, "risk": risks, "history": hist})
        return
    if not now:
        console.print(f"no decision about {vuln} in {product}@{release}")
    for d in now:
        console.print(f"[bold]{escape(d.bom_ref)}[/] {d.vulnerability}: {_describe(d)}")
    for i in items:
        control, ssvc, due = _risk_cells(i.risk)
        console.print(f"[bold]{escape(i.bom_ref)}[/] risk: {control or 'not assessed'}; "
                      f"SSVC (supplier) {ssvc or '-'}; next deadline {due or 'none'}")  # fmt: skip
    for h in hist:
        console.print(f"  #{h.sequence} {h.at:%Y-%m-%d %H:%M} {h.release} {escape(h.author)}: "
                      f"{h.status.value} — {escape(h.reason)}")  # fmt: skip


@triage_app.command("set")
def set_cmd(
    product: str = typer.Argument(...),
    release: str = typer.Argument(...),
    vuln: str = typer.Argument(...),
    component: str = typer.Option(..., "--component", help="bom-ref, identity or (unique) name."),
    status: str = typer.Option(
        ..., "--status", help="under_investigation, affected, not_affected or fixed."
    ),
    justification: str | None = typer.Option(
        None, "--justification", help="Required with not_affected (e.g. code_not_reachable)."
    ),
    response: list[str] = typer.Option([], "--response", help="Repeatable (e.g. update)."),
    detail: str = typer.Option("", "--detail", help="Free-text analysis detail."),
    author: str = typer.Option(..., "--author", help="Who decides (Part 11)."),
    reason: str = typer.Option(..., "--reason", help="Why this change (Part 11)."),
    expected_sequence: int | None = typer.Option(
        None, "--expected-sequence", help="Fail if someone else changed it since this sequence."
    ),
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Append a decision (nothing is ever overwritten)."""
    from hemostat.services import triage
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        rec = triage.set_decision(
            s, product=product, release=release, vulnerability=vuln, component=component,
            status=status, justification=justification, response=tuple(response), detail=detail,
            author=author, reason=reason, expected_sequence=expected_sequence,
        )  # fmt: skip
    if fmt is OutputFormat.json:
        emit_json(rec)
    else:
        console.print(f"recorded #{rec.sequence} {rec.vulnerability} on {escape(rec.bom_ref)}: "
                      f"{_describe(rec)}")  # fmt: skip


@audit_app.command("verify")
def verify_cmd(fmt: OutputFormat = FormatOpt) -> None:
    """Recompute the decisions' hash chains; exit 1 at the first broken link."""
    from hemostat.services import audit
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        report = audit.verify(s)
    if fmt is OutputFormat.json:
        emit_json({**_asdict(report), "ok": report.ok})
    elif report.ok:
        console.print(f"audit trail intact: {report.records} records, head {report.head}; "
                      f"{report.documents} VEX documents match their sha256")  # fmt: skip
    elif report.broken_at is None:
        console.print(f"[bold red]audit evidence broken[/]: {escape(report.problem)}")
    else:
        console.print(f"[bold red]audit trail broken[/] at record {report.broken_at}: "
                      f"{escape(report.problem)}")  # fmt: skip
    if not report.ok:
        raise typer.Exit(1)


def _risk_cells(r: RiskInfo | None) -> tuple[str, str, str]:
    """Postmarket control, supplier SSVC outcome, and the next FDA deadline (red when passed)."""
    if r is None:
        return "", "", ""
    control = f"[red]{r.control}[/]" if r.uncontrolled else r.control
    due = f"{r.next_due:%Y-%m-%d}" if r.next_due else ""
    return control, r.ssvc, f"[bold red]{due} overdue[/]" if r.overdue else due


def _describe(d: AnalysisRecord) -> str:
    parts = [d.status.value]
    if d.justification:
        parts.append(f"({d.justification.value})")
    if d.response:
        parts.append("response " + ", ".join(r.value for r in d.response))
    if d.carried_from:
        parts.append(f"[yellow]carried from {d.carried_from}, unconfirmed[/]")
    if d.component_removed:
        parts.append("[yellow]component removed[/]")
    return " ".join(parts) + f" — {escape(d.author)}, {d.at:%Y-%m-%d}"


def _asdict(obj: object) -> dict[str, object]:
    import dataclasses

    return dataclasses.asdict(obj)  # type: ignore[call-overload, no-any-return]
