"""Checks for the ACLs inside a MUD file (RFC 8519 ACL model with the RFC 8520 augmentations)."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hemostat.errors import Diagnostic

_ACL_TYPES = frozenset(
    {
        "ipv4-acl-type",
        "ipv6-acl-type",
        "eth-acl-type",
        "mixed-eth-ipv4-acl-type",
        "mixed-eth-ipv6-acl-type",
        "mixed-eth-ipv4-ipv6-acl-type",
    }
)
_LEGACY_ACL_TYPES = frozenset({"ethernet-acl-type"})  # draft name, written by MUDgee
_ACTIONS = frozenset({"accept", "drop", "reject"})
_MATCH_KEYS = frozenset(
    {"eth", "ipv4", "ipv6", "tcp", "udp", "icmp", "ietf-mud:mud"}
    | {"egress-interface", "ingress-interface"}
)
_L4_PROTOCOL = {"tcp": (6,), "udp": (17,), "icmp": (1, 58)}
_EMPTY_LEAVES = frozenset({"same-manufacturer", "local-networks", "my-controller"})
_URI_LEAVES = frozenset({"controller", "model"})
_OTHER_OPERATORS = frozenset({"lte", "gte", "neq"})  # RFC 8519, rarely honoured by MUD managers
# inet:domain-name (RFC 6991) label: letters, digits, '_' and '-', not ending in '-'
_LABEL = re.compile(r"(?:[A-Za-z0-9_][A-Za-z0-9_-]{0,61})?[A-Za-z0-9]")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


@dataclass
class Lint:
    """Collects diagnostics for one file."""

    source: str
    found: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, location: str, hint: str | None = None) -> None:
        self.found.append(Diagnostic("mud." + code, message, self.source, location, hint))

    def warn(self, code: str, message: str, location: str, hint: str | None = None) -> None:
        self.found.append(Diagnostic("mud.warn." + code, message, self.source, location, hint))


def check_acl(acl: Any, lint: Lint, at: str) -> None:
    if not isinstance(acl, dict):
        lint.error("type", "an ACL must be an object", at)
        return
    if not _is_name(acl.get("name")):
        lint.error("acl.name", "ACL name must be a string of 1..64 characters", f"{at}/name")
    acl_type = _strip_prefix(acl.get("type"))
    if acl_type in _LEGACY_ACL_TYPES:
        lint.warn("legacy_acl_type", f"ACL type {acl_type!r} is a pre-RFC 8519 name", f"{at}/type")
    elif acl_type is not None and acl_type not in _ACL_TYPES:
        lint.error("acl.type", f"unknown ACL type {acl_type!r}", f"{at}/type")
    aces = acl.get("aces", {}).get("ace") if isinstance(acl.get("aces"), dict) else None
    if not isinstance(aces, list):
        lint.error("type", "ACL has no aces/ace list", at)
        return
    names = Counter(str(a["name"]) for a in aces if isinstance(a, dict) and _is_name(a.get("name")))
    for name in sorted(n for n, c in names.items() if c > 1):
        lint.error("ace.duplicate", f"ACE name {name!r} is used more than once", f"{at}/aces")
    for i, ace in enumerate(aces):
        _check_ace(ace, str(acl_type or ""), lint, f"{at}/aces/ace/{i}")


def _check_ace(ace: Any, acl_type: str, lint: Lint, at: str) -> None:
    if not isinstance(ace, dict):
        lint.error("type", "an ACE must be an object", at)
        return
    if not _is_name(ace.get("name")):
        lint.error("ace.name", "ACE name must be a string of 1..64 characters", f"{at}/name")
    forwarding = (
        ace.get("actions", {}).get("forwarding") if isinstance(ace.get("actions"), dict) else None
    )
    if _strip_prefix(forwarding) not in _ACTIONS:
        lint.error(
            "ace.action", f"forwarding {forwarding!r} is not accept/drop/reject", f"{at}/actions"
        )
    matches = ace.get("matches")
    if not isinstance(matches, dict) or not all(isinstance(v, dict) for v in matches.values()):
        lint.error("type", "ACE matches must be an object of objects", f"{at}/matches")
        return
    at = f"{at}/matches"
    for key in sorted(set(matches) - _MATCH_KEYS):
        lint.warn("unknown_key", f"unknown match {key!r}", f"{at}/{key}")
    protocol = _check_l3(matches, acl_type, lint, at)
    _check_l4(matches, protocol, lint, at)
    if "ietf-mud:mud" in matches:
        _check_abstractions(matches["ietf-mud:mud"], lint, f"{at}/ietf-mud:mud")


def _check_l3(matches: dict[str, Any], acl_type: str, lint: Lint, at: str) -> int | None:
    """Checks ipv4/ipv6 and returns the IP protocol number (None when absent)."""
    families = [f for f in ("ipv4", "ipv6") if f in matches]
    if len(families) > 1:
        lint.error("ace.family", "an ACE cannot match both ipv4 and ipv6", at)
    for fam in families:
        other = "ipv6" if fam == "ipv4" else "ipv4"
        if other in acl_type and fam not in acl_type:
            lint.error("ace.family", f"{fam} match in an ACL of type {acl_type!r}", f"{at}/{fam}")
    if not families:
        return None
    l3: dict[str, Any] = matches[families[0]]
    for direction in ("src", "dst"):
        name = l3.get(f"ietf-acldns:{direction}-dnsname")
        if name is None:
            continue
        where = f"{at}/{families[0]}/ietf-acldns:{direction}-dnsname"
        if not is_host(name):
            lint.error(
                "ace.dnsname",
                f"{name!r} is not a valid host name",
                where,
                hint="RFC 6991 inet:host; no wildcards",
            )
        net = ("source" if direction == "src" else "destination") + f"-{families[0]}-network"
        if net in l3:
            lint.error("ace.dnsname", f"{direction}-dnsname and {net} cannot both be set", where)
    protocol = l3.get("protocol")
    if protocol is not None and (not _is_int(protocol) or not 0 <= protocol <= 255):
        lint.error("ace.protocol", f"protocol {protocol!r} is not 0..255", f"{at}/{families[0]}")
        return None
    return protocol


def _check_l4(matches: dict[str, Any], protocol: int | None, lint: Lint, at: str) -> None:
    present = [k for k in _L4_PROTOCOL if k in matches]
    if len(present) > 1:
        lint.error("ace.protocol", f"an ACE cannot match {' and '.join(present)} together", at)
    for l4 in present:
        if protocol not in _L4_PROTOCOL[l4]:
            lint.error(
                "ace.protocol",
                f"{l4} match needs IP protocol {_L4_PROTOCOL[l4][0]}, found {protocol!r}",
                f"{at}/{l4}",
            )
        block: dict[str, Any] = matches[l4]
        direction = block.get("ietf-mud:direction-initiated")
        if direction is not None and l4 != "tcp":
            lint.error("ace.direction", "direction-initiated is only defined for tcp", f"{at}/{l4}")
        elif direction is not None and direction not in ("from-device", "to-device"):
            lint.error(
                "ace.direction",
                f"direction-initiated {direction!r} is not from-device/to-device",
                f"{at}/{l4}",
            )
        for side in ("source-port", "destination-port"):
            if l4 != "icmp" and side in block:
                _check_port(block[side], lint, f"{at}/{l4}/{side}")


def _check_port(spec: Any, lint: Lint, at: str) -> None:
    if not isinstance(spec, dict):
        lint.error("ace.port", "a port match must be an object", at)
    elif "lower-port" in spec or "upper-port" in spec:
        low, high = spec.get("lower-port"), spec.get("upper-port")
        if not (
            isinstance(low, int)
            and isinstance(high, int)
            and _is_port(low)
            and _is_port(high)
            and low <= high
        ):
            lint.error("ace.port", f"port range {low!r}..{high!r} is not valid", at)
    else:
        operator = spec.get("operator", "eq")
        operator = operator if isinstance(operator, str) else repr(operator)
        if not _is_port(spec.get("port")):
            lint.error("ace.port", f"port {spec.get('port')!r} is not 0..65535", at)
        if operator in _OTHER_OPERATORS:
            lint.warn(
                "port_operator",
                f"operator {operator!r}: MUD managers generally support only eq and ranges",
                at,
            )
        elif operator != "eq":
            lint.error(
                "ace.port",
                f"unknown port operator {operator!r}",
                at,
                hint="eq, or lower-port/upper-port",
            )


def _check_abstractions(block: dict[str, Any], lint: Lint, at: str) -> None:
    for key, value in sorted(block.items()):
        if key in _EMPTY_LEAVES:
            if value != [None]:
                lint.error(
                    "ace.abstraction",
                    f"{key} must be [null] (YANG empty, RFC 7951 §6.9), not {value!r}",
                    f"{at}/{key}",
                )
        elif key in _URI_LEAVES:
            if not isinstance(value, str) or not _URI.fullmatch(value):
                lint.error("ace.abstraction", f"{key} {value!r} is not a URI", f"{at}/{key}")
        elif key == "manufacturer":
            if not is_host(value):
                lint.error(
                    "ace.abstraction", f"manufacturer {value!r} is not a host name", f"{at}/{key}"
                )
        else:
            lint.error("ace.abstraction", f"unknown MUD abstraction {key!r}", f"{at}/{key}")


def is_host(value: Any) -> bool:
    """RFC 6991 inet:host: an IP address or a domain name."""
    if not isinstance(value, str) or not value or len(value) > 253:
        return False
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        pass
    labels = value[:-1].split(".") if value.endswith(".") else value.split(".")
    return all(_LABEL.fullmatch(label) for label in labels)


def _strip_prefix(value: Any) -> str | None:
    return value.rsplit(":", 1)[-1] if isinstance(value, str) else None


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= 64


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_port(value: Any) -> bool:
    return _is_int(value) and 0 <= value <= 65535
