"""Generate the benchmark SBOMs (PERFORMANCE.md §3), deterministically, into ``bench/.cache/``.

    python bench/gen_sbom.py -n 10000 [--seed 1] [--out DIR] [--formats cdx-json,spdx-json,...]

Same (n, seed) → same bytes. Formats: ``cdx-json`` (CycloneDX 1.5 JSON), ``cdx-xml``
(CycloneDX 1.5 XML), ``spdx-json`` (SPDX 2.3 JSON), ``spdx-tv`` (SPDX 2.3 tag-value) and
``trivy-json`` (CycloneDX JSON without apk and with an ``application`` root, for Trivy).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_formats
from gen_model import GENERATOR_VERSION, Doc, generate

CACHE = Path(__file__).resolve().parent / ".cache"

WRITERS: dict[str, tuple[str, Callable[[Doc], bytes]]] = {
    "cdx-json": ("cdx.json", gen_formats.cyclonedx_json),
    "cdx-xml": ("cdx.xml", gen_formats.cyclonedx_xml),
    "spdx-json": ("spdx.json", gen_formats.spdx_json),
    "spdx-tv": ("spdx", gen_formats.spdx_tagvalue),
    "trivy-json": ("trivy.cdx.json", gen_formats.trivy_variant),
}


def render(fmt: str, n: int, seed: int = 1) -> bytes:
    """The bytes of one generated document (not cached)."""
    return WRITERS[fmt][1](generate(n, seed))


def path_for(fmt: str, n: int, seed: int = 1, out: Path = CACHE) -> Path:
    return out / f"sbom-{n}-s{seed}-g{GENERATOR_VERSION}.{WRITERS[fmt][0]}"


def ensure(fmt: str, n: int, seed: int = 1, out: Path = CACHE) -> Path:
    """Path of the generated file, writing it first if it is not cached yet."""
    path = path_for(fmt, n, seed, out)
    if not path.exists():
        out.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(render(fmt, n, seed))
        tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("-n", type=int, default=10_000, help="components (default 10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=CACHE)
    ap.add_argument("--formats", default="cdx-json,cdx-xml,spdx-json,spdx-tv")
    args = ap.parse_args(argv)
    doc = generate(args.n, args.seed)
    for fmt in args.formats.split(","):
        path = path_for(fmt, args.n, args.seed, args.out)
        args.out.mkdir(parents=True, exist_ok=True)
        path.write_bytes(WRITERS[fmt][1](doc))
        print(f"{path}  ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
