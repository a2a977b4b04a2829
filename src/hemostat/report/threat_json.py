"""The whole threat analysis as JSON: model, threats, rules version, stale treatments.

``{"format": "hemostat-threat-analysis/1", ...}`` marks the document version. Output is
deterministic: id-keyed collections sorted (``canonical``), object keys sorted (orjson
``OPT_SORT_KEYS``), two-space indent and a final newline so that versions diff cleanly.
Every dataclass field is written (``null`` when unset); key/value ``attributes`` become objects.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

import orjson

from hemostat import __version__
from hemostat.domain.threat import ThreatAnalysis
from hemostat.report.threat_common import FORMAT, canonical

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def to_data(analysis: ThreatAnalysis) -> dict[str, Any]:
    a = canonical(analysis)
    return {
        "format": FORMAT,
        "generator": {"name": "hemostat", "version": __version__},
        "rules_version": a.rules_version,
        "model": _plain(a.model),
        "threats": [_plain(t) for t in a.threats],
        "stale_treatments": list(a.stale_treatments),
    }


def render(analysis: ThreatAnalysis) -> bytes:
    return orjson.dumps(to_data(analysis), option=_OPTIONS)


def _plain(value: Any) -> Any:
    """Dataclasses to dicts, enums to their values, tuples to lists (order kept)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _field(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _field(name: str, value: Any) -> Any:
    if name == "attributes":
        return {str(k): v for k, v in value}
    return _plain(value)
