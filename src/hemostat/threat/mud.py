"""RFC 8520 Manufacturer Usage Description (MUD) files generated from a threat model.

Every IP data flow (tcp/udp) that starts or ends at the device becomes one access-control entry
(ACE) in the from-device ACL and one in the to-device ACL. The peer is named by DNS
(`ietf-acldns`, RFC 8520 §12) when its element has attribute ``dns_name``, or by a MUD
abstraction (`ietf-mud:mud` matches, RFC 8520 §8) from ``mud_controller`` / ``mud_abstraction``.
Flows over BLE, USB, serial and the like cannot be expressed in a MUD file and are reported as
skipped. Output is deterministic: same model and arguments, same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import orjson

from hemostat.domain.threat import DataFlow, Element, ThreatModel
from hemostat.errors import UsageError
from hemostat.threat.mud_ace import is_host

Json = dict[str, Any]

PROTOCOLS = {"tcp": 6, "udp": 17}
ABSTRACTIONS = ("local-networks", "same-manufacturer", "my-controller")
_NAME_MAX = 64  # RFC 8519: acl and ace names are strings of length 1..64


@dataclass(frozen=True, slots=True)
class MudResult:
    """The MUD document (ready for ``to_json``) and the device flows it could not express."""

    document: Json
    skipped: tuple[str, ...]

    def to_json(self) -> bytes:
        """Pretty JSON in RFC key order (orjson keeps insertion order; we build it in order)."""
        return orjson.dumps(self.document, option=orjson.OPT_INDENT_2) + b"\n"


@dataclass(frozen=True, slots=True)
class _Peer:
    """How an ACE names the other end: a DNS name or an ietf-mud:mud match."""

    dns_name: str | None = None
    mud_match: Json | None = None


def generate_mud(
    model: ThreatModel,
    *,
    device: str,
    mud_url: str,
    systeminfo: str | None = None,
    last_update: datetime | None = None,
    cache_validity: int = 48,
    mfg_name: str | None = None,
    model_name: str | None = None,
    controllers: Mapping[str, str] | None = None,
    ipv6: bool = False,
) -> MudResult:
    """Build the MUD file for element ``device`` of ``model``.

    ``controllers`` maps peer element ids to controller class URIs and overrides the element's
    ``mud_controller`` attribute. ``last_update`` is required (never "now", so output is
    reproducible) and must carry a time zone.
    """
    dev = _element(model, device)
    when = _check_args(mud_url, last_update, cache_validity)
    families = ("v4", "v6") if ipv6 else ("v4",)
    aces, skipped = _device_aces(model, device, families, controllers or {})
    head = _mud_head(
        dev,
        mud_url=mud_url,
        systeminfo=systeminfo,
        last_update=when,
        cache_validity=cache_validity,
        mfg_name=mfg_name,
        model_name=model_name,
    )
    acls: list[Json] = []
    for policy, direction in (("from-device-policy", "fr"), ("to-device-policy", "to")):
        names = [_name(f"mud-{device}-{fam}", suffix=direction) for fam in families]
        head[policy] = {"access-lists": {"access-list": [{"name": n} for n in names]}}
    for fam in families:
        acl_type = "ipv4-acl-type" if fam == "v4" else "ipv6-acl-type"
        for direction in ("fr", "to"):
            name = _name(f"mud-{device}-{fam}", suffix=direction)
            acls.append({"name": name, "type": acl_type, "aces": {"ace": aces[fam, direction]}})
    doc = {"ietf-mud:mud": head, "ietf-access-control-list:acls": {"acl": acls}}
    return MudResult(document=doc, skipped=skipped)


def _device_aces(
    model: ThreatModel, device: str, families: tuple[str, ...], controllers: Mapping[str, str]
) -> tuple[dict[tuple[str, str], list[Json]], tuple[str, ...]]:
    """ACEs by (family, "fr"|"to"), in flow-id order, and the device flows left out."""
    elements = {e.id: e for e in model.elements}
    aces: dict[tuple[str, str], list[Json]] = {(f, d): [] for f in families for d in ("fr", "to")}
    skipped: list[str] = []
    for flow in sorted(model.flows, key=lambda f: f.id):
        if device not in (flow.source, flow.target):
            continue
        peer_id = flow.target if flow.source == device else flow.source
        reason = _skip_reason(flow, peer_id, elements, controllers)
        if reason:
            skipped.append(f"{flow.id}: {reason}")
            continue
        peer = _peer(elements[peer_id], controllers.get(peer_id))
        for fam in families:
            aces[fam, "fr"].append(_ace(flow, peer, device, fam, from_device=True))
            aces[fam, "to"].append(_ace(flow, peer, device, fam, from_device=False))
    return aces, tuple(skipped)


def _element(model: ThreatModel, element_id: str) -> Element:
    for element in model.elements:
        if element.id == element_id:
            return element
    raise UsageError(
        f"no element {element_id!r} in threat model {model.id!r}",
        hint="pass the id of the device element the MUD file describes",
    )


def _check_args(mud_url: str, last_update: datetime | None, cache_validity: int) -> datetime:
    url = urlsplit(mud_url)
    if url.scheme != "https" or not url.hostname:
        raise UsageError(f"MUD URL {mud_url!r} is not an https URL", hint="RFC 8520 §1.5")
    if last_update is None or last_update.tzinfo is None:
        raise UsageError(
            "last_update must be a datetime with a time zone",
            hint="pass the release date so the MUD file is reproducible",
        )
    if not 1 <= cache_validity <= 168:
        raise UsageError(f"cache-validity {cache_validity} is outside 1..168 hours")
    return last_update


def _skip_reason(
    flow: DataFlow, peer_id: str, elements: Mapping[str, Element], controllers: Mapping[str, str]
) -> str | None:
    if flow.transport not in PROTOCOLS:
        return f"transport {flow.transport!r} is not IP (tcp/udp); MUD cannot express it"
    peer = elements.get(peer_id)
    if peer is None:
        return f"peer element {peer_id!r} is not in the model"
    attrs = dict(peer.attributes)
    if peer_id in controllers or any(
        k in attrs for k in ("dns_name", "mud_controller", "mud_abstraction")
    ):
        return None
    return f"peer {peer_id!r} has no dns_name, mud_controller or mud_abstraction attribute"


def _peer(element: Element, controller: str | None) -> _Peer:
    attrs = dict(element.attributes)
    uri = controller or attrs.get("mud_controller")
    if uri is not None:
        return _Peer(mud_match={"controller": str(uri)})
    abstraction = attrs.get("mud_abstraction")
    if abstraction is not None:
        if abstraction not in ABSTRACTIONS:
            raise UsageError(
                f"element {element.id!r}: mud_abstraction {abstraction!r} is not one of "
                + ", ".join(ABSTRACTIONS)
            )
        return _Peer(mud_match={str(abstraction): [None]})  # YANG `empty` is [null] in JSON
    name = str(attrs["dns_name"])
    if not is_host(name):
        raise UsageError(f"element {element.id!r}: dns_name {name!r} is not a valid host name")
    return _Peer(dns_name=name)


def _ace(flow: DataFlow, peer: _Peer, device: str, fam: str, *, from_device: bool) -> Json:
    """One ACE; ``from_device`` picks the ACL (packets leaving the device or arriving)."""
    initiated_by_device = flow.source == device
    ip: Json = {"protocol": PROTOCOLS[flow.transport]}
    if peer.dns_name is not None:
        ip["ietf-acldns:dst-dnsname" if from_device else "ietf-acldns:src-dnsname"] = peer.dns_name
    transport: Json = {}
    if flow.transport == "tcp":
        transport["ietf-mud:direction-initiated"] = (
            "from-device" if initiated_by_device else "to-device"
        )
    if flow.port is not None:
        # the service port sits on the side that accepts the connection
        service_is_remote = initiated_by_device
        on_destination = service_is_remote == from_device
        side = "destination-port" if on_destination else "source-port"
        transport[side] = {"operator": "eq", "port": flow.port}
    matches: Json = {}
    if peer.mud_match is not None:
        matches["ietf-mud:mud"] = peer.mud_match
    matches["ipv4" if fam == "v4" else "ipv6"] = ip
    if transport:
        matches[flow.transport] = transport
    suffix = ("-v6" if fam == "v6" else "-") + ("frdev" if from_device else "todev")
    name = _name(flow.id, suffix=suffix)
    return {"name": name, "matches": matches, "actions": {"forwarding": "accept"}}


def _mud_head(
    dev: Element,
    *,
    mud_url: str,
    systeminfo: str | None,
    last_update: datetime,
    cache_validity: int,
    mfg_name: str | None,
    model_name: str | None,
) -> Json:
    """The ietf-mud:mud leaves in YANG order (RFC 8520 §2.1)."""
    head: Json = {
        "mud-version": 1,
        "mud-url": mud_url,
        "last-update": last_update.isoformat(timespec="seconds"),
        "cache-validity": cache_validity,
        "is-supported": True,
        "systeminfo": (systeminfo or dev.name)[:60],  # RFC 8520: systeminfo is 1..60 chars
    }
    if mfg_name:
        head["mfg-name"] = mfg_name
    if model_name:
        head["model-name"] = model_name
    return head


def _name(base: str, *, suffix: str = "") -> str:
    """A name within the 64-character limit; long ones keep a stable hash of the full text."""
    full = base + suffix
    if len(full) <= _NAME_MAX:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:8]
    return base[: _NAME_MAX - len(suffix) - 9] + "-" + digest + suffix
