"""Products (device models) and their releases."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hemostat.domain.component import DeviceClass, SupportStatus
from hemostat.errors import ConflictError, NotFoundError, UsageError
from hemostat.services.views import ProductView, ReleaseView
from hemostat.store import repositories as repo
from hemostat.store.tables import ProductRow, ReleaseRow, SbomRow

_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]{0,199}$")


def add_product(
    session: Session,
    *,
    key: str,
    name: str,
    manufacturer: str,
    model_number: str | None = None,
    intended_use: str | None = None,
    device_class: str | None = None,
    cyber_device: bool = True,
) -> ProductView:
    if not _KEY.match(key):
        raise UsageError(
            f"product key {key!r} is not allowed",
            location="KEY",
            hint="use lower-case letters, digits, '.', '_' or '-' (e.g. infusion-pump)",
        )
    if device_class is not None and device_class not in DeviceClass.__members__.values():
        raise UsageError(
            f"device class {device_class!r} is not one of I, II, III", location="--device-class"
        )
    if repo.product_by_key(session, key):
        raise ConflictError(f"product {key!r} already exists", location="KEY")
    row = ProductRow(
        key=key,
        name=name,
        manufacturer=manufacturer,
        model_number=model_number,
        intended_use=intended_use,
        device_class=device_class,
        cyber_device=cyber_device,
        created_at=repo.now(),
    )
    session.add(row)
    session.flush()
    return _product_view(row, 0)


def list_products(session: Session) -> list[ProductView]:
    counts = dict(
        session.execute(select(ReleaseRow.product_id, func.count()).group_by(ReleaseRow.product_id))
        .tuples()
        .all()
    )
    return [_product_view(p, counts.get(p.id, 0)) for p in repo.list_products(session)]


def get_product(session: Session, key: str) -> ProductRow:
    row = repo.product_by_key(session, key)
    if row is None:
        known = ", ".join(p.key for p in repo.list_products(session)) or "none yet"
        raise NotFoundError(
            f"no product {key!r}", hint=f"known products: {known}; add one with `product add`"
        )
    return row


def add_release(
    session: Session,
    *,
    product: str,
    version: str,
    released: date | None = None,
    support_status: str = SupportStatus.SUPPORTED.value,
) -> ReleaseView:
    prod = get_product(session, product)
    if support_status not in SupportStatus.__members__.values():
        allowed = ", ".join(s.value for s in SupportStatus)
        raise UsageError(f"support status {support_status!r} is not one of {allowed}")
    if not version.strip():
        raise UsageError("release version is empty", location="VERSION")
    if repo.release_of(session, prod.id, version):
        raise ConflictError(f"release {product} {version} already exists")
    row = ReleaseRow(
        product_id=prod.id,
        version=version,
        released=released,
        support_status=support_status,
        created_at=repo.now(),
    )
    session.add(row)
    session.flush()
    return ReleaseView(product, version, released, support_status)


def get_release(session: Session, product: str, version: str) -> ReleaseRow:
    prod = get_product(session, product)
    row = repo.release_of(session, prod.id, version)
    if row is None:
        known = ", ".join(r.version for r, _ in repo.list_releases(session, prod.id)) or "none yet"
        raise NotFoundError(
            f"no release {version!r} of {product}",
            hint=f"known releases: {known}; add one with `release add {product} VERSION`",
        )
    return row


def list_releases(session: Session, *, product: str | None = None) -> list[ReleaseView]:
    pid = get_product(session, product).id if product else None
    revs: dict[int, tuple[int, int]] = {}  # release id -> (revision count, latest count)
    for rid, _rev, count in session.execute(
        select(SbomRow.release_id, SbomRow.revision, SbomRow.component_count).order_by(
            SbomRow.release_id, SbomRow.revision
        )
    ).tuples():
        revs[rid] = (revs.get(rid, (0, 0))[0] + 1, count)
    out = []
    for r, key in repo.list_releases(session, pid):
        n, count = revs.get(r.id, (0, 0))
        out.append(
            ReleaseView(key, r.version, r.released, r.support_status, n, count if n else None)
        )
    return out


def _product_view(p: ProductRow, releases: int) -> ProductView:
    return ProductView(
        p.key,
        p.name,
        p.manufacturer,
        p.model_number,
        p.intended_use,
        p.device_class,
        p.cyber_device,
        releases,
    )
