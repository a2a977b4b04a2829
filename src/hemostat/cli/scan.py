"""`hemostat scan`, `hemostat analyze`, `hemostat explain`: vulnerabilities of SBOM components.

The lead registers these on the root app: ``app.command("scan")(scan.scan_cmd)`` etc.
Exit codes: 0 ok, 1 the --fail-on threshold is met, 2 bad input.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from hemostat.cli.output import emit_json, err_console, write_output
from hemostat.errors import UsageError

if TYPE_CHECKING:
    from hemostat.domain.scan import ScanReport


class ScanFormat(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"
    cyclonedx_vdr = "cyclonedx-vdr"


class FailOn(StrEnum):
    kev = "kev"
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


class ExplainFormat(StrEnum):
    table = "table"
    json = "json"


FormatOpt = typer.Option(
    ScanFormat.table, "--format", "-f", help="table, json, sarif or cyclonedx-vdr."
)
OutputOpt = typer.Option(None, "--output", "-o", help="File to write (default: stdout).")
LimitOpt = typer.Option(0, "--limit", help="Findings to list in the table (0: all).")


def scan_cmd(
    file: Path = typer.Argument(..., help="SBOM: CycloneDX or SPDX, JSON/XML/tag-value."),
    fmt: ScanFormat = FormatOpt,
    output: Path | None = OutputOpt,
    fail_on: FailOn | None = typer.Option(
        None, "--fail-on", help="Exit 1 if any finding is in KEV (kev) or at least this severe."
    ),
    limit: int = LimitOpt,
) -> None:
    """Every known vulnerability of every component of an SBOM (nothing is stored)."""
    from hemostat.services.scan import scan_file

    with err_console.status(f"matching {file.name} against the local vulnerability feeds…"):
        report = scan_file(file, fail_on=fail_on.value if fail_on else None)
    _emit(report, fmt, output, limit)
    if report.threshold_met:
        sys.exit(1)


def analyze_cmd(
    product: str = typer.Argument(..., help="Product key."),
    release: str = typer.Argument(..., help="Release version."),
    fmt: ScanFormat = FormatOpt,
    output: Path | None = OutputOpt,
    limit: int = LimitOpt,
) -> None:
    """Match a release's latest SBOM and store its findings (replacing the previous ones)."""
    from hemostat.services.scan import analyze_release
    from hemostat.services.uow import unit_of_work

    with err_console.status(f"analysing {product} {release}…"), unit_of_work() as s:
        result = analyze_release(s, product, release)
    err_console.print(
        f"analysed {product} {release} revision {result.revision}: "
        f"{result.stored} findings stored (previously {result.replaced})",
        highlight=False,
    )
    _emit(result.report, fmt, output, limit)


def explain_cmd(
    vuln_id: str = typer.Argument(..., help="CVE, GHSA, PYSEC, GO or RUSTSEC id."),
    release: str | None = typer.Option(
        None, "--release", help="product@release: its stored findings (or a fresh match)."
    ),
    file: Path | None = typer.Option(None, "--file", help="An SBOM file, matched now."),
    fmt: ExplainFormat = typer.Option(ExplainFormat.table, "--format", "-f"),
) -> None:
    """Why a vulnerability is on each component: matcher, identifier, range, feed, confidence.

    Without --release or --file: every stored finding of the vulnerability, in every release.
    """
    from hemostat.cli import scan_render
    from hemostat.services.scan import explain

    target = _release(release) if release else None
    with err_console.status(f"looking for {vuln_id}…"):
        x = explain(vuln_id, file=file, release=target)
    if fmt is ExplainFormat.json:
        emit_json(x)
        return
    scan_render.explanation(x)


def _emit(report: ScanReport, fmt: ScanFormat, output: Path | None, limit: int) -> None:
    if fmt is ScanFormat.table:
        from hemostat.cli import scan_render

        if output is None:
            scan_render.report(report, limit=limit)
            return
        with output.open("w", encoding="utf-8") as fh:
            scan_render.report(report, out=Console(file=fh, width=200), limit=limit)
        err_console.print(f"wrote {output}")
        return
    from hemostat.services.scan import output as renderer

    write_output(renderer(fmt.value).render(report), output)


def _release(text: str) -> tuple[str, str]:
    product, sep, release = text.partition("@")
    if not sep or not product or not release:
        raise UsageError(f"{text!r} is not product@release", hint="e.g. infusion-pump@2.1.0")
    return product, release


__all__ = ["analyze_cmd", "explain_cmd", "scan_cmd"]
