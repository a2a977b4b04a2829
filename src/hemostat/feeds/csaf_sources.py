"""CSAF distribution documents (CSAF 2.0 §7): what kind of JSON a file is, and which local files
or folders a provider-metadata.json, aggregator, ROLIE service or ROLIE feed points to. Only paths
beside the listing file are followed (relative paths or ``file:`` URLs that resolve inside its
folder); remote URLs are left to ``hemostat feeds sync`` and reported as warnings."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from hemostat.feeds.csaf_tree import arr, obj, text


class Kind(StrEnum):
    ADVISORY = "CSAF advisory"
    PROVIDER_METADATA = "CSAF provider metadata"
    AGGREGATOR = "CSAF aggregator list"
    ROLIE_FEED = "ROLIE feed"
    ROLIE_SERVICE = "ROLIE service document"
    ROLIE_CATEGORY = "ROLIE category document"
    UNKNOWN = "unknown JSON"


_SHAPES: tuple[tuple[Kind, Callable[[Mapping[str, Any]], bool]], ...] = (
    (Kind.ADVISORY, lambda d: isinstance(d.get("document"), dict)),
    (Kind.AGGREGATOR, lambda d: "csaf_providers" in d and "aggregator" in d),
    (Kind.PROVIDER_METADATA, lambda d: "metadata_version" in d or "distributions" in d),
    (Kind.ROLIE_FEED, lambda d: isinstance(d.get("feed"), dict)),
    (Kind.ROLIE_SERVICE, lambda d: isinstance(d.get("service"), dict)),
    (Kind.ROLIE_CATEGORY, lambda d: isinstance(d.get("categories"), dict)),
)


def classify(doc: Mapping[str, Any]) -> Kind:
    return next((kind for kind, test in _SHAPES if test(doc)), Kind.UNKNOWN)


def local_targets(path: Path, doc: Mapping[str, Any]) -> tuple[list[Path], list[str]]:
    """The local files/folders a listing points to, and warnings for what is not followed."""
    base = path.resolve().parent
    targets: list[Path] = []
    remote: list[str] = []
    warnings: list[str] = []
    for url in filter(None, _urls(classify(doc), doc)):
        parts = urlsplit(url)
        if parts.scheme not in ("", "file"):
            remote.append(url)
            continue
        target = (base / unquote(parts.path)).resolve()
        if not target.is_relative_to(base):
            warnings.append(f"{path}: {url} is outside the folder of the listing (not followed)")
            continue
        targets.append(target)
    if remote:
        more = f" and {len(remote) - 1} more" if len(remote) > 1 else ""
        warnings.append(f"{path}: remote distribution {remote[0]}{more}, use `hemostat feeds sync`")
    if not targets and not remote:
        warnings.append(f"{path}: lists no CSAF documents")
    return targets, warnings


def _urls(kind: Kind, doc: Mapping[str, Any]) -> Iterator[str]:
    if kind is Kind.PROVIDER_METADATA:
        for dist in map(obj, arr(doc.get("distributions"))):
            yield text(dist.get("directory_url"))
            yield from _each(obj(dist.get("rolie")).get("feeds"), "url")
    elif kind is Kind.AGGREGATOR:
        for provider in arr(doc.get("csaf_providers")):
            yield text(obj(obj(provider).get("metadata")).get("url"))
    elif kind is Kind.ROLIE_SERVICE:
        for workspace in arr(obj(doc.get("service")).get("workspace")):
            yield from _each(obj(workspace).get("collection"), "href")
    elif kind is Kind.ROLIE_FEED:
        for entry in arr(obj(doc.get("feed")).get("entry")):
            yield text(obj(obj(entry).get("content")).get("src"))


def _each(items: object, key: str) -> Iterator[str]:
    return (text(obj(item).get(key)) for item in arr(items))
