"""W8 child: ``python bench/w8_cvss.py N`` prints one JSON line.

CVSS scoring of N advisories' vectors through ``hemostat.assess.cvss.rescore`` (what import and
scan call), with the duplication of real feeds: the vectors are drawn (seeded, with replacement)
from every CVSS vector of the bundled NVD and OSV records, so each distinct vector appears as
often as it does there. Cold = the vector caches cleared first; cached = the same list again.
Also the library's own rate on each distinct vector, uncached, to show what the cache saves.
"""

from __future__ import annotations

import contextlib
import json
import random
import sys
import time
from collections import Counter
from typing import Any

from hemostat.assess import cvss
from hemostat.domain.vulnerability import CvssScore, FeedKind
from hemostat.services.feed_bundle import read_manifest, read_set


def real_scores() -> list[CvssScore]:
    """Every CVSS score of the bundled NVD and OSV records, duplicates kept."""
    out: list[CvssScore] = []
    for entry in read_manifest().sets:
        if entry.kind in (FeedKind.NVD, FeedKind.OSV):
            out += [s for v in read_set(entry).vulnerabilities for s in v.cvss if s.vector]
    return out


def _clear() -> None:
    cvss.score_vector.cache_clear()
    cvss._values.cache_clear()


def measure(n: int) -> dict[str, Any]:
    pool = real_scores()
    rnd = random.Random(8)
    drawn = [CvssScore(s.version, s.vector, 0.0, "", s.source) for s in rnd.choices(pool, k=n)]
    _clear()
    t0 = time.perf_counter()
    scored = [cvss.rescore(s) for s in drawn]
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = [cvss.rescore(s) for s in drawn]
    cached = time.perf_counter() - t0
    assert again == scored
    distinct = sorted({s.vector for s in drawn})
    _clear()
    t0 = time.perf_counter()
    for vector in distinct:
        with contextlib.suppress(cvss.CvssVectorError):
            cvss.score_vector.__wrapped__(vector)
    per_vector = (time.perf_counter() - t0) / max(len(distinct), 1)
    return {
        "n": n,
        "pool": len(pool),
        "distinct": len(distinct),
        "versions": dict(Counter(s.version for s in drawn)),
        "cold_s": cold,
        "cached_s": cached,
        "uncached_per_vector_us": per_vector * 1e6,
        "uncached_estimate_s": per_vector * n,
    }


def main(argv: list[str]) -> int:
    try:
        out = measure(int(argv[1]))
    except Exception as exc:
        out = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
