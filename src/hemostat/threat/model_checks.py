"""Semantic checks the schema cannot express: duplicate ids, dangling references, a flow's ``via``
on one of its ends, boundary-parent cycles, one treatment per threat, and ``system`` only in the
root file. They run on the raw merged data, so they are reported together with schema problems
(values of the wrong type are skipped here: the schema already reported them)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from hemostat.errors import Diagnostic
from hemostat.threat.model_yaml import YamlDoc, child, problem

SECTIONS = (
    "boundaries",
    "elements",
    "interfaces",
    "flows",
    "assets",
    "hazards",
    "controls",
    "requirements",
    "tests",
    "treatments",
)
NOUN = {
    "boundaries": "boundary",
    "elements": "element",
    "interfaces": "interface",
    "flows": "flow",
    "assets": "asset",
    "hazards": "hazard",
    "controls": "control",
    "requirements": "requirement",
    "tests": "test",
    "treatments": "treatment",
}
_TARGETS = ("elements", "interfaces", "flows")
REFS: Mapping[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "boundaries": (("parent", ("boundaries",)),),
    "elements": (("boundary", ("boundaries",)),),
    "interfaces": (("element", ("elements",)),),
    "flows": (("from", ("elements",)), ("to", ("elements",)), ("via", ("interfaces",))),
    "assets": (("elements", ("elements",)),),
    "hazards": (("elements", ("elements",)),),
    "controls": (("applies_to", _TARGETS),),
    "requirements": (("controls", ("controls",)),),
    "tests": (("verifies", ("requirements",)),),
    "treatments": (("controls", ("controls",)),),
}


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file of the model: ``rel`` is its path inside the model folder, ``display`` the path
    shown in diagnostics."""

    rel: str
    display: str
    doc: YamlDoc
    root: bool


@dataclass(frozen=True, slots=True)
class Item:
    section: str
    file: SourceFile
    pointer: str
    data: Mapping[str, Any]

    def line(self, key: str | None = None) -> int:
        return self.file.doc.line(child(self.pointer, key) if key else self.pointer)

    def at(self, code: str, message: str, key: str | None = None) -> Diagnostic:
        return problem(code, message, self.file.display, self.line(key))

    @property
    def ident(self) -> str | None:
        value = self.data.get("threat" if self.section == "treatments" else "id")
        return value if isinstance(value, str) else None


def collect_items(files: list[SourceFile]) -> list[Item]:
    items: list[Item] = []
    for source in files:
        value = source.doc.value
        if not isinstance(value, dict):
            continue
        for section in SECTIONS:
            entries = value.get(section)
            for i, entry in enumerate(entries if isinstance(entries, list) else []):
                if isinstance(entry, dict):
                    items.append(Item(section, source, child(f"/{section}", i), entry))
    return items


def semantic_problems(files: list[SourceFile], items: list[Item]) -> list[Diagnostic]:
    index, problems = _index(items)
    problems += _placement(files)
    problems += [p for item in items for p in _references(item, index)]
    problems += _boundary_cycles(items, index)
    return problems


def _index(items: list[Item]) -> tuple[dict[str, Item], list[Diagnostic]]:
    """Ids are unique across the whole model; treatments are keyed by their threat id."""
    index: dict[str, Item] = {}
    treated: dict[str, Item] = {}
    problems: list[Diagnostic] = []
    for item in items:
        ident = item.ident
        if ident is None:
            continue
        seen = treated if item.section == "treatments" else index
        first = seen.get(ident)
        if first is None:
            seen[ident] = item
            continue
        what = "a second treatment for" if item.section == "treatments" else "duplicate id"
        where = f"{first.file.display} line {first.line()}"
        problems.append(item.at("duplicate_id", f"{what} `{ident}` (first at {where})"))
    return index, problems


def _placement(files: list[SourceFile]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for source in files:
        value = source.doc.value
        has_system = isinstance(value, dict) and "system" in value
        if source.root and not has_system and isinstance(value, dict):
            msg = "the root file must describe the `system` (id, name, version)"
            out.append(problem("schema", msg, source.display, 1))
        elif not source.root and has_system:
            msg = "`system` belongs in the root file only, not in an included file"
            out.append(problem("schema", msg, source.display, source.doc.line("/system")))
    return out


def _references(item: Item, index: Mapping[str, Item]) -> Iterator[Diagnostic]:
    for key, sections in REFS.get(item.section, ()):
        value = item.data.get(key)
        refs = [(value, key)] if isinstance(value, str) else []
        if isinstance(value, list):
            refs = [(v, f"{key}/{i}") for i, v in enumerate(value) if isinstance(v, str)]
        for ref, where in refs:
            found = index.get(ref)
            if found is None or found.section not in sections:
                yield item.at(
                    "dangling_reference", _dangling(item, key, ref, sections, found), where
                )
    if item.section == "flows":
        yield from _via_on_an_end(item, index)


def _dangling(item: Item, key: str, ref: str, sections: tuple[str, ...], found: Item | None) -> str:
    nouns = [NOUN[s] for s in sections]
    wanted = nouns[0] if len(nouns) == 1 else f"{', '.join(nouns[:-1])} or {nouns[-1]}"
    head = f"{NOUN[item.section]} `{item.ident}`: `{key}` names `{ref}`"
    if found is None:
        return f"{head}, but no {wanted} has that id"
    return f"{head}, which is a {NOUN[found.section]}, not a {wanted}"


def _via_on_an_end(flow: Item, index: Mapping[str, Item]) -> Iterator[Diagnostic]:
    via = index.get(flow.data.get("via") or "")
    if via is None or via.section != "interfaces":
        return
    owner = via.data.get("element")
    if owner not in (flow.data.get("from"), flow.data.get("to")):
        msg = (
            f"flow `{flow.ident}`: `via` interface `{via.ident}` belongs to `{owner}`, "
            "which is neither the flow's `from` nor its `to`"
        )
        yield flow.at("dangling_reference", msg, "via")


def _boundary_cycles(items: list[Item], index: Mapping[str, Item]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    reported: set[str] = set()
    for item in items:
        if item.section != "boundaries" or item.ident is None:
            continue
        chain = [item.ident]
        parent = item.data.get("parent")
        while isinstance(parent, str) and parent in index and parent not in chain:
            chain.append(parent)
            parent = index[parent].data.get("parent")
        if parent == item.ident and item.ident not in reported:
            reported.update(chain)
            loop = " → ".join([*chain, item.ident])
            out.append(
                item.at("boundary_cycle", f"boundary parents form a cycle: {loop}", "parent")
            )
    return out
