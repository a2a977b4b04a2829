"""Benchmark runner: Hemostat against named peers on generated inputs (PERFORMANCE.md §4).

    .venv/bin/python bench/run.py [--quick] [--only W1,W2,persist,W3,W5,scan,...] [--json FILE]

Ingest: W1, W1b, W1c, W2, persist, W3. Matching: W4, W5 (with W7), W6, W8, W10, scan.

Prints a table of medians, peer medians, ratios and the verdict against each target. It is a
measurement, not a test: it always exits 0, and rows whose reader or peer is missing say so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rich.console import Console
from rich.table import Table

import matching
import workloads
from gen_sbom import ensure
from procs import BENCH, PYTHON, ROOT, Timing, child_json
from rows import Row, Target, compare, fmt_ratio

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
console = Console()
if not console.is_terminal:  # piped or redirected: do not squeeze the table into 80 columns
    console = Console(width=190)


def persist(o: workloads.Options, pg_url: str | None) -> list[Row]:
    f = ensure("cdx-json", 10_000)
    targets = [("SQLite", f"sqlite:///{BENCH / '.cache' / 'persist.db'}")]
    targets += [("PostgreSQL", pg_url)] if pg_url else []
    rows = []
    for name, url in targets:
        out = child_json("persist.py", url, str(f), str(1 if o.quick else 3))
        label = f"CycloneDX JSON 10k → {name} (service import)"
        if "error" in out:
            status = "not available" if out.get("unavailable") else f"error: {out['error']}"
            rows.append(
                compare(
                    "Persist", label, Timing(status=status), "DB write alone", None, target=Target()
                )
            )
            continue
        total = Timing(statistics.median(out["total"]), len(out["total"]), out["count"])
        write = Timing(statistics.median(out["db_write"]), len(out["db_write"]), out["count"])
        row = compare(
            "Persist", label, total, "DB write alone (insert + commit)", write, target=Target()
        )
        verdict = "pass" if write.median is not None and write.median < 2.0 else "FAIL"
        rows.append(replace(row, ratio="—", target="DB write < 2 s", verdict=verdict))
    return rows


_W3_OURS = re.compile(r"cache cold:\s*([\d,]+) purls/s")
_W3_PEER = re.compile(r"from_string\+to_string:\s*([\d,]+) purls/s")


def w3(o: workloads.Options) -> list[Row]:
    script = BENCH / "w3_purl.py"
    label = "10k mixed purls, normalise (cache cold)"
    target = "≥ 200k/s, ≥ 7×"
    peer = "packageurl-python from_string+to_string"
    if not script.exists():
        return [
            Row("W3", label, "not available (no bench/w3_purl.py)", peer, "—", "—", target, "n/a")
        ]
    cmd = [PYTHON, str(script), "--repeat", "3" if o.quick else "5"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600, check=False)
    m_ours, m_peer = _W3_OURS.search(proc.stdout), _W3_PEER.search(proc.stdout)
    if proc.returncode != 0 or not m_ours or not m_peer:
        tail = (proc.stderr + proc.stdout).strip().splitlines() or ["no output"]
        return [Row("W3", label, f"error: {tail[-1]}"[:200], peer, "—", "—", target, "n/a")]
    a, b = (float(m.group(1).replace(",", "")) for m in (m_ours, m_peer))
    verdict = "pass" if a >= 200_000 and a / b >= 7 else "FAIL"
    data = {"hemostat_per_s": a, "peer_per_s": b, "ratio": a / b}
    ratio = fmt_ratio(a / b)
    return [Row("W3", label, f"{a:,.0f}/s", peer, f"{b:,.0f}/s", ratio, target, verdict, data)]


_COLUMNS = ("workload", "input", "Hemostat median", "peer", "peer median", "ratio", "target", "vs")


def table(rows: list[Row], title: str) -> Table:
    t = Table(title=title, show_lines=False)
    for col in _COLUMNS:
        t.add_column(col, overflow="fold")
    for r in rows:
        style = {"pass": "green", "FAIL": "red"}.get(r.verdict.split(" ")[0], "dim")
        t.add_row(*r.cells(), r.target, f"[{style}]{r.verdict}[/]")
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="fewer runs; skip the minute-long peers")
    ap.add_argument(
        "--only", default="", help="comma-separated: W1,W1b,W1c,W2,persist,W3,W4,W5,W6,W8,W10,scan"
    )
    ap.add_argument("--runs", type=int, default=5, help="Hemostat repetitions (default 5)")
    ap.add_argument(
        "--spdx-tv-n", type=int, default=500, help="packages for the spdx-tools tag-value row"
    )
    ap.add_argument("--pg-url", default=PG_URL, help="PostgreSQL server for Persist ('' to skip)")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = ap.parse_args(argv)
    o = workloads.Options(quick=args.quick, runs=max(args.runs, 5), spdx_tv_n=args.spdx_tv_n)
    plan: dict[str, Callable[[], list[Row]]] = {
        "w1": lambda: workloads.w1(o),
        "w1b": lambda: workloads.w1b(o),
        "w1c": lambda: workloads.w1c(o),
        "w2": lambda: workloads.w2(o),
        "persist": lambda: persist(o, args.pg_url or None),
        "w3": lambda: w3(o),
        "w4": lambda: matching.w4(o),
        "w5": lambda: matching.w5_w7(o),
        "w6": lambda: matching.w6(o),
        "w8": lambda: matching.w8(o),
        "w10": lambda: matching.w10(o, args.pg_url or None),
        "scan": lambda: matching.real_scan(o),
    }
    only = {w.strip().lower() for w in args.only.split(",") if w.strip()}
    rows: list[Row] = []
    for name, fn in plan.items():
        if only and name not in only:
            continue
        with console.status(f"running {name} …"):
            try:
                rows += fn()
            except Exception as exc:  # a broken workload must not hide the others
                err = f"error: {type(exc).__name__}: {exc}"[:200]
                rows.append(Row(name.upper(), "—", err, "—", "—", "—", "—", "n/a"))
    py = f"{platform.python_implementation()} {platform.python_version()}"
    title = f"Hemostat benchmarks — {date.today()}, {py}, {os.cpu_count()} CPUs"
    console.print(table(rows, title))
    console.print("ratio = peer median ÷ Hemostat median, same file; targets: PERFORMANCE.md §4")
    if only & {"w5", "w6"} or not only:
        scale = matching.QUICK_SCALE if o.quick else matching.FULL_SCALE
        console.print(f"W5–W7 fleet scale: {scale:g} of PERFORMANCE.md §3.5 (bench/fleet_gen.py)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([r.as_json() for r in rows], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
