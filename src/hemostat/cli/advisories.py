"""`hemostat advisories`: which registered device models the loaded vendor CSAF advisories hit.

The lead registers it on the root app: ``app.command("advisories")(advisories.advisories_cmd)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from hemostat.cli.output import OutputFormat, console, emit_json, err_console

if TYPE_CHECKING:
    from hemostat.domain.advisory import AdvisoryHit

_STYLE = {"high": "green", "medium": "yellow", "low": "red"}


def advisories_cmd(
    product: str | None = typer.Option(None, "--product", help="Only this product key."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table or json."),
) -> None:
    """Vendor advisories (CSAF, e.g. CISA ICSMA) that name your device models and releases."""
    from hemostat.services.advisories import advisories_for_products
    from hemostat.services.uow import unit_of_work

    status = err_console.status("matching device models against the loaded advisories…")
    with status, unit_of_work() as s:
        hits = advisories_for_products(s, product=product)
    if fmt is OutputFormat.json:
        emit_json(hits)
        return
    if not hits:
        who = f"product {product!r}" if product else "any registered device model"
        err_console.print(f"no loaded advisory names {who}", highlight=False)
        return
    console.print(table(hits))


def _cves(ids: Sequence[str], shown: int = 3) -> str:
    more = f" +{len(ids) - shown}" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def table(hits: Sequence[AdvisoryHit]) -> Table:
    t = Table(
        "advisory",
        "title",
        "device model",
        "release",
        "status",
        "CVEs",
        "max CVSS",
        "remediation",
        "confidence",
    )
    for h in hits:
        style = _STYLE[h.confidence.value]
        t.add_row(
            h.advisory,
            h.title,
            h.product,
            h.release or "—",
            h.status,
            _cves(h.vulnerabilities),
            f"{h.max_cvss:.1f}" if h.max_cvss is not None else "—",
            ", ".join(dict.fromkeys(r.category for r in h.remediations)) or "—",
            f"[{style}]{h.confidence.value}[/]",
        )
    t.caption = f"{len(hits)} hits; --format json shows the matched product and the reason"
    return t
