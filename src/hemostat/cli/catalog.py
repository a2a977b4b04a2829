"""`hemostat product` and `hemostat release`."""

from __future__ import annotations

from datetime import date

import typer
from rich.table import Table

from hemostat.cli.output import OutputFormat, console, emit_json

product_app = typer.Typer(help="Device models (products).", no_args_is_help=True)
release_app = typer.Typer(help="Software releases of a product.", no_args_is_help=True)

FormatOpt = typer.Option(OutputFormat.table, "--format", "-f", help="Output format.")


@product_app.command("add")
def product_add(
    key: str = typer.Argument(..., help="Short key, e.g. infusion-pump."),
    name: str = typer.Option(..., "--name", help="Device model name."),
    manufacturer: str = typer.Option(..., "--manufacturer", help="Legal manufacturer."),
    model_number: str | None = typer.Option(
        None, "--model-number", help="Model number on the label."
    ),
    intended_use: str | None = typer.Option(None, "--intended-use", help="Intended use statement."),
    device_class: str | None = typer.Option(
        None, "--device-class", help="FDA class: I, II or III."
    ),
    cyber_device: bool = typer.Option(
        True, "--cyber-device/--not-cyber-device", help="FD&C Act §524B cyber device?"
    ),
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Register a device model."""
    from hemostat.services import catalog
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        view = catalog.add_product(
            s,
            key=key,
            name=name,
            manufacturer=manufacturer,
            model_number=model_number,
            intended_use=intended_use,
            device_class=device_class,
            cyber_device=cyber_device,
        )
    if fmt is OutputFormat.json:
        emit_json(view)
    else:
        console.print(f"added product [bold]{view.key}[/] ({view.name})")


@product_app.command("list")
def product_list(fmt: OutputFormat = FormatOpt) -> None:
    """List device models."""
    from hemostat.services import catalog
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        views = catalog.list_products(s)
    if fmt is OutputFormat.json:
        emit_json(views)
        return
    t = Table("key", "name", "manufacturer", "model", "class", "cyber device", "releases")
    for v in views:
        t.add_row(
            v.key,
            v.name,
            v.manufacturer,
            v.model_number or "",
            v.device_class or "",
            "yes" if v.cyber_device else "no",
            str(v.releases),
        )
    console.print(t)


@release_app.command("add")
def release_add(
    product: str = typer.Argument(..., help="Product key."),
    version: str = typer.Argument(..., help="Release version, e.g. 2.1.0."),
    released: str | None = typer.Option(None, "--date", help="Release date YYYY-MM-DD."),
    support_status: str = typer.Option(
        "supported", "--support-status", help="supported, limited or end_of_support."
    ),
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Register a software release of a product."""
    from hemostat.services import catalog
    from hemostat.services.uow import unit_of_work

    when = _date(released) if released else None
    with unit_of_work() as s:
        view = catalog.add_release(
            s, product=product, version=version, released=when, support_status=support_status
        )
    if fmt is OutputFormat.json:
        emit_json(view)
    else:
        console.print(f"added release [bold]{view.product} {view.version}[/]")


@release_app.command("list")
def release_list(
    product: str | None = typer.Argument(None, help="Only this product."),
    fmt: OutputFormat = FormatOpt,
) -> None:
    """List releases with their SBOM revisions."""
    from hemostat.services import catalog
    from hemostat.services.uow import unit_of_work

    with unit_of_work() as s:
        views = catalog.list_releases(s, product=product)
    if fmt is OutputFormat.json:
        emit_json(views)
        return
    t = Table("product", "version", "released", "support", "SBOM revisions", "components")
    for v in views:
        t.add_row(
            v.product,
            v.version,
            v.released.isoformat() if v.released else "",
            v.support_status,
            str(v.revisions),
            "" if v.components is None else str(v.components),
        )
    console.print(t)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date (YYYY-MM-DD)", param_hint="--date"
        ) from None
