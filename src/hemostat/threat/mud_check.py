"""A linter for RFC 8520 MUD files: `check_mud(doc, source=...) -> list[Diagnostic]`.

Codes starting ``mud.warn.`` are warnings (the file is usable; a MUD manager may ignore the
part), every other ``mud.`` code is an error. The ACL entry checks live in ``mud_ace``.
Known quirk of real files: MUDgee (the most used generator) writes the pre-RFC container name
``ietf-access-control-list:access-lists`` and ACL type ``ethernet-acl-type``; both are accepted
with a warning, as MUD managers built on the same drafts read them.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import orjson

from hemostat.errors import Diagnostic
from hemostat.threat.mud_ace import Lint, check_acl

MUD = "ietf-mud:mud"
ACLS = "ietf-access-control-list:acls"
LEGACY_ACLS = "ietf-access-control-list:access-lists"  # draft-ietf-netmod-acl-model, MUDgee
MAX_BYTES = 4 * 1024 * 1024  # real MUD files are a few kB; refuse to lint anything huge
_POLICIES = ("from-device-policy", "to-device-policy")
_MUD_KEYS = frozenset(
    {
        "mud-version",
        "mud-url",
        "last-update",
        "mud-signature",
        "cache-validity",
        "is-supported",
        "systeminfo",
        "mfg-name",
        "model-name",
        "firmware-rev",
        "software-rev",
        "documentation",
        "extensions",
        *_POLICIES,
    }
)
_REQUIRED = ("mud-version", "mud-url", "last-update", "is-supported")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def is_warning(diagnostic: Diagnostic) -> bool:
    return diagnostic.code.startswith("mud.warn.")


def check_mud(doc: bytes, *, source: str) -> list[Diagnostic]:
    """Every problem found in the MUD file ``doc`` (empty list: clean)."""
    lint = Lint(source)
    root = _parse(doc, lint)
    if root is None:
        return lint.found
    for key in sorted(set(root) - {MUD, ACLS, LEGACY_ACLS}):
        lint.warn("unknown_key", f"unknown top-level member {key!r}", "/" + key)
    mud = root.get(MUD)
    if not isinstance(mud, dict):
        lint.error("missing", f"no {MUD!r} object", "/", hint="RFC 8520 §2.1")
        mud = {}
    _check_head(mud, lint)
    acl_names = _check_acls(root, lint)
    _check_policies(mud, acl_names, lint)
    return lint.found


def _parse(doc: bytes, lint: Lint) -> dict[str, Any] | None:
    if len(doc) > MAX_BYTES:
        lint.error("too_large", f"{len(doc)} bytes; limit is {MAX_BYTES}", "/")
        return None
    try:
        root = orjson.loads(doc)
    except orjson.JSONDecodeError as exc:
        lint.error("json", f"not valid JSON: {exc}", "/")
        return None
    if isinstance(root, dict):
        return root
    hint = None
    if isinstance(root, str) and root.lstrip().startswith("{"):
        hint = "the file holds a JSON string containing the document (encoded twice); decode once"
    lint.error("not_object", f"top level is a JSON {type(root).__name__}, not an object", "/", hint)
    return None


def _check_head(mud: dict[str, Any], lint: Lint) -> None:
    at = "/" + MUD
    for key in _REQUIRED:
        if key not in mud:
            lint.error("missing", f"required leaf {key!r} is missing", at)
    for key in sorted(k for k in mud if k not in _MUD_KEYS and ":" not in k):
        lint.warn("unknown_key", f"unknown member {key!r} in {MUD}", f"{at}/{key}")
    version = mud.get("mud-version", 1)
    if version != 1 or isinstance(version, bool):
        lint.error("version", f"mud-version is {version!r}; only 1 is defined", f"{at}/mud-version")
    if "mud-url" in mud:
        _check_url(mud["mud-url"], lint, f"{at}/mud-url")
    if "last-update" in mud:
        _check_date_time(mud["last-update"], lint, f"{at}/last-update")
    validity = mud.get("cache-validity", 48)
    if not _is_int(validity) or not 1 <= validity <= 168:
        lint.error(
            "cache_validity", f"cache-validity {validity!r} is not 1..168", f"{at}/cache-validity"
        )
    if not isinstance(mud.get("is-supported", True), bool):
        lint.error("type", "is-supported must be true or false", f"{at}/is-supported")
    info = mud.get("systeminfo", "x")
    if not isinstance(info, str) or not 1 <= len(info) <= 60:
        lint.error("systeminfo", "systeminfo must be a string of 1..60 characters", at)
    if not any(p in mud for p in _POLICIES):
        lint.warn("no_policy", "neither from-device-policy nor to-device-policy is given", at)


def _check_url(url: Any, lint: Lint, at: str) -> None:
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme != "https" or not parts.hostname:
        lint.error("url", f"mud-url {url!r} is not an https URL", at, hint="RFC 8520 §1.5")


def _check_date_time(value: Any, lint: Lint, at: str) -> None:
    ok = isinstance(value, str) and _DATE_TIME.fullmatch(value) is not None
    if ok:
        try:
            datetime.fromisoformat(str(value))
        except ValueError:
            ok = False
    if not ok:
        lint.error(
            "last_update",
            f"last-update {value!r} is not a date-and-time with a time-zone offset",
            at,
            hint="YANG date-and-time (RFC 6991), e.g. 2024-03-12T00:00:00+00:00",
        )


def _check_acls(root: dict[str, Any], lint: Lint) -> set[str]:
    key = ACLS if ACLS in root else LEGACY_ACLS
    if key == LEGACY_ACLS and key in root:
        lint.warn("legacy_container", f"{key!r} is the pre-RFC name of {ACLS!r}", "/" + key)
    container = root.get(key)
    acls = container.get("acl") if isinstance(container, dict) else None
    if not isinstance(acls, list):
        lint.error("missing", f"no {ACLS!r} object with an 'acl' list", "/")
        return set()
    names = [a.get("name") for a in acls if isinstance(a, dict)]
    for name, count in sorted(Counter(n for n in names if isinstance(n, str)).items()):
        if count > 1:
            lint.error("acl.duplicate", f"ACL {name!r} is defined {count} times", f"/{key}/acl")
    for i, acl in enumerate(acls):
        check_acl(acl, lint, f"/{key}/acl/{i}")
    return {n for n in names if isinstance(n, str)}


def _check_policies(mud: dict[str, Any], acl_names: set[str], lint: Lint) -> None:
    referenced: set[str] = set()
    for policy in _POLICIES:
        at = f"/{MUD}/{policy}"
        if policy not in mud:
            continue
        entries = _dig(mud[policy], "access-lists", "access-list")
        if not isinstance(entries, list):
            lint.error("type", f"{policy} has no access-lists/access-list list", at)
            continue
        for i, entry in enumerate(entries):
            name = entry.get("name") if isinstance(entry, dict) else None
            if not isinstance(name, str):
                lint.error("type", "access-list entry without a name", f"{at}/{i}")
            elif name not in acl_names:
                lint.error(
                    "acl.undefined", f"{policy} names ACL {name!r}, which is not defined", at
                )
            else:
                referenced.add(name)
    for name in sorted(acl_names - referenced):
        lint.error("acl.unreferenced", f"ACL {name!r} is not used by any policy", f"/{MUD}")


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
