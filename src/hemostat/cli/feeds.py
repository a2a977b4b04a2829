"""`hemostat feeds`: import local feed files, sync from the official sources, show status."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from hemostat.cli.output import OutputFormat, console, emit_json, err_console
from hemostat.domain.vulnerability import FeedKind
from hemostat.errors import UsageError

if TYPE_CHECKING:
    from hemostat.services.feeds import FeedImportReport, FeedStatus
    from hemostat.services.sync import SyncOutcome

app = typer.Typer(
    help="Vulnerability feeds: bundled snapshot, local import, sync, status.", no_args_is_help=True
)
FormatOpt = typer.Option(OutputFormat.table, "--format", "-f", help="Output format.")
ShrinkOpt = typer.Option(
    False, "--allow-shrink", help="Accept a complete snapshot with under half the stored records."
)


@app.command("import")
def import_(
    path: Path = typer.Argument(..., help="Feed file, folder or zip (kind auto-detected)."),
    kind: FeedKind | None = typer.Option(None, "--kind", "-k", help="Skip auto-detection."),
    allow_shrink: bool = ShrinkOpt,
    merge: bool = typer.Option(
        False, "--merge", help="Add/update these records; remove nothing (not a full snapshot)."
    ),
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Load a local KEV, EPSS, OSV, NVD or CSAF source in one transaction (all or nothing)."""
    from hemostat.services import feeds
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        feeds.ensure_bundled(s)
    with console.status(f"reading {path.name}…"), unit_of_work() as s:
        report = feeds.import_path(s, path=path, kind=kind, allow_shrink=allow_shrink, merge=merge)
    if fmt is OutputFormat.json:
        emit_json(report)
        return
    _print_report(report)


@app.command("sync")
def sync(
    kind: list[FeedKind] | None = typer.Option(
        None, "--kind", "-k", help="Feeds to sync (repeatable; default: all with a URL)."
    ),
    mirror: list[str] | None = typer.Option(
        None, "--mirror", help="KIND=URL: fetch that feed from a mirror instead (repeatable)."
    ),
    allow_shrink: bool = ShrinkOpt,
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Fetch feeds from their official URLs (or mirrors); each applies atomically or not at all.
    Exit 1 when any feed failed (its previous snapshot is kept)."""
    from hemostat.config import get_settings
    from hemostat.services import feeds
    from hemostat.services.sync import SyncConfig, sync_feeds
    from hemostat.services.uow import unit_of_work

    settings = get_settings()
    base = SyncConfig.from_settings(settings)
    config = SyncConfig.from_settings(settings, mirrors={**base.mirrors, **_mirrors(mirror)})
    with unit_of_work() as s:
        feeds.ensure_bundled(s)
    with console.status("syncing feeds…"):
        outcomes = sync_feeds(
            settings=settings, kinds=kind or None, config=config, allow_shrink=allow_shrink
        )
    if fmt is OutputFormat.json:
        emit_json(outcomes)
    else:
        _print_outcomes(outcomes)
    if any(o.status == "failed" for o in outcomes):
        sys.exit(1)


@app.command("status")
def status(
    fmt: OutputFormat = FormatOpt,
    fail_stale: bool = typer.Option(False, "--fail-stale", help="Exit 1 when any feed is stale."),
) -> None:
    """Each feed's snapshot date, record and quarantine counts, age and staleness."""
    from hemostat.config import get_settings
    from hemostat.services import feeds
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        feeds.ensure_bundled(s)
        rows = feeds.status(s, stale_days=feeds.stale_days_from(get_settings()))
    if fmt is OutputFormat.json:
        emit_json(rows)
    else:
        _print_status(rows)
    if fail_stale and any(r.stale for r in rows):
        sys.exit(1)


def _mirrors(values: list[str] | None) -> dict[FeedKind, str]:
    out: dict[FeedKind, str] = {}
    for value in values or ():
        key, sep, url = value.partition("=")
        try:
            out[FeedKind(key.strip().lower())] = url.strip()
        except ValueError:
            sep = ""
        if not sep or not url.strip():
            raise UsageError(
                f"--mirror {value!r}: expected KIND=URL",
                hint=f"KIND is one of {', '.join(k.value for k in FeedKind)}",
            )
    return out


def _print_report(r: FeedImportReport) -> None:
    console.print(
        f"[bold]{r.feed}[/] ({'complete snapshot' if r.complete else 'update'} of {r.snapshot}): "
        f"{r.added} added, {r.updated} updated, {r.removed} removed, {r.unchanged} unchanged; "
        f"{r.records} records held" + (f", {r.quarantined} quarantined" if r.quarantined else "")
    )
    for w in r.warnings[:20]:
        err_console.print(f"  [yellow]warning:[/] {w}", highlight=False)
    if len(r.warnings) > 20:
        err_console.print(f"  … and {len(r.warnings) - 20} more warnings")
    for rel in r.releases:
        became = f" became affected by {', '.join(rel.became)}" if rel.became else ""
        cleared = f" no longer affected by {', '.join(rel.cleared)}" if rel.cleared else ""
        console.print(f"  {rel.product} {rel.release}:{became}{cleared}")
    for hit in r.device_models:
        where = f"{hit.product} {hit.release}" if hit.release else hit.product
        console.print(
            f"  {where}: named by advisory {hit.advisory} ({hit.status}, "
            f"{', '.join(hit.vulnerabilities) or 'no CVE'}; confidence {hit.confidence})"
        )


def _print_outcomes(outcomes: list[SyncOutcome]) -> None:
    colours = {"updated": "green", "unchanged": "cyan", "failed": "red"}
    for o in outcomes:
        colour = colours.get(o.status, "white")
        console.print(f"[{colour}]{o.status:>9}[/] [bold]{o.feed}[/]: {o.message}", highlight=False)
        if o.report is not None:
            for rel in o.report.releases:
                impact = f"+{len(rel.became)} -{len(rel.cleared)}"
                console.print(f"           {rel.product} {rel.release}: {impact}")


def _print_status(rows: list[FeedStatus]) -> None:
    table = Table(title="Vulnerability feeds")
    for col in ("feed", "origin", "snapshot", "age (days)", "records", "quarantined", "source"):
        table.add_column(col, justify="right" if col in {"records", "quarantined"} else "left")
    for r in rows:
        age: Any = f"[red]{r.age_days} stale[/]" if r.stale else str(r.age_days)
        table.add_row(
            r.feed, r.origin, str(r.snapshot), age, str(r.records), str(r.quarantined), r.source
        )
    console.print(table)
    if not rows:
        console.print("no feeds loaded: run `hemostat feeds import PATH` or `hemostat feeds sync`")
