"""Safe YAML with line numbers: walk PyYAML's safe event stream (libyaml when present) and build
plain JSON-like values plus a side map from JSON Pointer to the 1-based line each value (or its
key) starts on.

Built from events, not composed nodes, because composing costs ~10 s on a 5 MiB file and the
event walk ~2 s; it also lets us stop hostile input early instead of expanding it. Refused: files
over ``MAX_BYTES``, more than ``MAX_ALIASES`` alias uses or ``MAX_NODES`` values after alias
expansion (billion laughs), nesting deeper than ``MAX_DEPTH``, recursive aliases, non-JSON tags
(``!!python/...``, ``!!set``, ``!!binary``), merge keys, non-string and duplicate keys (PyYAML
silently keeps the last one), several documents in one file, and non-finite numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
)
from yaml.nodes import ScalarNode

from hemostat.errors import Diagnostic

MAX_BYTES = 5 * 1024 * 1024
MAX_ALIASES = 16
MAX_DEPTH = 64
MAX_NODES = 200_000

_T = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_T + n for n in ("null", "bool", "int", "float")}
_TEXT_TAGS = {_T + "str", _T + "timestamp"}  # dates stay text in a threat model
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A parsed file: its value, pointer → line map, and problems found while building it."""

    value: Any
    lines: dict[str, int]
    problems: tuple[Diagnostic, ...] = ()

    def line(self, pointer: str) -> int:
        """Line of ``pointer`` or of its nearest recorded ancestor (1 if none)."""
        while pointer:
            if pointer in self.lines:
                return self.lines[pointer]
            pointer = pointer.rpartition("/")[0]
        return self.lines.get("", 1)


def child(pointer: str, key: str | int) -> str:
    """RFC 6901 JSON Pointer of a child."""
    return f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"


def problem(code: str, message: str, file: str, line: int, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, message, file=file, location=f"line {line}", hint=hint)


def parse_yaml(data: bytes, *, file: str) -> YamlDoc:
    """Parse one YAML document. Never raises on bad input: problems come back in the result."""
    if len(data) > MAX_BYTES:
        msg = f"file is {len(data)} bytes; the limit is {MAX_BYTES}"
        return YamlDoc(None, {}, (problem("file_too_large", msg, file, 1),))
    builder = _Builder(file, _LOADER(data))
    try:
        builder.run()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        msg = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        builder.fail("yaml_syntax", msg, mark.line + 1 if mark else 1, fatal=True)
    except yaml.YAMLError as exc:  # reader errors (bad encoding) carry no mark
        builder.fail("yaml_syntax", str(exc).replace("\n", " "), 1, fatal=True)
    except _Stop:
        builder.fatal = True
    finally:
        builder.loader.dispose()
    value = None if builder.fatal else builder.root
    return YamlDoc(value, builder.lines, tuple(builder.problems))


class _Stop(Exception):
    """Hostile input: stop reading the file."""


_DROPPED = object()  # a refused scalar (reported): None as a value, skipped as a key


@dataclass
class _Frame:
    value: dict[str, Any] | list[Any]
    pointer: str
    anchor: str | None
    start: int  # node count when the collection started (its expanded size at the end)
    key: str | None = None  # None once the key was refused: its value is dropped
    key_line: int = 0
    expect_key: bool = True


@dataclass
class _Builder:
    file: str
    loader: yaml.SafeLoader
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    stack: list[_Frame] = field(default_factory=list)
    anchors: dict[str, tuple[Any, int]] = field(default_factory=dict)  # value, expanded size
    nodes: int = 0
    aliases: int = 0
    documents: int = 0
    root: Any = None
    fatal: bool = False

    def fail(self, code: str, message: str, line: int, *, fatal: bool = False) -> None:
        self.problems.append(problem(code, message, self.file, line))
        self.fatal = self.fatal or fatal

    def stop(self, code: str, message: str, line: int) -> None:
        self.fail(code, message, line)
        raise _Stop

    def run(self) -> None:
        while (event := self.loader.get_event()) is not None:  # type: ignore[no-untyped-call]
            line = event.start_mark.line + 1
            if isinstance(event, DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self.stop("yaml_syntax", "expected one YAML document, found several", line)
            elif isinstance(event, ScalarEvent | AliasEvent | CollectionStartEvent):
                self._value_event(event, line)
            elif isinstance(event, MappingEndEvent | SequenceEndEvent):
                frame = self.stack.pop()
                if frame.anchor is not None:
                    self.anchors[frame.anchor] = (frame.value, self.nodes - frame.start)
                self._place(frame.value)

    def _value_event(self, event: Event, line: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.stop("yaml_refused", f"more than {MAX_NODES} values", line)
        pointer = self._pointer(line)
        if isinstance(event, AliasEvent):
            self._place(self._alias(event.anchor or "", line))
        elif isinstance(event, ScalarEvent):
            value = self._scalar(event, line)
            if event.anchor is not None:
                self.anchors[event.anchor] = (value, 1)
            self._place(value)
        elif isinstance(event, CollectionStartEvent):
            self._start(event, pointer, line)

    def _pointer(self, line: int) -> str:
        """Pointer of the value about to start; records its line (a mapping value: its key's)."""
        if not self.stack:
            self.lines[""] = line
            return ""
        top = self.stack[-1]
        if isinstance(top.value, list):
            pointer = child(top.pointer, len(top.value))
            self.lines[pointer] = line
            return pointer
        if top.expect_key:
            top.key_line = line
            return child(top.pointer, "?")  # a key: never stored
        pointer = child(top.pointer, top.key or "?")
        self.lines[pointer] = top.key_line
        return pointer

    def _start(self, event: CollectionStartEvent, pointer: str, line: int) -> None:
        mapping = isinstance(event, MappingStartEvent)
        tag = event.tag
        if tag not in (None, "!", _T + ("map" if mapping else "seq")):
            self.fail("yaml_tag", f"YAML tag {tag} is not allowed", line)
        if len(self.stack) >= MAX_DEPTH:
            self.stop("yaml_refused", f"nested deeper than {MAX_DEPTH} levels", line)
        value: dict[str, Any] | list[Any] = {} if mapping else []
        self.stack.append(_Frame(value, pointer, event.anchor, self.nodes))

    def _alias(self, anchor: str, line: int) -> Any:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            self.stop("yaml_refused", f"more than {MAX_ALIASES} YAML aliases", line)
        if anchor not in self.anchors:
            self.stop("yaml_refused", f"alias *{anchor} refers to its own container", line)
        value, size = self.anchors[anchor]
        self.nodes += size
        if self.nodes > MAX_NODES:
            self.stop("yaml_refused", f"more than {MAX_NODES} values after alias expansion", line)
        return value

    def _scalar(self, event: ScalarEvent, line: int) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
        if tag in _TEXT_TAGS:
            return event.value
        if tag == _T + "merge":
            self.fail("yaml_refused", "YAML merge keys (<<) are not supported", line)
            return _DROPPED
        if tag not in _SCALAR_TAGS:
            self.fail("yaml_tag", f"YAML tag {tag} is not allowed", line)
            return _DROPPED
        value = self.loader.construct_object(ScalarNode(tag, event.value))
        if isinstance(value, float) and not math.isfinite(value):
            self.fail("yaml_value", f"{event.value} is not a finite number", line)
            return _DROPPED
        return value

    def _place(self, value: Any) -> None:
        if not self.stack:
            self.root = None if value is _DROPPED else value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(None if value is _DROPPED else value)
        elif top.expect_key:
            self._key(top, value)
        else:
            if top.key is not None:
                top.value[top.key] = None if value is _DROPPED else value
            top.expect_key = True

    def _key(self, top: _Frame, key: Any) -> None:
        top.expect_key = False
        top.key = None
        if key is _DROPPED:
            return
        if not isinstance(key, str):
            self.fail("yaml_key", "mapping keys must be plain strings", top.key_line)
        elif key in top.value:
            self.fail("duplicate_key", f"duplicate key `{key}`", top.key_line)
        else:
            top.key = key
