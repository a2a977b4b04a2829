"""SSVC decisions from CERT/CC's own decision tables (DOMAIN.md §4), with the table version cited.

The CSV tables in ``hemostat/data/ssvc`` are copied unchanged from CERT/CC's SSVC repository
(MIT-style licence alongside). The PyPI ``ssvc`` package is a different project whose supplier tree
disagrees with these tables, and CERT/CC's own package has no evaluate function, so the lookup is
ours: a table is a dict from the row's decision-point values to its outcome.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from math import prod

from hemostat.errors import UsageError

__all__ = [
    "DEPLOYER",
    "HUMAN_IMPACT",
    "PUBLIC_SAFETY_IMPACT",
    "SUPPLIER",
    "UTILITY",
    "DecisionTable",
    "SsvcDecision",
    "decide",
    "load_table",
]

DEPLOYER = "deployer_patch_application_priority_1_0_0"  # DT_DP 1.0.0, §4.2
SUPPLIER = "supplier_patch_development_priority_1_0_0"  # §4.3
HUMAN_IMPACT = "human_impact_1_0_0"
UTILITY = "utility_1_0_0"
PUBLIC_SAFETY_IMPACT = "public_safety_impact_1_0_0"
_TABLES = (DEPLOYER, SUPPLIER, HUMAN_IMPACT, UTILITY, PUBLIC_SAFETY_IMPACT)


@dataclass(frozen=True, slots=True)
class DecisionPoint:
    name: str  # e.g. "Exploitation"
    version: str  # e.g. "1.1.0"
    values: tuple[str, ...]  # in the order the table first uses them

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"


@dataclass(frozen=True, slots=True)
class DecisionTable:
    key: str  # file stem, e.g. "supplier_patch_development_priority_1_0_0"
    name: str  # "supplier patch development priority"
    version: str  # "1.0.0"
    inputs: tuple[DecisionPoint, ...]
    outcome: DecisionPoint
    rows: Mapping[tuple[str, ...], str]

    @property
    def citation(self) -> str:
        return f"CERT/CC SSVC {self.name} {self.version}"


@dataclass(frozen=True, slots=True)
class SsvcDecision:
    outcome: str  # e.g. "out-of-cycle"
    table: str  # table name
    table_version: str
    points: tuple[tuple[str, str], ...]  # (decision point "Name vX.Y.Z", value), table order
    reasoning: tuple[str, ...] = ()


def _split_header(header: str) -> tuple[str, str]:
    name, _, version = header.rpartition(" v")
    if not name:
        raise UsageError(f"SSVC table header {header!r} has no ' vX.Y.Z' version")
    return name, version


def _table_from_csv(key: str, text: str) -> DecisionTable:
    reader = csv.reader(io.StringIO(text))
    header = next(reader)[1:]  # first column is the row number
    body = [row[1:] for row in reader if row]
    names = [_split_header(h) for h in header]
    points = tuple(
        DecisionPoint(n, v, tuple(dict.fromkeys(row[i] for row in body)))
        for i, (n, v) in enumerate(names)
    )
    rows = {tuple(row[:-1]): row[-1] for row in body}
    if len(rows) != len(body):
        raise UsageError(f"SSVC table {key} has duplicate rows")
    if len(rows) != prod(len(p.values) for p in points[:-1]):
        raise UsageError(f"SSVC table {key} does not cover every combination of its inputs")
    parts = key.split("_")  # "supplier_..._1_0_0": name words, then the version's three parts
    name, version = " ".join(parts[:-3]), ".".join(parts[-3:])
    return DecisionTable(key, name, version, points[:-1], points[-1], rows)


@cache
def load_table(key: str) -> DecisionTable:
    """One of the bundled CERT/CC tables (``DEPLOYER``, ``SUPPLIER``, ...), parsed once."""
    if key not in _TABLES:
        raise UsageError(f"unknown SSVC table {key!r}", hint=f"one of: {', '.join(_TABLES)}")
    resource = files("hemostat") / "data" / "ssvc" / f"{key}.csv"
    return _table_from_csv(key, resource.read_text(encoding="utf-8"))


def decide(table: DecisionTable, points: Mapping[str, str]) -> SsvcDecision:
    """Look up the outcome for ``points`` (keyed by decision-point name, e.g. "Exploitation")."""
    values: list[str] = []
    for point in table.inputs:
        value = points.get(point.name)
        if value is None:
            raise UsageError(f"SSVC {table.name}: decision point {point.name!r} is missing")
        value = value.strip().lower()
        if value not in point.values:
            allowed = ", ".join(point.values)
            raise UsageError(f"SSVC {point.label}: {value!r} is not one of: {allowed}")
        values.append(value)
    outcome = table.rows[tuple(values)]  # complete tables: every combination has a row
    used = tuple((p.label, v) for p, v in zip(table.inputs, values, strict=True))
    line = ", ".join(f"{label}={v}" for label, v in used) + f" -> {outcome} ({table.citation})"
    return SsvcDecision(outcome, table.name, table.version, used, (line,))
