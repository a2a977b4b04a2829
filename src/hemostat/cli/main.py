"""The `hemostat` command. Exit codes: 0 ok, 2 bad input or usage, 1 findings above threshold."""

from __future__ import annotations

import os
import sys

import typer
from rich.markup import escape

from hemostat import __version__
from hemostat.cli import advisories, catalog, db, demo, feeds, risk, sbom, scan, threat, triage, vex
from hemostat.cli.output import err_console
from hemostat.errors import HemostatError

app = typer.Typer(
    name="hemostat",
    help="Medical device cybersecurity: SBOMs, vulnerabilities, risk and VEX, offline first.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(catalog.product_app, name="product")
app.add_typer(catalog.release_app, name="release")
app.add_typer(sbom.app, name="sbom")
app.add_typer(feeds.app, name="feeds")
app.command("scan")(scan.scan_cmd)
app.command("analyze")(scan.analyze_cmd)
app.command("explain")(scan.explain_cmd)
app.command("advisories")(advisories.advisories_cmd)
app.add_typer(triage.triage_app, name="triage")
app.add_typer(triage.audit_app, name="audit")
app.add_typer(vex.vex_app, name="vex")
app.add_typer(vex.advisory_app, name="advisory")
app.add_typer(threat.app, name="threat")
app.add_typer(threat.mud_app, name="mud")
app.add_typer(db.app, name="db")
app.add_typer(risk.rubric_app, name="rubric")
app.add_typer(risk.ssvc_app, name="ssvc")
app.add_typer(risk.postmarket_app, name="postmarket")
app.command("demo")(demo.demo)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hemostat {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Medical device cybersecurity: SBOMs, vulnerabilities, risk and VEX, offline first."""


def main() -> None:
    """Entry point. Typer handles usage errors itself (exit 2); HemostatError also exits 2."""
    try:
        app()
    except HemostatError as exc:
        err_console.print(
            f"[bold red]error:[/] {escape(exc.diagnostics().render())}", highlight=False
        )
        for problem in exc.details():
            err_console.print(f"  - {escape(problem.render())}", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        # The last line of defence: users never see a traceback unless they ask for one.
        if os.environ.get("HEMOSTAT_DEBUG"):
            raise
        err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc}\n"
            "  this is a bug in Hemostat; set HEMOSTAT_DEBUG=1 to see the traceback",
            highlight=False,
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
