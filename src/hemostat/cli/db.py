"""`hemostat db`: schema migrations."""

from __future__ import annotations

import typer

from hemostat.cli.output import console
from hemostat.config import get_settings

app = typer.Typer(help="Database schema management.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(
    revision: str = typer.Argument("head", help="Alembic revision to upgrade to."),
) -> None:
    """Create or migrate the database schema (SQLite file or HEMOSTAT_DATABASE_URL)."""
    from hemostat.services import uow

    settings = get_settings()
    rev = uow.upgrade_database(settings=settings, revision=revision)
    url = uow.engine_for(settings).url.render_as_string(hide_password=True)
    console.print(f"database [bold]{url}[/] is at revision [bold]{rev}[/]")
