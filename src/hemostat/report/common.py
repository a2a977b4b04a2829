"""What every SBOM exporter needs: a canonical, order-free view of a ``domain.Sbom``.

Exporters promise byte-identical output for the same SBOM whatever the order of its components,
so everything here sorts, de-duplicates and derives identifiers from content, never from position,
the clock or randomness.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources

import orjson

from hemostat import __version__
from hemostat.domain.component import PROP_CPE, PROP_EOS, PROP_LEVEL, PROP_NOTE, Component, Sbom

TOOL_NAME = "hemostat"
TOOL_VERSION = __version__
EPOCH = "1970-01-01T00:00:00Z"  # SPDX requires a creation time; used when the SBOM has none
# A fixed namespace so that uuid5(sha256 of the source bytes) is stable across runs and hosts.
_UUID_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/hemostat/hemostat/sbom")
_URN_UUID = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_EXPRESSION = re.compile(r"\s(AND|OR|WITH)\s|^\(")
_AGENT = re.compile(r"^(Person|Organization|Tool):\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Prepared:
    """Components keyed by a unique, non-empty ref, sorted; edges between known refs only."""

    subject: tuple[str, Component] | None
    components: tuple[tuple[str, Component], ...]
    edges: tuple[tuple[str, tuple[str, ...]], ...]  # (ref, sorted unique depends_on), sorted


def prepare(sbom: Sbom) -> Prepared:
    subject = None
    taken: set[str] = set()
    if sbom.subject is not None:
        subject = (sbom.subject.bom_ref or "subject-" + _digest(sbom.subject), sbom.subject)
        taken.add(subject[0])
    out: list[tuple[str, Component]] = []
    previous: Component | None = None
    for c in sorted(sbom.components, key=lambda c: (c.bom_ref, repr(c))):
        if c in (previous, sbom.subject):
            continue  # an exact duplicate, or the subject repeated among the components
        previous = c
        ref = c.bom_ref or "component-" + _digest(c)
        if ref in taken:  # a clashing bom-ref: keep the component under a content-derived ref
            ref = f"{ref}#{_digest(c)}"
        taken.add(ref)
        out.append((ref, c))
    out.sort(key=lambda item: item[0])  # renamed refs may sort elsewhere than their original
    return Prepared(subject, tuple(out), _edges(sbom, taken))


def _edges(sbom: Sbom, known: set[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    graph: dict[str, set[str]] = {}
    for d in sbom.dependencies:
        if d.ref in known and d.depends_on in known:  # dangling edges would break the document
            graph.setdefault(d.ref, set()).add(d.depends_on)
    return tuple((ref, tuple(sorted(deps))) for ref, deps in sorted(graph.items()))


def _digest(c: Component) -> str:
    return hashlib.sha256(repr(c).encode()).hexdigest()[:12]


def bom_uuid(sbom: Sbom) -> str:
    """The SBOM's ``urn:uuid`` serial, or one derived from the source bytes' SHA-256."""
    serial = (sbom.serial or "").strip().lower()
    if _URN_UUID.match(serial):
        return serial
    return "urn:uuid:" + str(uuid.uuid5(_UUID_NS, sbom.sha256 or serial))


def iso_utc(ts: datetime | None) -> str | None:
    """``YYYY-MM-DDThh:mm:ssZ`` (the form SPDX requires); a naive time is taken as UTC."""
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def agent_name(text: str) -> str:
    """``"Organization: ACME"`` -> ``"ACME"``; ``""`` for SPDX's NOASSERTION/NONE placeholders."""
    name = _AGENT.sub("", text.strip())
    return "" if name.upper() in ("NOASSERTION", "NONE") else name


def agent_kind(text: str, default: str) -> str:
    m = _AGENT.match(text.strip())
    return m.group(1).capitalize() if m else default


def export_properties(c: Component) -> list[tuple[str, str]]:
    """The component's properties with the hemostat: support taxonomy rebuilt from its fields.

    A taxonomy property the reader kept is dropped only when its field is set (the field then
    says the same thing); otherwise it is kept verbatim so nothing is lost. Sorted by name, stably.
    """
    fields: list[tuple[str, str]] = []
    if c.level_of_support is not None:
        fields.append((PROP_LEVEL, c.level_of_support.value))
    if c.end_of_support is not None:
        fields.append((PROP_EOS, c.end_of_support.isoformat()))
    if c.support_note:
        fields.append((PROP_NOTE, c.support_note))
    rebuilt = {name for name, _ in fields}
    kept = [
        (n, v) for n, v in c.properties if n not in rebuilt and not (n == PROP_CPE and v in c.cpes)
    ]
    return sorted(kept + fields, key=lambda p: p[0])


@lru_cache(maxsize=1)
def spdx_license_ids() -> frozenset[str]:
    """The SPDX license list bundled with the CycloneDX schemas (what its ``id`` enum accepts)."""
    path = resources.files("hemostat") / "data" / "schemas" / "cyclonedx" / "spdx.schema.json"
    return frozenset(orjson.loads(path.read_bytes())["enum"])


def license_kind(text: str) -> str:
    """``"id"`` (on the SPDX list), ``"expression"`` (AND/OR/WITH, LicenseRef-) or ``"name"``."""
    t = text.strip()
    if t in spdx_license_ids():
        return "id"
    if _EXPRESSION.search(t) or (t.startswith(("LicenseRef-", "DocumentRef-")) and " " not in t):
        return "expression"
    return "name"


def as_operand(expression: str) -> str:
    """``A OR B`` -> ``(A OR B)``, ready to be joined with AND; ids and ``(...)`` stay as is."""
    if " " not in expression or _enclosed(expression):
        return expression
    return f"({expression})"


def _enclosed(text: str) -> bool:
    """Whether the first ``(`` closes at the end: ``(A AND B)`` yes, ``(A) OR (B)`` no."""
    if not text.startswith("("):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return i == len(text) - 1
    return False
