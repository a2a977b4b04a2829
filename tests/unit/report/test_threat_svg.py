"""SVG diagrams: valid XML, escaped text, stable bytes, each view focusing the right things."""

from __future__ import annotations

from dataclasses import replace

import pytest
from lxml import etree
from threat_support import hostile, sample_analysis, shuffled

from hemostat.domain.threat import DataFlow, Element, ElementKind, ThreatModel, TrustBoundary
from hemostat.errors import UsageError
from hemostat.report.threat_layout import Rect, layout, ranks
from hemostat.report.threat_registry import render_view, views
from hemostat.report.threat_shapes import INSECURE, SECURE
from snapshot_util import assert_snapshot

SVG = "{http://www.w3.org/2000/svg}"


def _tree(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _group(root: etree._Element, cls: str, ident: str) -> etree._Element:
    found = root.findall(f".//{SVG}g[@class='{cls}'][@data-id='{ident}']")
    assert len(found) == 1, (cls, ident)
    return found[0]


def _dimmed(root: etree._Element, cls: str, ident: str) -> bool:
    return _group(root, cls, ident).get("opacity") is not None


@pytest.mark.parametrize("view", views())
def test_view_matches_snapshot_and_is_valid_svg(view: str) -> None:
    data = render_view(view, sample_analysis())
    assert_snapshot(f"threat/{view}.svg", data)
    root = _tree(data)
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width", "0")) > 700


@pytest.mark.parametrize("view", views())
def test_view_bytes_do_not_depend_on_input_order(view: str) -> None:
    expected = render_view(view, sample_analysis())
    for seed in (1, 2, 3):
        assert render_view(view, shuffled(sample_analysis(), seed)) == expected


@pytest.mark.parametrize("view", views())
def test_hostile_names_are_escaped_not_executed(view: str) -> None:
    data = render_view(view, hostile(sample_analysis()))
    root = _tree(data)  # control characters were dropped, or this would not parse
    assert not root.findall(f".//{SVG}script") and not root.findall(".//script")
    assert b"<script>" not in data and b"<b>" not in data
    texts = "".join(root.itertext())
    assert "<script>alert(1)</script>" in texts or "<script>alert(1)</" in texts


def test_insecure_flows_are_red_and_dashed_secure_flows_are_not() -> None:
    root = _tree(render_view("dfd", sample_analysis()))

    def line(flow: str) -> etree._Element:
        paths = _group(root, "flow", flow).findall(f"{SVG}path")
        return paths[-1]

    assert line("pump-to-ehr").get("stroke") == INSECURE
    assert line("pump-to-ehr").get("stroke-dasharray")
    assert line("update-to-druglib").get("stroke") == SECURE
    assert line("update-to-druglib").get("stroke-dasharray") is None
    assert line("app-to-pump-therapy").get("marker-start")  # bidirectional
    assert line("pump-to-ehr").get("marker-start") is None


def test_dfd_badges_count_open_and_total_threats() -> None:
    root = _tree(render_view("dfd", sample_analysis()))
    pump = "".join(_group(root, "element", "pump").itertext())
    assert "0/2" in pump  # MD-R-001 on the pump, MD-E-002 on its service port: none open
    assert "1/1" in "".join(_group(root, "flow", "pump-to-ehr").itertext())
    assert "1/1" in "".join(_group(root, "element", "drug-library-server").itertext())


def test_global_view_lists_every_interface_including_disabled_ones() -> None:
    root = _tree(render_view("global_system", sample_analysis()))
    chips = {g.get("data-id"): g for g in root.findall(f".//{SVG}g[@class='interface']")}
    assert set(chips) == {i.id for i in sample_analysis().model.interfaces}
    usb = chips["pump-usb"].find(f"{SVG}rect")
    assert usb is not None and usb.get("stroke-dasharray")
    assert not root.findall(f".//{SVG}g[@class='badge']")


def test_multi_patient_view_focuses_central_servers_and_their_fan_out() -> None:
    root = _tree(render_view("multi_patient_harm", sample_analysis()))
    for element in ("drug-library-server", "update-server", "pump"):
        assert not _dimmed(root, "element", element)
    for flow in ("druglib-to-pump", "druglib-fw-to-pump", "update-to-druglib"):
        assert not _dimmed(root, "flow", flow)
    assert _dimmed(root, "flow", "pump-to-ehr") and _dimmed(root, "element", "biomed")
    text = "".join(root.itertext())
    assert "HAZ-020 Corrupted drug library on every pump" in text


def test_multi_patient_view_without_hubs_says_why_it_does_not_apply() -> None:
    a = sample_analysis()
    model = replace(
        a.model,
        hazards=tuple(replace(h, multi_patient=False) for h in a.model.hazards),
        elements=tuple(replace(e, tags=()) for e in a.model.elements),
    )
    text = "".join(_tree(render_view("multi_patient_harm", replace(a, model=model))).itertext())
    assert "why this view does not apply" in text


def test_update_view_follows_firmware_and_flags_hops_outside_manufacturer_control() -> None:
    root = _tree(render_view("updatability_patchability", sample_analysis()))
    for flow in ("update-to-druglib", "druglib-fw-to-pump", "service-to-pump"):
        assert not _dimmed(root, "flow", flow)
    assert _dimmed(root, "flow", "druglib-to-pump")  # drug library only, no firmware
    note = "".join(_group(root, "element", "drug-library-server").itertext())
    assert "not manufacturer-controlled" in note
    assert "not manufacturer-controlled" not in "".join(_group(root, "element", "pump").itertext())
    text = "".join(root.itertext())
    assert (
        "Hemoflow update service → Drug library server [not manufacturer-controlled] → LVP-300 pump"
        in text
    )


def test_use_case_view_defaults_to_therapy_and_alarm_flows() -> None:
    root = _tree(render_view("security_use_case", sample_analysis()))
    for flow in ("app-to-pump-therapy", "pump-to-app-alarm", "clinician-to-pump"):
        assert not _dimmed(root, "flow", flow)
    assert _dimmed(root, "flow", "pump-to-ehr") and _dimmed(root, "element", "ehr")


def test_use_case_view_takes_a_selection_of_elements_and_flows() -> None:
    data = render_view("security_use_case", sample_analysis(), frozenset({"pump-to-ehr"}))
    root = _tree(data)
    assert not _dimmed(root, "flow", "pump-to-ehr") and not _dimmed(root, "element", "ehr")
    assert _dimmed(root, "flow", "app-to-pump-therapy")


@pytest.mark.parametrize(
    ("view", "selection"),
    [("security_use_case", frozenset({"no-such-flow"})), ("dfd", frozenset({"pump"}))],
)
def test_bad_selection_is_a_usage_error(view: str, selection: frozenset[str]) -> None:
    with pytest.raises(UsageError):
        render_view(view, sample_analysis(), selection)


def test_unknown_view_is_a_usage_error_naming_the_views() -> None:
    with pytest.raises(UsageError) as info:
        render_view("attack_tree", sample_analysis())
    assert info.value.hint is not None and "multi_patient_harm" in info.value.hint


def _inside(inner: Rect, outer: Rect) -> bool:
    return (
        outer.x <= inner.x
        and outer.y <= inner.y
        and inner.x + inner.w <= outer.x + outer.w
        and inner.y + inner.h <= outer.y + outer.h
    )


def test_layout_nests_boundaries_and_keeps_elements_apart() -> None:
    model = sample_analysis().model
    geo = layout(model, {})
    boxes = {c.id: c.rect for c in geo.clusters}
    assert set(boxes) == {b.id for b in model.boundaries}
    for e in model.elements:
        assert e.boundary is not None and _inside(geo.nodes[e.id], boxes[e.boundary])
    for b in model.boundaries:
        if b.parent:
            assert _inside(boxes[b.id], boxes[b.parent])
    rects = sorted(geo.nodes.items())
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1 :]:
            assert not ra.hits(rb), (a, b)
    siblings = [boxes[b.id] for b in model.boundaries if not b.parent]
    for i, ra in enumerate(siblings):
        for rb in siblings[i + 1 :]:
            assert not ra.hits(rb)


def test_flows_run_left_to_right_along_their_ranks() -> None:
    rank = ranks(sample_analysis().model)
    assert rank["update-server"] < rank["drug-library-server"] < rank["pump"] < rank["ehr"]
    assert rank["clinician"] == rank["pump"] - 1  # a pure source sits next to its consumer


def test_ranking_a_very_long_chain_needs_no_recursion() -> None:
    n = 5000
    elements = tuple(Element(f"e{i:05}", ElementKind.SOFTWARE, f"E{i}") for i in range(n))
    flows = tuple(DataFlow(f"f{i}", f"e{i:05}", f"e{i + 1:05}") for i in range(n - 1))
    rank = ranks(ThreatModel("m", "M", "1", elements=elements, flows=flows))
    assert rank["e04999"] == n - 1


def test_boundary_parent_cycles_and_dangling_references_still_render() -> None:
    model = ThreatModel(
        "m",
        "M",
        "1",
        boundaries=(TrustBoundary("a", "A", parent="b"), TrustBoundary("b", "B", parent="a")),
        elements=(Element("x", ElementKind.DEVICE, "X", boundary="a"),),
        flows=(DataFlow("f", "x", "ghost"), DataFlow("g", "x", "x")),
    )
    a = replace(sample_analysis(), model=model, threats=())
    for view in views():
        _tree(render_view(view, a))


def test_an_empty_model_renders() -> None:
    a = replace(sample_analysis(), model=ThreatModel("m", "Empty", "0"), threats=())
    for view in views():
        assert _tree(render_view(view, a)).tag == f"{SVG}svg"
