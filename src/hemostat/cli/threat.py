"""`hemostat threat` and `hemostat mud`: threat models as data."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.table import Table

from hemostat.cli.output import OutputFormat, console, emit_json, err_console, write_output

app = typer.Typer(
    help="Threat models: check, report, diagrams, traceability.", no_args_is_help=True
)
mud_app = typer.Typer(help="RFC 8520 MUD files from the threat model.", no_args_is_help=True)

ModelArg = typer.Argument(..., help="Threat model YAML (follows its include: files).")
RulesOpt = typer.Option(None, "--rules", help="Extra rule folder (repeatable).")
OutOpt = typer.Option(None, "--output", "-o", help="File to write (default: stdout).")


@app.command("check")
def check(
    model: Path = ModelArg,
    rules: list[Path] | None = RulesOpt,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
    fail_on_open: bool = typer.Option(
        False, "--fail-on-open", help="Exit 1 if any threat is open."
    ),
) -> None:
    """Validate a model (every problem, with file and line) and count its threats."""
    from hemostat.services import threats

    analysis = threats.analyze_file(model, rules=rules)
    summary = threats.summarize(analysis, rules=len(threats.rule_library(rules)))
    if fmt is OutputFormat.json:
        emit_json(summary)
    else:
        console.print(
            f"[bold]{summary.model}[/] v{summary.version}: {summary.threats} threats from "
            f"{summary.rules} rules, [bold red]{summary.open} open[/]"
        )
        t = Table("STRIDE", "threats")
        for k, v in summary.by_stride.items():
            t.add_row(k.replace("_", " "), str(v))
        r = Table("residual risk", "threats")
        for k, v in summary.by_residual_risk.items():
            r.add_row(k, str(v))
        console.print(t, r)
        for s in summary.stale_treatments:
            err_console.print(f"[yellow]warning:[/] treatment for {s} matches no current threat")
    if fail_on_open and summary.open:
        sys.exit(1)


@app.command("report")
def report(
    model: Path = ModelArg,
    fmt: str = typer.Option(
        "summary-md", "--format", "-f", help="summary-md, summary-html or json."
    ),
    rules: list[Path] | None = RulesOpt,
    output: Path | None = OutOpt,
    all_to: Path | None = typer.Option(
        None,
        "--all",
        help="Write every report, diagram and the traceability matrix to this folder.",
    ),
) -> None:
    """Threat model summary (Markdown/HTML) or the whole analysis as JSON."""
    from hemostat.services import threats

    analysis = threats.analyze_file(model, rules=rules)
    if all_to is not None:
        files = threats.write_all(analysis, all_to, analysis.model.id)
        console.print(f"wrote {len(files)} files under {all_to}")
        return
    write_output(threats.report(analysis, fmt), output)


@app.command("diagram")
def diagram(
    model: Path = ModelArg,
    view: str = typer.Option(
        "global_system",
        "--view",
        help="dfd, global_system, multi_patient_harm, updatability_patchability, security_use_case",
    ),
    rules: list[Path] | None = RulesOpt,
    output: Path | None = OutOpt,
) -> None:
    """An SVG data-flow diagram or one of the four FDA architecture views."""
    from hemostat.services import threats

    write_output(threats.diagram(threats.analyze_file(model, rules=rules), view), output)


@app.command("trace")
def trace(
    model: Path = ModelArg,
    fmt: str = typer.Option("trace-csv", "--format", "-f", help="trace-csv or trace-html."),
    rules: list[Path] | None = RulesOpt,
    output: Path | None = OutOpt,
) -> None:
    """Traceability matrix: hazard ↔ threat ↔ control ↔ requirement ↔ test ↔ SBOM component."""
    from hemostat.services import threats

    write_output(threats.report(threats.analyze_file(model, rules=rules), fmt), output)


@mud_app.command("generate")
def mud_generate(
    model: Path = ModelArg,
    device: str = typer.Option(..., "--device", help="Element id of the device."),
    mud_url: str = typer.Option(..., "--mud-url", help="https URL the MUD file will be served at."),
    last_update: str | None = typer.Option(
        None, "--last-update", help="ISO date-time for last-update (default: now, UTC)."
    ),
    output: Path | None = OutOpt,
) -> None:
    """Generate the RFC 8520 MUD file for a device from the model's data flows."""
    from hemostat.services import threats

    when = _when(last_update)
    result = threats.mud_for(
        threats.analyze_file(model), device=device, mud_url=mud_url, last_update=when
    )
    for note in result.skipped:
        err_console.print(f"[dim]not in MUD (not IP): {note}[/]")
    write_output(result.to_json(), output)


@mud_app.command("check")
def mud_check(
    file: Path = typer.Argument(..., help="MUD file (JSON)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Lint a MUD file: structure, ACL references, matches. Exit 1 when it has errors."""
    from hemostat.services import threats

    found = threats.lint_mud(file)
    errors = [d for d in found if ".warn." not in d.code]
    if fmt is OutputFormat.json:
        emit_json({"file": str(file), "errors": len(errors), "findings": found})
    else:
        for d in found:
            style = "yellow" if ".warn." in d.code else "red"
            console.print(f"[{style}]{d.code}[/] {d.render()}", highlight=False)
        console.print(f"{file}: {len(errors)} errors, {len(found) - len(errors)} warnings")
    if errors:
        sys.exit(1)


def _when(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not an ISO date-time", param_hint="--last-update"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
