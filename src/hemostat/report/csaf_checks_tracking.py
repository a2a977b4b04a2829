"""CSAF 2.0 mandatory tests on document tracking and the revision history (§6.1.14-6.1.22,
6.1.30)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from hemostat.report.csaf_walk import Doc, Finding, lst, obj

_INT = re.compile(r"^(0|[1-9][0-9]*)$")
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$"
)
_MIN = datetime.min.replace(tzinfo=UTC)


def check_tracking(doc: Doc) -> Iterator[Finding]:
    document = obj(doc.get("document"))
    tracking = obj(document.get("tracking"))
    history = [obj(r) for r in lst(tracking.get("revision_history"))]
    version = str(tracking.get("version", ""))
    status = tracking.get("status")
    yield from _sorted_history(history)
    translator = obj(document.get("publisher")).get("category") == "translator"
    if translator and "source_lang" not in document:
        yield Finding("6.1.15", "/document/source_lang", "translator without source_lang")
    yield from _latest(history, version, status == "draft")
    if (_major(version) == 0 or _pre(version)) and status != "draft":
        yield Finding("6.1.17", "/document/tracking/status", f"version {version} needs draft")
    numbers = [str(r.get("number", "")) for r in history]
    for i, n in enumerate(numbers):
        path = f"/document/tracking/revision_history/{i}/number"
        if status in ("final", "interim") and _major(n) == 0:
            yield Finding("6.1.18", path, f"released document has revision {n}")
        if _pre(n):
            yield Finding("6.1.19", path, f"revision {n} has a pre-release part")
        if n in numbers[:i]:
            yield Finding("6.1.22", path, f"revision {n} is defined more than once")
    if status in ("final", "interim") and _pre(version):
        yield Finding("6.1.20", "/document/tracking/version", f"{version} is a pre-release")
    yield from _missing(numbers)
    yield from _mixed(version, numbers)


def _mixed(version: str, numbers: list[str]) -> Iterator[Finding]:
    """§6.1.30: integer and semantic versioning are not mixed among the version_t values."""
    kinds = {"integer" if _INT.match(n) else "semantic" for n in (version, *numbers)}
    if len(kinds) > 1:
        msg = f"version {version} and revisions {numbers} mix integer and semantic versioning"
        yield Finding("6.1.30", "/document/tracking", msg)


def _sorted_history(history: list[Doc]) -> Iterator[Finding]:
    # equal dates may list their numbers in any order: ties sort by number
    dated = sorted((_date(r.get("date")), _key(str(r.get("number", "")))) for r in history)
    keys = [k for _, k in dated]
    if keys != sorted(keys):
        yield Finding("6.1.14", "/document/tracking/revision_history", "not sorted by date")


def _latest(history: list[Doc], version: str, draft: bool) -> Iterator[Finding]:
    if not history:
        return
    last = max(history, key=lambda r: (_date(r.get("date")), _key(str(r.get("number", "")))))
    if _strip(str(last.get("number", "")), draft) != _strip(version, draft):
        yield Finding(
            "6.1.16",
            "/document/tracking/version",
            f"version {version} is not the latest revision {last.get('number')}",
        )


def _missing(numbers: list[str]) -> Iterator[Finding]:
    majors = sorted({m for m in (_major(n) for n in numbers) if m is not None})
    if not majors:
        return
    if majors[0] > 1 or any(b - a > 1 for a, b in pairwise(majors)):
        yield Finding(
            "6.1.21", "/document/tracking/revision_history", f"missing revisions in {majors}"
        )


def _major(number: str) -> int | None:
    if _INT.match(number):
        return int(number)
    m = _SEMVER.match(number)
    return int(m.group(1)) if m else None


def _pre(number: str) -> bool:
    m = _SEMVER.match(number)
    return bool(m and m.group(4))


def _strip(number: str, drop_pre: bool) -> str:
    m = _SEMVER.match(number)
    if not m:
        return number
    core = ".".join(m.group(i) for i in (1, 2, 3))
    return core if drop_pre or not m.group(4) else f"{core}-{m.group(4)}"


def _key(number: str) -> tuple[int, ...]:
    if _INT.match(number):
        return (int(number),)
    m = _SEMVER.match(number)
    return tuple(int(m.group(i)) for i in (1, 2, 3)) if m else ()


def _date(value: Any) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return _MIN
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
