"""One printed result row, its formatting and its verdict against a PERFORMANCE.md §4 target."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from procs import Timing


@dataclass(frozen=True, slots=True)
class Target:
    """Hemostat's median ≤ max_s, peak RSS ≤ max_rss, and min_ratio times faster than the peer."""

    max_s: float | None = None
    min_ratio: float | None = None
    max_rss: float | None = None

    def describe(self) -> str:
        parts = [f"≤ {self.max_s:g} s"] if self.max_s is not None else []
        parts += [f"≤ {self.max_rss:g} MiB"] if self.max_rss is not None else []
        parts += [f"≥ {self.min_ratio:g}×"] if self.min_ratio is not None else []
        return ", ".join(parts) or "—"

    def judge(self, ours: Timing, theirs: Timing | None) -> str:
        if ours.median is None:
            return "n/a"
        if self.max_s is None and self.min_ratio is None and self.max_rss is None:
            return "—"  # informative row
        ok = self.max_s is None or ours.median <= self.max_s
        if self.max_rss is not None:
            ok = ok and ours.rss_mib is not None and ours.rss_mib <= self.max_rss
        if self.min_ratio is not None:
            if theirs is None or theirs.median is None:
                return ("pass" if ok else "FAIL") + " (absolute only)"
            ok = ok and theirs.median / ours.median >= self.min_ratio
        return "pass" if ok else "FAIL"


@dataclass(frozen=True, slots=True)
class Row:
    workload: str
    input: str
    ours: str
    peer: str
    theirs: str
    ratio: str
    target: str
    verdict: str
    data: dict[str, Any] = field(default_factory=dict)

    def cells(self) -> tuple[str, ...]:
        return (self.workload, self.input, self.ours, self.peer, self.theirs, self.ratio)

    def as_json(self) -> dict[str, Any]:
        keys = ("workload", "input", "hemostat", "peer", "peer_median", "ratio")
        return dict(zip(keys, self.cells(), strict=True)) | {
            "target": self.target,
            "verdict": self.verdict,
            "data": self.data,
        }


def fmt_timing(t: Timing | None) -> str:
    if t is None:
        return "—"
    if t.median is None:
        return t.status
    text = f"{t.median:.3f} s" if t.median < 10 else f"{t.median:.1f} s"
    if t.rss_mib is not None:
        text += f" / {t.rss_mib:.0f} MiB"
    return text + (f" (n={t.runs})" if t.runs != 1 else " (once)")


def ratio(ours: Timing, theirs: Timing | None) -> float | None:
    if ours.median is None or theirs is None or theirs.median is None or ours.median == 0:
        return None
    return theirs.median / ours.median


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}×"


def _as_dict(t: Timing | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {
        "median_s": t.median,
        "runs": t.runs,
        "count": t.count,
        "rss_mib": t.rss_mib,
        "status": t.status,
    }


def compare(
    workload: str, input_: str, ours: Timing, peer: str, theirs: Timing | None, *, target: Target
) -> Row:
    """A row pairing Hemostat with one peer on the same input."""
    r = ratio(ours, theirs)
    return Row(
        workload,
        input_,
        fmt_timing(ours),
        peer,
        fmt_timing(theirs),
        fmt_ratio(r),
        target.describe(),
        target.judge(ours, theirs),
        {"hemostat": _as_dict(ours), "peer_timing": _as_dict(theirs), "ratio": r},
    )
