"""`hemostat sbom`: import, check, show, diff, export, enrich."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from hemostat.cli import render
from hemostat.cli.output import OutputFormat, console, emit_json, err_console, write_output
from hemostat.errors import UsageError

if TYPE_CHECKING:
    from hemostat.services.sboms import Ref

app = typer.Typer(help="Import, check, compare and export SBOMs.", no_args_is_help=True)
FormatOpt = typer.Option(OutputFormat.table, "--format", "-f", help="Output format.")
RevisionOpt = typer.Option(None, "--revision", "-r", help="SBOM revision (default: latest).")


@app.command("import")
def import_(
    product: str = typer.Argument(..., help="Product key."),
    release: str = typer.Argument(..., help="Release version."),
    file: Path = typer.Argument(..., help="CycloneDX or SPDX file (format auto-detected)."),
    support: Path | None = typer.Option(
        None, "--support", help="Support side-file (CSV) to apply in the same transaction."
    ),
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Import an SBOM as a new revision of a release (identical bytes change nothing)."""
    from hemostat.services import sboms
    from hemostat.services.uow import unit_of_work

    with console.status(f"reading {file.name}…"), unit_of_work() as s:
        result = sboms.import_sbom(s, product=product, release=release, path=file, support=support)
    if fmt is OutputFormat.json:
        emit_json(result)
        return
    v = result.sbom
    if not result.created:
        console.print(
            f"unchanged: these bytes are already revision {v.revision} of {product} {release}"
        )
        return
    console.print(
        f"imported [bold]{file.name}[/] as revision {v.revision} of {product} {release}: "
        f"{v.format} {v.spec_version}, {v.component_count} components"
        + (f", support data for {result.enriched} from {support}" if support else "")
    )
    render.warnings(v.warnings)
    render.completeness_summary(v.completeness)


@app.command("check")
def check(
    file: Path = typer.Argument(..., help="CycloneDX or SPDX file."),
    fmt: OutputFormat = FormatOpt,
    fail_below: int | None = typer.Option(
        None, "--fail-below", help="Exit 1 when the score is below this (0-100)."
    ),
) -> None:
    """Validate an SBOM and report NTIA minimum elements + FDA extras (no database needed)."""
    from hemostat.services.checks import check_file

    with console.status(f"checking {file.name}…"):
        sbom, report = check_file(file)
    if fmt is OutputFormat.json:
        emit_json(
            {
                "file": str(file),
                "format": sbom.format,
                "spec_version": sbom.spec_version,
                "components": len(sbom.components),
                "warnings": list(sbom.warnings),
                "completeness": report,
            }
        )
    else:
        console.print(
            f"[bold]{file}[/]: {sbom.format} {sbom.spec_version}, {len(sbom.components)} components"
        )
        render.warnings(sbom.warnings)
        render.completeness(report)
    if fail_below is not None and float(report.get("score", 0)) < fail_below:
        sys.exit(1)


@app.command("show")
def show(
    product: str = typer.Argument(...),
    release: str = typer.Argument(...),
    revision: int | None = RevisionOpt,
    fmt: OutputFormat = FormatOpt,
    limit: int = typer.Option(50, "--limit", help="Components to list in the table (0: all)."),
) -> None:
    """Show a stored SBOM revision: metadata, completeness and components."""
    from hemostat.services import sboms
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        view, sbom = sboms.show(s, product=product, release=release, revision=revision)
        revisions = sboms.list_revisions(s, product=product, release=release)
    if fmt is OutputFormat.json:
        emit_json(
            {
                "sbom": view,
                "revisions": [r.revision for r in revisions],
                "components": sbom.components,
                "dependencies": sbom.dependencies,
            }
        )
        return
    render.sbom_view(view, [r.revision for r in revisions])
    render.components(sbom.components, limit=limit)
    render.completeness_summary(view.completeness)


@app.command("diff")
def diff(
    before: str = typer.Argument(..., help="product@release[#revision]"),
    after: str = typer.Argument(..., help="product@release[#revision]"),
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Components added, removed and changed between two revisions or releases."""
    from hemostat.services import sboms
    from hemostat.services.uow import unit_of_work

    a, b = _ref(before), _ref(after)
    with unit_of_work() as s:
        d = sboms.diff_sboms(s, before=a, after=b)
    if fmt is OutputFormat.json:
        emit_json(
            {
                "before": before,
                "after": after,
                "added": d.added,
                "removed": d.removed,
                "changed": d.changed,
                "unchanged": d.unchanged,
            }
        )
        return
    render.diff(d, before, after)


@app.command("export")
def export(
    product: str = typer.Argument(...),
    release: str = typer.Argument(...),
    to: str = typer.Option(
        "cyclonedx-json", "--to", help="cyclonedx-json, cyclonedx-xml or spdx-json."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
    revision: int | None = RevisionOpt,
) -> None:
    """Export a stored SBOM as CycloneDX 1.6 (JSON/XML) or SPDX 2.3 JSON."""
    from hemostat.services import sboms
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        data = sboms.export(s, product=product, release=release, fmt=to, revision=revision)
    write_output(data, output)


@app.command("enrich")
def enrich(
    product: str = typer.Argument(...),
    release: str = typer.Argument(...),
    file: Path = typer.Argument(
        ..., help="CSV with columns match,level_of_support,end_of_support,support_note."
    ),
    revision: int | None = RevisionOpt,
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Add level of support / end-of-support data to a stored SBOM from a CSV side-file."""
    from hemostat.services import sboms
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        applied, unmatched = sboms.enrich(
            s, product=product, release=release, path=file, revision=revision
        )
    if fmt is OutputFormat.json:
        emit_json({"updated": applied, "unmatched": unmatched})
        return
    console.print(f"updated support data of {applied} components from {file}")
    for u in unmatched:
        err_console.print(f"[yellow]warning:[/] {file}: {u} matched no component")


def _ref(text: str) -> Ref:
    from hemostat.services.sboms import Ref

    product, sep, rest = text.partition("@")
    if not sep or not product or not rest:
        raise UsageError(
            f"{text!r} is not product@release[#revision]", hint="e.g. infusion-pump@2.1.0#2"
        )
    release, _, rev = rest.partition("#")
    if rev and not rev.isdigit():
        raise UsageError(f"revision {rev!r} in {text!r} is not a number")
    return Ref(product, release, int(rev) if rev else None)
