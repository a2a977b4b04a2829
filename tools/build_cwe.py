"""Build src/hemostat/data/cwe/names.json: every CWE weakness id with the names it has had.

CSAF 2.0 §6.1.11 needs the CWE list to check that a ``cwe`` object's name belongs to its id.
../shared/data has no CWE list, so the source is MITRE's CWE catalog as redistributed (with
MITRE's notice) in the PyPI ``csaf`` package, a test dependency. The output keeps only what the
check needs: {"version": latest CWE version, "names": {"79": [latest name, older names...]}},
sorted, so a rebuild from the same catalog is byte-identical.

    .venv/bin/python tools/build_cwe.py [--catalog PATH] [--out src/hemostat/data/cwe]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any


def _default_catalog() -> Path:
    import csaf  # type: ignore[import-untyped]  # noqa: PLC0415 - a test dependency, only here

    return Path(csaf.__file__).parent / "csaf" / "v21" / "cwe"


def build(folder: Path, out: Path) -> int:
    catalog: dict[str, Any] = json.loads((folder / "catalog.json").read_bytes())
    names: dict[str, list[str]] = {}
    for number, entry in catalog["weaknesses"].items():
        history = [str(name) for _, name in entry["history"] if name]
        ordered = list(dict.fromkeys(reversed(history)))  # latest first, no repeats
        if ordered:
            names[str(int(number))] = ordered
    doc = {"version": catalog["latest_version"], "names": dict(sorted(names.items(), key=_key))}
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, indent=0, sort_keys=False) + "\n"
    (out / "names.json").write_text(text, encoding="utf-8")
    shutil.copyfile(folder / "LICENSE", out / "LICENSE")
    return len(names)


def _key(item: tuple[str, list[str]]) -> int:
    return int(item[0])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--catalog", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path("src/hemostat/data/cwe"))
    args = parser.parse_args(argv)
    count = build(args.catalog or _default_catalog(), args.out)
    print(f"{count} CWE weaknesses written to {args.out / 'names.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
