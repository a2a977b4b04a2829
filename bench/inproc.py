"""Child process for in-process timings: ``python bench/inproc.py IMPL FILE RUNS``.

Each implementation runs in its own interpreter so that one library's imports, caches and garbage
do not slow down the next. The file is read before the clock starts (except where a peer only takes
a path); ``gc.collect()`` runs between repetitions. Prints one JSON line:
``{"times": [...], "count": N}`` or ``{"error": "...", "unavailable": bool}``.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Runner = Callable[[Path, bytes], int]


def _hemostat(path: Path, data: bytes) -> int:
    from hemostat.ingest import read  # noqa: PLC0415

    return len(read(data, source=str(path)).components)


def _cdxlib_json(path: Path, data: bytes) -> int:
    from cyclonedx.model.bom import Bom  # noqa: PLC0415

    bom = Bom.from_json(json.loads(data))  # type: ignore[attr-defined]
    return len(bom.components)


def _cdxlib_xml(path: Path, data: bytes) -> int:
    from xml.etree import ElementTree  # noqa: PLC0415

    from cyclonedx.model.bom import Bom  # noqa: PLC0415

    bom = Bom.from_xml(ElementTree.fromstring(data))  # type: ignore[attr-defined]
    return len(bom.components)


def _lib4sbom(path: Path, data: bytes) -> int:
    from lib4sbom.parser import SBOMParser  # type: ignore[import-untyped]  # noqa: PLC0415

    parser = SBOMParser()
    parser.parse_file(str(path))  # lib4sbom picks its parser from the file name
    return len(parser.get_packages())


def _spdxtools_json(path: Path, data: bytes) -> int:
    from spdx_tools.spdx.parser.json import json_parser  # noqa: PLC0415

    return len(json_parser.parse_from_file(str(path)).packages)


def _spdxtools_tv(path: Path, data: bytes) -> int:
    from spdx_tools.spdx.parser.tagvalue import tagvalue_parser  # noqa: PLC0415

    return len(tagvalue_parser.parse_from_file(str(path)).packages)


IMPLS: dict[str, Runner] = {
    "hemostat": _hemostat,
    "cdxlib-json": _cdxlib_json,
    "cdxlib-xml": _cdxlib_xml,
    "lib4sbom": _lib4sbom,
    "spdxtools-json": _spdxtools_json,
    "spdxtools-tv": _spdxtools_tv,
}


def _unavailable(exc: BaseException) -> bool:
    """A missing module or a format no reader claims yet means "not available", not a failure."""
    return isinstance(exc, ImportError) or type(exc).__name__ == "FormatNotRecognized"


def measure(impl: str, path: Path, runs: int) -> dict[str, Any]:
    fn = IMPLS[impl]
    data = path.read_bytes()
    times: list[float] = []
    count = 0
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        try:
            count = fn(path, data)
        except Exception as exc:
            return {"error": f"{type(exc).__name__}: {exc}"[:300], "unavailable": _unavailable(exc)}
        times.append(time.perf_counter() - t0)
    return {"times": times, "count": count}


def main(argv: list[str]) -> int:
    impl, path, runs = argv[1], Path(argv[2]), int(argv[3])
    print(json.dumps(measure(impl, path, runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
