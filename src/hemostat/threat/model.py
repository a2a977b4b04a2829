"""Load a YAML threat model (docs/threat-model-format.md) into a ``ThreatModel``.

``load_model`` follows ``include:`` (paths relative to the including file, never outside the
model's folder, no cycles, each file once), validates every file against the published JSON
Schema, runs the semantic checks of ``model_checks`` on the merged data and raises one
``ThreatModelError`` listing every problem with file and line. Nothing is built until the whole
model is clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hemostat.domain.threat import ThreatModel
from hemostat.errors import Diagnostic, ThreatModelError
from hemostat.threat.model_build import build_model
from hemostat.threat.model_checks import SourceFile, collect_items, semantic_problems
from hemostat.threat.model_schema import MODEL_SCHEMA, schema_problems
from hemostat.threat.model_yaml import MAX_BYTES, YamlDoc, child, parse_yaml, problem

ROOT_NAMES = ("threat-model.yaml", "threat-model.yml", "model.yaml", "model.yml")


def load_model(path: Path) -> ThreatModel:
    """The model rooted at ``path``: a file, or a folder holding one of ``ROOT_NAMES``."""
    root = _root_file(path)
    loader = _Loader(folder=root.resolve().parent, shown=root.parent)
    loader.load(root.resolve(), display=str(root), stack=())
    files = loader.files
    items = collect_items(files)
    problems = loader.problems + semantic_problems(files, items)
    if problems:
        order = {f.display: i for i, f in enumerate(files)}
        problems.sort(key=lambda p: (order.get(p.file or "", len(order)), _line(p)))
        raise ThreatModelError(problems, file=str(root))
    return build_model(files, items)


def _root_file(path: Path) -> Path:
    if path.is_dir():
        for name in ROOT_NAMES:
            if (path / name).is_file():
                return path / name
        msg = f"no {' or '.join(ROOT_NAMES)} in this folder"
        raise ThreatModelError([Diagnostic("not_found", msg, file=str(path), location="line 1")])
    if not path.is_file():
        msg = "threat model file not found"
        raise ThreatModelError([Diagnostic("not_found", msg, file=str(path), location="line 1")])
    return path


def _line(diagnostic: Diagnostic) -> int:
    return int((diagnostic.location or "line 0").removeprefix("line "))


@dataclass
class _Loader:
    folder: Path  # resolved model folder: includes must stay inside it
    shown: Path  # the folder as the user named it, for diagnostics
    files: list[SourceFile] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    seen: set[Path] = field(default_factory=set)

    def load(self, path: Path, *, display: str, stack: tuple[Path, ...]) -> None:
        self.seen.add(path)
        doc = self._parse(path, display)
        source = SourceFile(path.relative_to(self.folder).as_posix(), display, doc, not stack)
        self.files.append(source)
        includes = doc.value.get("include") if isinstance(doc.value, dict) else None
        for i, name in enumerate(includes if isinstance(includes, list) else []):
            if isinstance(name, str):
                where = (display, doc.line(child("/include", i)))
                self._include(path, name, where, (*stack, path))

    def _parse(self, path: Path, display: str) -> YamlDoc:
        size = path.stat().st_size
        if size > MAX_BYTES:
            msg = f"file is {size} bytes; the limit is {MAX_BYTES}"
            self.problems.append(problem("file_too_large", msg, display, 1))
            return YamlDoc(None, {})
        doc = parse_yaml(path.read_bytes(), file=display)
        self.problems.extend(doc.problems)
        if doc.value is None and not doc.problems:
            self.problems.append(problem("schema", "the file is empty", display, 1))
        elif doc.value is not None:
            self.problems.extend(schema_problems(doc, name=MODEL_SCHEMA, file=display))
        return doc

    def _include(
        self, parent: Path, name: str, where: tuple[str, int], stack: tuple[Path, ...]
    ) -> None:
        target = (parent.parent / name).resolve()
        if not target.is_relative_to(self.folder):
            self._fail(where, "include_outside", f"include `{name}` is outside the model folder")
        elif target in stack:
            chain = " → ".join(p.relative_to(self.folder).as_posix() for p in (*stack, target))
            self._fail(where, "include_cycle", f"include cycle: {chain}")
        elif target in self.seen:
            self._fail(where, "include_twice", f"`{name}` is included more than once")
        elif not target.is_file():
            self._fail(where, "include_missing", f"included file `{name}` not found")
        else:
            display = str(self.shown / target.relative_to(self.folder))
            self.load(target, display=display, stack=stack)

    def _fail(self, where: tuple[str, int], code: str, message: str) -> None:
        self.problems.append(problem(code, message, *where))
