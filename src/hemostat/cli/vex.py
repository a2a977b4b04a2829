"""`hemostat vex export|import` and `hemostat advisory export`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from hemostat.cli.output import OutputFormat, console, emit_json, err_console, write_output

vex_app = typer.Typer(
    help="VEX out (CycloneDX, OpenVEX, CSAF) and supplier VEX in.", no_args_is_help=True
)
advisory_app = typer.Typer(help="CSAF 2.0 security advisories.", no_args_is_help=True)
NamespaceOpt = typer.Option(
    None, "--publisher-namespace", help="Publisher namespace URL (default: from the manufacturer)."
)


@vex_app.command("export")
def export(
    product: str = typer.Argument(..., help="Product key."),
    release: str = typer.Argument(..., help="Release version."),
    fmt: str = typer.Option(
        "cyclonedx", "--format", "-f", help="cyclonedx, openvex, csaf or cyclonedx-vdr."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
    namespace: str | None = NamespaceOpt,
) -> None:
    """VEX for a release: each finding with the decision in force (else under investigation).

    cyclonedx-vdr adds the findings' ratings, CWEs, KEV/EPSS and match evidence (VDR + VEX)."""
    from hemostat.services import vex
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        data = vex.export(s, product=product, release=release, fmt=fmt, namespace=namespace)
    write_output(data, output)


@vex_app.command("import")
def import_(
    file: Path = typer.Argument(..., help="CycloneDX VEX/VDR, OpenVEX or CSAF csaf_vex document."),
    author: str | None = typer.Option(None, "--author", help="Who records the statements."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Record a supplier's VEX statements as decisions on the components they name."""
    from hemostat.services import vex
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        result = vex.import_vex(s, path=file, author=author)
    if fmt is OutputFormat.json:
        emit_json(result)
        return
    kept = "kept" if result.stored else "already kept"
    console.print(
        f"{file}: {result.format} VEX, {result.statements} statements, "
        f"{len(result.recorded)} decisions recorded"
    )
    console.print(f"  document {kept} as sha256 {result.sha256}", soft_wrap=True)
    for line in result.recorded:
        console.print(f"  {line}")
    for line in result.unmatched:
        err_console.print(f"[yellow]warning:[/] names nothing known here: {line}", highlight=False)
    for line in result.refused:
        err_console.print(f"[yellow]warning:[/] not recorded: {line}", highlight=False)
    if not result.recorded:
        err_console.print("[yellow]warning:[/] the document names no component of any release")


@vex_app.command("documents")
def documents(
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """The imported VEX documents, kept verbatim, that supplier decisions cite."""
    from hemostat.services import vex
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        docs = vex.documents(s)
    if fmt is OutputFormat.json:
        emit_json(docs)
        return
    table = Table("sha256", "format", "document", "publisher", "statements", "file", "imported")
    for d in docs:
        table.add_row(
            d.sha256[:16], d.format, escape(d.doc_id), escape(d.publisher), str(d.statements),
            escape(d.source_name), f"{d.imported_at:%Y-%m-%d %H:%M} by {escape(d.imported_by)}",
        )  # fmt: skip
    console.print(table)


@vex_app.command("source")
def source(
    digest: str = typer.Argument(..., help="sha256 of the document (or 8+ leading hex digits)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
) -> None:
    """Write an imported VEX document back, byte for byte, as it was imported."""
    from hemostat.services import vex
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        _, data = vex.document_source(s, digest)
    write_output(data, output)


@advisory_app.command("export")
def advisory_export(
    product: str = typer.Argument(..., help="Product key."),
    release: str = typer.Argument(..., help="Release version."),
    vulnerability: list[str] = typer.Option(..., "--vuln", help="Vulnerability id (repeatable)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
    namespace: str | None = NamespaceOpt,
) -> None:
    """A CSAF 2.0 csaf_security_advisory for chosen vulnerabilities of a release."""
    from hemostat.services import vex
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        data = vex.export_advisory(
            s, product=product, release=release, vulnerabilities=vulnerability, namespace=namespace
        )
    write_output(data, output)
