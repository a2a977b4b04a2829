"""The schemas shipped in the package (and used by every validation test) are the official ones:
byte-identical to their copies in ../shared/data/schemas.tar.gz."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import hemostat

SHIPPED = Path(hemostat.__file__).parent / "data" / "schemas"
# shipped folder -> folder in the shared set, where the layouts differ
MOVED = {
    "csaf/csaf_json_schema.json": "csaf/2.0/json_schema/csaf_json_schema.json",
    "csaf/referenced/first/": "csaf/2.0/referenced_schema/first/",
}


def _official(relative: str) -> str:
    for shipped, official in MOVED.items():
        if relative.startswith(shipped):
            return official + relative.removeprefix(shipped)
    return relative


def test_shipped_schemas_are_the_official_files(shared_data: Callable[[str], Path]) -> None:
    official = shared_data("schemas")
    shipped = sorted(
        p for p in SHIPPED.rglob("*") if p.is_file() and not p.is_relative_to(SHIPPED / "hemostat")
    )
    assert len(shipped) >= 25
    for path in shipped:
        relative = path.relative_to(SHIPPED).as_posix()
        counterpart = official / _official(relative)
        assert counterpart.is_file(), relative
        assert path.read_bytes() == counterpart.read_bytes(), relative
