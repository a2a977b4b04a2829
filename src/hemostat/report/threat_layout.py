"""A deterministic layered layout for threat-model diagrams: elements, trust boundaries, flows.

Hand-written (no Graphviz binary, no young native port) because the diagrams are small and must
be byte-stable: columns are longest-path ranks along the flows, trust boundaries are horizontal
bands (nested boundaries nest as sub-bands), band order minimises the vertical span of the flows,
flows are cubic Béziers between distributed ports, and labels go to the first free spot.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from hemostat.domain.threat import DataFlow, ElementKind, ThreatModel

NODE_W, NODE_H, USER_W = 150.0, 58.0, 96.0
CHIP_H = 34.0  # room under a node for two rows of interface chips
PITCH_Y = NODE_H + CHIP_H + 26.0
PITCH_X = NODE_W + 210.0
PAD, HEAD, GAP = 14.0, 30.0, 18.0
MARGIN_X, TOP = 24.0, 8.0
_PERMUTE_MAX = 7  # brute-force band order up to 7! = 5040 orders, else keep the heuristic order
Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    def hits(self, o: Rect) -> bool:
        return (
            self.x < o.x + o.w
            and o.x < self.x + self.w
            and self.y < o.y + o.h
            and o.y < self.y + self.h
        )


@dataclass(frozen=True, slots=True)
class ClusterBox:
    id: str
    depth: int
    rect: Rect


@dataclass(frozen=True, slots=True)
class EdgePath:
    flow: str
    points: tuple[Point, Point, Point, Point]  # cubic Bézier: start, control 1, control 2, end
    label: Rect


@dataclass(frozen=True, slots=True)
class Layout:
    width: float
    height: float
    nodes: dict[str, Rect]
    clusters: tuple[ClusterBox, ...]  # outer boxes first
    edges: tuple[EdgePath, ...]


def ranks(model: ThreatModel) -> dict[str, int]:
    """Longest-path column per element; cycles are broken at DFS back edges (sorted, stable)."""
    ids = sorted(e.id for e in model.elements)
    succ: dict[str, list[str]] = {i: [] for i in ids}
    for f in model.flows:
        if f.source in succ and f.target in succ and f.source != f.target:
            succ[f.source].append(f.target)
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    dag: dict[str, list[str]] = {i: [] for i in ids}

    for root in ids:  # iterative DFS: a long chain of elements must not hit the recursion limit
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(sorted(set(succ[root]))))]
        while stack:
            n, it = stack[-1]
            m = next(it, None)
            if m is None:
                state[n] = 2
                order.append(n)
                stack.pop()
                continue
            if state.get(m) != 1:
                dag[n].append(m)
            if m not in state:
                state[m] = 1
                stack.append((m, iter(sorted(set(succ[m])))))
    rank = dict.fromkeys(ids, 0)
    for n in reversed(order):  # reverse post-order is a topological order of the DAG
        for m in dag[n]:
            rank[m] = max(rank[m], rank[n] + 1)
    has_pred = {m for n in ids for m in dag[n]}
    for n in ids:  # pull pure sources next to their first consumer
        if n not in has_pred and dag[n]:
            rank[n] = max(0, min(rank[m] for m in dag[n]) - 1)
    return rank


def layout(model: ThreatModel, label_sizes: dict[str, tuple[float, float]]) -> Layout:
    rank = ranks(model)
    narrow = {e.id for e in model.elements if e.kind == ElementKind.USER}
    known = {b.id for b in model.boundaries}
    home = {e.id: (e.boundary if e.boundary in known else "") for e in model.elements}
    parent = {
        b.id: (b.parent if b.parent in known and b.parent != b.id else "") for b in model.boundaries
    }
    _break_parent_cycles(parent)
    children: dict[str, list[str]] = defaultdict(list)
    for b in sorted(parent):
        children[parent[b]].append(b)
    members: dict[str, list[str]] = defaultdict(list)
    for e in sorted(home):
        members[home[e]].append(e)
    top_of = _top_ancestor_fn(parent)
    depth = max((_depth(b, parent) for b in parent), default=0)
    weights = _band_weights(model, home, top_of)
    packer = _Packer(rank, members, children, weights, MARGIN_X + PAD * (depth + 1))
    # boundary titles are "<name> · <kind>" in 11.5 px type: about 6.6 px a character
    packer.title_w = {b.id: (len(b.name) + len(b.kind) + 3) * 6.6 + 20 for b in model.boundaries}
    packer.pack("", 0, TOP)
    nodes = {k: _narrow(r) if k in narrow else r for k, r in packer.nodes.items()}
    clusters = tuple(sorted(packer.boxes, key=lambda c: (c.depth, c.id)))
    width = max(
        [r.x + r.w for r in nodes.values()] + [c.rect.x + c.rect.w for c in clusters] + [600.0]
    )
    edges = _route(model, nodes, rank, label_sizes, clusters)
    width = max([width] + [e.label.x + e.label.w for e in edges]) + MARGIN_X
    height = max([packer.y_end] + [e.label.y + e.label.h for e in edges])
    return Layout(width, height, nodes, clusters, edges)


def _narrow(r: Rect) -> Rect:
    """Users are drawn as a stick figure: their flows attach to the figure, not the column."""
    return Rect(r.x + (NODE_W - USER_W) / 2, r.y, USER_W, r.h)


def _break_parent_cycles(parent: dict[str, str]) -> None:
    for b in sorted(parent):
        seen = {b}
        p = parent[b]
        while p:
            if p in seen:
                parent[b] = ""
                break
            seen.add(p)
            p = parent[p]


def _depth(b: str, parent: dict[str, str]) -> int:
    n = 0
    while parent[b]:
        b, n = parent[b], n + 1
    return n


def _top_ancestor_fn(parent: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for b in parent:
        a = b
        while parent[a]:
            a = parent[a]
        out[b] = a
    return out


def _band_weights(
    model: ThreatModel, home: dict[str, str], top: dict[str, str]
) -> dict[frozenset[str], int]:
    """How many flows join each pair of sibling bands (counted at every nesting level)."""
    weights: dict[frozenset[str], int] = defaultdict(int)
    for f in model.flows:
        a, b = home.get(f.source), home.get(f.target)
        if a is None or b is None or a == b:
            continue
        weights[frozenset((top.get(a, a), top.get(b, b)))] += 1
        weights[frozenset((a, b))] += 1
    return weights


class _Packer:
    """Stacks bands top to bottom; records node rectangles and cluster boxes."""

    def __init__(
        self,
        rank: dict[str, int],
        members: dict[str, list[str]],
        children: dict[str, list[str]],
        weights: dict[frozenset[str], int],
        x0: float,
    ) -> None:
        self.rank, self.members, self.children, self.weights = rank, members, children, weights
        self.x0 = x0  # left edge of column 0, leaving room for the deepest boundary padding
        self.title_w: dict[str, float] = {}
        self.nodes: dict[str, Rect] = {}
        self.boxes: list[ClusterBox] = []
        self.y_end = TOP

    def pack(self, cluster: str, depth: int, y: float) -> Rect | None:
        y0 = y
        y += HEAD if cluster else 0.0
        rows: dict[int, int] = defaultdict(int)
        for e in self.members.get(cluster, []):
            col = self.rank[e]
            self.nodes[e] = Rect(self.x0 + col * PITCH_X, y + rows[col] * PITCH_Y, NODE_W, NODE_H)
            rows[col] += 1
        y += max(rows.values(), default=0) * PITCH_Y
        own = [self.nodes[e] for e in self.members.get(cluster, [])]
        if not cluster:
            self._pack_top(own, y0)
            return None
        boxes: list[Rect] = []
        for child in self._order(self.children.get(cluster, [])):
            box = self.pack(child, depth + 1, y)
            if box is not None:
                boxes.append(box)
                y = box.y + box.h + GAP
        self.y_end = max(self.y_end, y)
        inner = [Rect(r.x, r.y, r.w, r.h + CHIP_H) for r in own] + boxes
        if not inner:  # an empty boundary still shows, one node wide
            inner = [Rect(self.x0, y, NODE_W, 0.0)]
        x0 = min(r.x for r in inner) - PAD
        x1 = max(max(r.x + r.w for r in inner) + PAD, x0 + self.title_w.get(cluster, 0.0))
        y1 = max(r.y + r.h for r in inner) + PAD
        box = Rect(x0, y0, x1 - x0, y1 - y0)
        self.boxes.append(ClusterBox(cluster, depth, box))
        self.y_end = max(self.y_end, y1)
        return box

    def _pack_top(self, own: list[Rect], top: float) -> None:
        """Top-level bands in order, each as high as the bands above its columns allow."""
        placed = [Rect(r.x, r.y, r.w, r.h + CHIP_H) for r in own]
        for child in self._order(self.children.get("", [])):
            probe = _Packer(self.rank, self.members, self.children, self.weights, self.x0)
            probe.title_w = self.title_w
            trial = probe.pack(child, 1, top)  # x extent does not depend on y
            assert trial is not None
            y = max(
                [top]
                + [
                    r.y + r.h + GAP
                    for r in placed
                    if r.x < trial.x + trial.w + GAP and trial.x < r.x + r.w + GAP
                ]
            )
            box = self.pack(child, 1, y)
            assert box is not None
            placed.append(box)
        self.y_end = max([self.y_end] + [r.y + r.h for r in placed])

    def _order(self, bands: list[str]) -> list[str]:
        """The sibling order with the least flow span; ties and large sets keep the sorted order."""
        if len(bands) < 3 or len(bands) > _PERMUTE_MAX:
            return sorted(bands)
        best, best_cost = sorted(bands), -1
        for perm in itertools.permutations(sorted(bands)):
            pos = {b: i for i, b in enumerate(perm)}
            cost = sum(
                w * abs(pos[a] - pos[b])
                for pair, w in self.weights.items()
                if len(pair) == 2 and all(p in pos for p in pair)
                for a, b in [tuple(sorted(pair))]
            )
            if best_cost < 0 or cost < best_cost:
                best, best_cost = list(perm), cost
        return best


def _route(
    model: ThreatModel,
    nodes: dict[str, Rect],
    rank: dict[str, int],
    label_sizes: dict[str, tuple[float, float]],
    clusters: tuple[ClusterBox, ...],
) -> tuple[EdgePath, ...]:
    flows = [f for f in model.flows if f.source in nodes and f.target in nodes]
    ends: dict[str, tuple[str, str]] = {f.id: _sides(f, rank) for f in flows}
    ports = _ports(flows, nodes, ends)
    obstacles = [Rect(r.x, r.y, r.w, r.h + CHIP_H) for r in nodes.values()]
    obstacles += [Rect(c.rect.x, c.rect.y, 220.0, HEAD) for c in clusters]
    out: list[EdgePath] = []
    for f in flows:
        p0, p3 = ports[(f.id, "s")], ports[(f.id, "t")]
        s_side, t_side = ends[f.id]
        bend = max(60.0, abs(p3[0] - p0[0]) / 2)
        c1 = (p0[0] + (bend if s_side == "r" else -bend), p0[1])
        c2 = (p3[0] + (bend if t_side == "r" else -bend), p3[1])
        pts = (p0, c1, c2, p3)
        label = _place_label(pts, label_sizes.get(f.id, (0.0, 0.0)), obstacles)
        obstacles.append(label)
        out.append(EdgePath(f.id, pts, label))
    return tuple(out)


def _sides(f: DataFlow, rank: dict[str, int]) -> tuple[str, str]:
    rs, rt = rank[f.source], rank[f.target]
    if rs < rt:
        return "r", "l"
    if rs > rt:
        return "l", "r"
    return "r", "r"


def _ports(
    flows: list[DataFlow], nodes: dict[str, Rect], ends: dict[str, tuple[str, str]]
) -> dict[tuple[str, str], Point]:
    """Spread the flows meeting one side of a node along it, ordered by the far end's height."""
    by_side: dict[tuple[str, str], list[tuple[float, str, str]]] = defaultdict(list)
    for f in flows:
        s, t = ends[f.id]
        by_side[(f.source, s)].append((nodes[f.target].y, f.id, "s"))
        by_side[(f.target, t)].append((nodes[f.source].y, f.id, "t"))
    out: dict[tuple[str, str], Point] = {}
    for (node, side), items in by_side.items():
        r = nodes[node]
        x = r.x + r.w if side == "r" else r.x
        step = min(12.0, (r.h - 16.0) / max(1, len(items) - 1))
        top = r.y + r.h / 2 - step * (len(items) - 1) / 2
        for i, (_, fid, end) in enumerate(sorted(items)):
            out[(fid, end)] = (x, top + i * step)
    return out


def bezier(pts: tuple[Point, Point, Point, Point], t: float) -> Point:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts
    a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
    return (a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3)


def _place_label(
    pts: tuple[Point, Point, Point, Point], size: tuple[float, float], obstacles: list[Rect]
) -> Rect:
    w, h = size
    best: Rect | None = None
    best_hits = -1
    for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78):
        cx, cy = bezier(pts, t)
        for dy in (0.0, -h / 2 - 4, h / 2 + 4):
            r = Rect(round(cx - w / 2, 1), round(cy - h / 2 + dy, 1), w, h)
            hits = sum(r.hits(o) for o in obstacles)
            if hits == 0:
                return r
            if best is None or hits < best_hits:
                best, best_hits = r, hits
    assert best is not None
    return best
