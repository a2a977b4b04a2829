"""Child-process helpers: in-process timing children and whole-process wall time + peak RSS."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
GNU_TIME = Path("/usr/bin/time")
_TIME_LINES = ("\t", "Command exited with non-zero status", "Command terminated by signal")
_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


@dataclass(frozen=True, slots=True)
class Timing:
    """Median seconds over ``runs`` repetitions, or why there is no figure."""

    median: float | None = None
    runs: int = 0
    count: int | None = None
    rss_mib: float | None = None
    status: str = ""  # "" when measured, else "not available", "skipped: …", "error: …"

    @property
    def ok(self) -> bool:
        return self.median is not None


def child_json(script: str, *args: str, timeout: float = 1800) -> dict[str, Any]:
    """Run ``bench/<script> ARGS`` with this interpreter and parse its last stdout line."""
    cmd = [PYTHON, str(BENCH / script), *args]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = proc.stdout.strip().splitlines()
    try:
        result: dict[str, Any] = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"child exited {proc.returncode}: {tail}"[:300]}
    return result


def inproc(impl: str, path: Path, runs: int) -> Timing:
    """In-process median of ``runs`` calls, measured in a fresh interpreter (bench/inproc.py)."""
    out = child_json("inproc.py", impl, str(path), str(runs))
    if "error" in out:
        return Timing(
            status="not available" if out.get("unavailable") else f"error: {out['error']}"
        )
    times = out["times"]
    return Timing(median=statistics.median(times), runs=len(times), count=out["count"])


@dataclass(frozen=True, slots=True)
class ProcRun:
    wall: float
    rss_mib: float | None
    returncode: int
    stderr: str


def run_process(
    cmd: list[str], timeout: float = 1800, env: dict[str, str] | None = None
) -> ProcRun:
    """Wall time and peak RSS of one command: ``/usr/bin/time -v`` if present, else ``wait4``."""
    if GNU_TIME.exists():
        t0 = time.perf_counter()
        proc = subprocess.run(
            [str(GNU_TIME), "-v", *cmd],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=env,
        )
        wall = time.perf_counter() - t0
        m = _RSS.search(proc.stderr)
        return ProcRun(wall, int(m.group(1)) / 1024 if m else None, proc.returncode, proc.stderr)
    t0 = time.perf_counter()
    child = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )
    _, status, usage = os.wait4(child.pid, 0)  # per-child rusage, unlike RUSAGE_CHILDREN
    wall = time.perf_counter() - t0
    stderr = child.stderr.read() if child.stderr else ""
    child.returncode = os.waitstatus_to_exitcode(status)
    return ProcRun(wall, usage.ru_maxrss / 1024, child.returncode, stderr)


def whole_process(
    cmd: list[str], runs: int, timeout: float = 1800, env: dict[str, str] | None = None
) -> Timing:
    """Median wall and the largest peak RSS over ``runs`` runs of ``cmd``."""
    walls, rss = [], []
    for _ in range(runs):
        try:
            r = run_process(cmd, timeout, env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return Timing(status=f"error: {type(exc).__name__}: {exc}"[:200])
        if r.returncode != 0:
            tail = [
                ln for ln in r.stderr.splitlines() if ln.strip() and not ln.startswith(_TIME_LINES)
            ]
            return Timing(status=f"error: exit {r.returncode}: {(tail or ['?'])[-1].strip()}"[:200])
        walls.append(r.wall)
        rss.append(r.rss_mib or 0.0)
    return Timing(median=statistics.median(walls), runs=runs, rss_mib=max(rss) or None)
