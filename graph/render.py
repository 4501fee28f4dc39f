"""Render: the entity graph as a PNG (networkx layout, matplotlib drawing), whole or around one entity.

matplotlib is imported inside the drawing functions only, so importing this module (and running
``treatykg --help``) stays fast.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from .errors import QueryError, UnknownEntityError
from .namespaces import TKG, fold

CLASSES = ("Person", "State", "Organization", "Place", "Treaty", "Article")
COLOURS = {"Person": "#4e79a7", "State": "#e15759", "Organization": "#f28e2b", "Place": "#59a14f",
           "Treaty": "#b07aa1", "Article": "#d4a90a"}
# Entity-to-entity relations drawn as edges; articleOf is left out, being the inverse of hasArticle.
RELATIONS = ("signed", "ratified", "partyTo", "hasArticle", "invokes", "references", "replaces",
             "affiliatedWith", "metWith", "visited", "acceded", "suspended", "withdrewFrom")
SYMMETRIC = {"metWith"}

_NODES = """
SELECT ?x ?cls ?label WHERE {
  VALUES ?c { tkg:Person tkg:State tkg:Organization tkg:Place tkg:Treaty tkg:Article }
  ?x a ?c ; skos:prefLabel ?label .
  BIND(STRAFTER(STR(?c), "#") AS ?cls)
} ORDER BY ?x ?cls ?label"""
_ALIASES = "SELECT DISTINCT ?x ?alt WHERE { ?x skos:altLabel ?alt }"
_EDGES = "SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o . FILTER(isIRI(?o)) }}"


@dataclass
class RenderResult:
    """What was drawn: node and edge counts, whether the graph was cut to ``max_nodes``, and a note."""

    nodes: int
    edges: int
    capped: bool = False
    message: str = ""
    path: Path | None = None


# --------------------------------------------------------------------------- the graph


def check_relations(relations: Sequence[str] | None) -> list[str]:
    """Relation local names to draw (all when none are given); ``tkg:`` prefix and case are ignored."""
    if not relations:
        return list(RELATIONS)
    known = {r.lower(): r for r in RELATIONS}
    out: list[str] = []
    for name in relations:
        rel = known.get(name.strip().removeprefix("tkg:").lower())
        if rel is None:
            raise QueryError(f"unknown relation {name!r}; valid relations: {', '.join(RELATIONS)}")
        if rel not in out:
            out.append(rel)
    return out


def entity_graph(store, relations: Sequence[str] | None = None) -> nx.MultiDiGraph:
    """Entities as nodes (``label``, ``cls``, ``aliases`` joined by "|"), relations as edges."""
    rels = check_relations(relations)
    g = nx.MultiDiGraph()
    for sol in store.query(_NODES):
        node = sol["x"].value
        if node not in g:  # an entity typed or labelled twice keeps its first (sorted) class and label
            g.add_node(node, label=sol["label"].value, cls=sol["cls"].value, aliases="")
    for sol in store.query(_ALIASES):
        node = sol["x"].value
        if node in g:
            g.nodes[node]["aliases"] = "|".join(filter(None, [g.nodes[node]["aliases"], sol["alt"].value]))
    edges = sorted({(sol["s"].value, sol["p"].value[len(TKG):], sol["o"].value)
                    for sol in store.query(_EDGES.format(values=" ".join(f"tkg:{r}" for r in rels)))})
    for s, rel, o in edges:
        if s in g and o in g and s != o:
            g.add_edge(s, o, key=rel, relation=rel)
    return g


def name_key(text: str) -> str:
    """Matching key of a name: quotes and dashes folded, hyphens as spaces, lower case, no leading "the"."""
    t = fold(text).lower().replace("-", " ")
    t = re.sub(r"[^\w\s]", "", t)
    t = re.sub(r"\s+", " ", t).strip()
    return t.removeprefix("the ").strip()


def find_entity(g: nx.MultiDiGraph, name: str, classes: Sequence[str] | None = None) -> str:
    """The node a name refers to: its prefLabel or any altLabel, case, quotes, dashes and "the" ignored.

    Several matches: an exact prefLabel wins over an alias, a Person or State over other classes, then
    the entity with more relations. A surname alone ("Putin") finds a person when nothing else does.
    """
    want = name_key(name)
    candidates = [(n, d) for n, d in g.nodes(data=True) if classes is None or d["cls"] in classes]
    found = [n for n, d in candidates
             if want and (name_key(d["label"]) == want
                          or want in {name_key(a) for a in d["aliases"].split("|") if a})]
    if not found and want:
        found = [n for n, d in candidates
                 if d["cls"] == "Person" and name_key(d["label"]).split()[-1:] == want.split()]
    if not found:
        what = "treaty" if classes and set(classes) == {"Treaty"} else "entity"
        raise UnknownEntityError(f"no {what} named {name!r}")
    rank = {"Person": 0, "State": 1}

    def preference(n: str) -> tuple:
        label = g.nodes[n]["label"]
        return (fold(label) != fold(name).strip(), name_key(label) != want, rank.get(g.nodes[n]["cls"], 2),
                -g.degree(n), n)

    return min(found, key=preference)


def select(g: nx.MultiDiGraph, focus: str | None = None, depth: int = 1,
           max_nodes: int = 150) -> tuple[nx.MultiDiGraph, str | None, bool, str]:
    """The subgraph to draw, its centre, whether it was capped, and a note for the user."""
    centre = None
    notes = []
    if focus:
        centre = find_entity(g, focus)
        g = _induced(g, nx.ego_graph(g.to_undirected(as_view=True), centre, radius=depth).nodes)
    else:
        # Entities without any relation say nothing in a picture of relations and crowd it.
        isolated = [n for n in g.nodes if g.degree(n) == 0]
        if isolated and len(isolated) < g.number_of_nodes():
            g.remove_nodes_from(isolated)
            noun = "entity" if len(isolated) == 1 else "entities"
            notes.append(f"{len(isolated)} {noun} without relations not drawn")
    total = g.number_of_nodes()
    capped = total > max_nodes
    if capped:
        degree = dict(g.degree())
        ranked = sorted(g.nodes, key=lambda n: (n != centre, -degree[n], g.nodes[n]["label"], n))
        g = _induced(g, ranked[:max_nodes])
        notes.insert(0, f"showing {max_nodes} of {total} nodes; use --focus/--relation/--max-nodes")
    return g, centre, capped, "; ".join(notes)


def _induced(g: nx.MultiDiGraph, nodes) -> nx.MultiDiGraph:
    """The subgraph on ``nodes``, keeping ``g``'s node order (a subgraph view would follow set order)."""
    keep = set(nodes)
    h = g.copy()
    h.remove_nodes_from([n for n in g if n not in keep])
    return h


def render(store, out: str | Path, focus: str | None = None, depth: int = 1,
           relations: Sequence[str] | None = None, max_nodes: int = 150) -> RenderResult:
    """Draw the entity graph (or the part within ``depth`` hops of ``focus``) to a PNG file.

    Raises QueryError for an unknown relation name and UnknownEntityError for an unknown focus.
    """
    if depth < 0:
        raise QueryError("depth must be 0 or more")
    if max_nodes < 1:
        raise QueryError("max_nodes must be at least 1")
    rels = check_relations(relations)
    g, centre, capped, note = select(entity_graph(store, rels), focus, depth, max_nodes)
    out = Path(out)
    draw(g, out, title=_title(g, centre, depth, relations and rels), note=note, centre=centre)
    if g.number_of_nodes() == 0:
        note = note or "no entities to draw"
    return RenderResult(g.number_of_nodes(), g.number_of_edges(), capped, note, out)


def _title(g: nx.MultiDiGraph, centre: str | None, depth: int, relations: Sequence[str] | None) -> str:
    what = (f"Around {g.nodes[centre]['label']} ({depth} hop{'s' if depth != 1 else ''})" if centre
            else "treatykg entity graph")
    rel = f"  ·  relations: {', '.join(relations)}" if relations else ""
    return f"{what}{rel}  ·  {g.number_of_nodes()} entities, {g.number_of_edges()} relations"


# --------------------------------------------------------------------------- drawing

EDGE_LEN = 0.9  # inches between neighbours, plus room for their labels
STRESS_MAX = 600  # larger components get the spring layout only (stress needs n² memory)
MARGIN = 0.5  # inches around the drawing
HEADER = 0.8  # inches above it for the title and legend


def _font(n: int) -> float:
    return 8.5 if n <= 40 else 7.5 if n <= 100 else 7.0


def short_label(label: str, width: int = 22, lines: int = 2) -> str:
    """A label wrapped at ``width`` characters, at most ``lines`` lines, cut with an ellipsis."""
    wrapped = textwrap.wrap(label, width) or [label]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def _node_size(degree: int) -> float:
    """Marker area in points² (networkx's unit): grows with degree, within bounds."""
    return 110.0 + 45.0 * min(degree, 12)


def _boxes(g: nx.Graph, labels: dict, font: float) -> dict:
    """Per node, (width, height, dy, diameter) in inches: the box of marker and label, centred dy below."""
    boxes = {}
    degree = dict(g.degree())
    for n in g.nodes:
        lines = labels[n].split("\n")
        diameter = math.sqrt(_node_size(degree[n])) / 72
        text_w = max(len(line) for line in lines) * font * 0.56 / 72 + 0.08
        text_h = len(lines) * font * 1.25 / 72 + 0.05
        w = max(text_w, diameter)
        h = diameter + text_h
        boxes[n] = (w, h, diameter / 2 - h / 2, diameter)  # box centre sits below the node centre
    return boxes


def _spread(pos: np.ndarray, boxes: np.ndarray, edges: list[tuple[int, int]], gap: float = 0.07,
            rounds: int = 300) -> np.ndarray:
    """Move nodes until no two label boxes overlap and no edge runs across another node's marker.

    ``pos`` are node centres, ``boxes`` rows of (width, height, dy, diameter): the box of marker and label,
    centred ``dy`` below the node. Overlapping boxes move apart along the axis that needs the smaller move.
    """
    n = len(pos)
    if n < 2:
        return pos
    pos = pos.copy()
    w, h, dy = boxes[:, 0], boxes[:, 1], boxes[:, 2]
    need_x = (w[:, None] + w[None, :]) / 2 + gap
    need_y = (h[:, None] + h[None, :]) / 2 + gap
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    tie = np.linspace(-1e-3, 1e-3, n)  # coincident boxes separate the same way every run
    ea = np.array([e[0] for e in edges], dtype=int)
    eb = np.array([e[1] for e in edges], dtype=int)
    # Edges must keep clear of two probes per node: its marker and the middle of its label below it.
    diameter = boxes[:, 3]
    text_h = h - diameter
    drop = (diameter + text_h) / 2
    clear_m, clear_l = (diameter / 2 + 0.06)[:, None], (text_h / 2 + 0.03)[:, None]
    others = np.ones((n, len(edges)), dtype=bool)  # an edge's own ends are exempt
    if len(edges):
        others[ea, np.arange(len(edges))] = False
        others[eb, np.arange(len(edges))] = False
    for _ in range(rounds):
        move = np.zeros_like(pos)
        cx, cy = pos[:, 0] + tie, pos[:, 1] + dy
        dx = cx[:, None] - cx[None, :]
        dyy = cy[:, None] - cy[None, :]
        ox = need_x - np.abs(dx)
        oy = need_y - np.abs(dyy)
        hit = (ox > 0) & (oy > 0) & upper
        i, j = np.nonzero(hit)
        if len(i):
            horizontal = ox[i, j] * 0.6 < oy[i, j]  # wide labels: sideways is usually the smaller move
            sx = np.where(dx[i, j] >= 0, 1.0, -1.0)
            sy = np.where(dyy[i, j] >= 0, 1.0, -1.0)
            step_x = np.where(horizontal, ox[i, j] / 2 * sx, 0.0)
            step_y = np.where(horizontal, 0.0, oy[i, j] / 2 * sy)
            np.add.at(move, (i, 0), step_x)
            np.add.at(move, (j, 0), -step_x)
            np.add.at(move, (i, 1), step_y)
            np.add.at(move, (j, 1), -step_y)
        crossed = 0
        if len(edges):
            start, ab = pos[ea], pos[eb] - pos[ea]
            length = np.maximum(np.linalg.norm(ab, axis=1), 1e-9)
            along, normal = ab / length[:, None], np.stack([-ab[:, 1], ab[:, 0]], axis=1) / length[:, None]
            rel_m = pos[:, None, :] - start[None]  # node x edge x 2
            rel_l = rel_m - np.array([0.0, 1.0]) * drop[:, None, None]
            t_m = (rel_m * along[None]).sum(2) / length[None]
            t_l = (rel_l * along[None]).sum(2) / length[None]
            s_m = (rel_m * normal[None]).sum(2)  # signed distances from the edge's line
            s_l = (rel_l * normal[None]).sum(2)
            in_m, in_l = (t_m > 0) & (t_m < 1), (t_l > 0) & (t_l < 1)
            hit_edge = others & ((in_m & (np.abs(s_m) < clear_m)) | (in_l & (np.abs(s_l) < clear_l)))
            ni, ej = np.nonzero(hit_edge)
            crossed = len(ni)
            if crossed:
                # Marker and label go to the same side of the edge, whichever is nearer: pushing each
                # probe away on its own side would cancel out when the edge runs between them.
                zero = np.zeros(crossed)
                up = np.maximum.reduce([zero, np.where(in_m[ni, ej], clear_m[ni, 0] - s_m[ni, ej], 0.0),
                                        np.where(in_l[ni, ej], clear_l[ni, 0] - s_l[ni, ej], 0.0)])
                down = np.maximum.reduce([zero, np.where(in_m[ni, ej], clear_m[ni, 0] + s_m[ni, ej], 0.0),
                                          np.where(in_l[ni, ej], clear_l[ni, 0] + s_l[ni, ej], 0.0)])
                amount = np.where(up <= down, up, -down)
                np.add.at(move, ni, normal[ej] * amount[:, None])
        if not len(i) and not crossed:
            break
        pos += move * 0.55
    return pos


def _shortest_paths(n: int, pairs: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """All-pairs shortest path lengths (Floyd-Warshall, one vectorised step per node)."""
    dist = np.full((n, n), np.inf)
    np.fill_diagonal(dist, 0.0)
    if len(pairs):
        np.minimum.at(dist, (pairs[:, 0], pairs[:, 1]), lengths)
        np.minimum.at(dist, (pairs[:, 1], pairs[:, 0]), lengths)
    for k in range(n):
        np.minimum(dist, dist[:, k, None] + dist[None, k, :], out=dist)
    return dist


def _classical_mds(dist: np.ndarray) -> np.ndarray:
    """Positions whose distances best match ``dist`` in the least-squares sense of Torgerson's classical
    scaling: a deterministic start for stress majorization, better than a random or spring one."""
    n = len(dist)
    sq = dist ** 2
    centred = -0.5 * (sq - sq.mean(0)[None, :] - sq.mean(1)[:, None] + sq.mean())
    values, vectors = np.linalg.eigh(centred)
    x = vectors[:, [-1, -2]] * np.sqrt(np.maximum(values[[-1, -2]], 0.0))
    # An eigenvector's sign is arbitrary: pick the one that makes its largest entry positive.
    signs = np.sign(x[np.abs(x).argmax(0), [0, 1]])
    x *= np.where(signs == 0, 1.0, signs)
    # A small fixed nudge, so that a start on a line (two eigenvalues alike or zero) can still unfold.
    scale = max(float(dist.max()), 1e-6)
    return x + 1e-3 * scale * np.random.default_rng(7).standard_normal((n, 2))


def _stress(dist: np.ndarray, start: np.ndarray, rounds: int = 200, tol: float = 2e-3) -> np.ndarray:
    """Stress majorization (SMACOF), the energy Kamada-Kawai minimises: distances in the drawing
    follow the lengths of shortest paths, which spreads nodes more evenly than a spring layout."""
    n = len(dist)
    mask = ~np.eye(n, dtype=bool)
    weight = np.zeros_like(dist)
    weight[mask] = dist[mask] ** -2.0
    lap = np.diag(weight.sum(1)) - weight
    # The Laplacian is singular (moving every node alike changes nothing); adding 1/n to every entry makes
    # it invertible and gives the pseudo-inverse's answer on centred right-hand sides, as B(x) x is.
    lap_inv = np.linalg.inv(lap + 1.0 / n)
    target = weight * dist
    x = start - start.mean(0)
    diagonal = np.diag_indices(n)
    for _ in range(rounds):
        diff = x[:, None, :] - x[None, :, :]
        now = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
        b = -target / np.maximum(now, 1e-9)
        b[diagonal] = 0.0
        b[diagonal] = -b.sum(1)
        new = lap_inv @ (b @ x)
        if np.abs(new - x).max() < tol:
            return new
        x = new
    return x


def _component_layout(g: nx.Graph, nodes: list[str], boxes: dict, edge_text: dict) -> dict:
    """Positions in inches of one connected component, labels not overlapping.

    ``edge_text`` holds, per node pair, the width in inches of the longest relation name on its edges.
    """
    if len(nodes) == 1:
        return {nodes[0]: np.zeros(2)}
    # Sorted nodes and edges: a subgraph view iterates a set, whose order changes from run to run.
    order = sorted(nodes)
    index = {x: i for i, x in enumerate(order)}
    pairs = sorted((min(u, v), max(u, v)) for u, v in g.subgraph(nodes).edges())
    edges = np.array([(index[u], index[v]) for u, v in pairs], dtype=int).reshape(-1, 2)
    if len(nodes) <= STRESS_MAX:
        # Wide labels ask for long edges: each edge is as long as the room its two labels need.
        degree = np.bincount(edges.ravel(), minlength=len(order))
        width = np.array([boxes[n][0] for n in order])
        # A hub's neighbours sit on a ring around it, which must be long enough for all their labels.
        ring = 0.045 * np.minimum(np.maximum(degree[edges[:, 0]], degree[edges[:, 1]]), 30)
        text = np.array([edge_text.get(frozenset(p), 0.0) for p in pairs])
        room = 0.3 * (width[edges[:, 0]] + width[edges[:, 1]]) + 0.4 * text
        dist = _shortest_paths(len(order), edges, EDGE_LEN + room + ring)
        # Classical scaling for a start, then stress majorization to refine it.
        x = _stress(dist, _classical_mds(dist))
    else:
        sub = nx.Graph()
        sub.add_nodes_from(order)
        sub.add_edges_from(pairs)
        raw = nx.spring_layout(sub, seed=7, iterations=100)
        x = np.array([raw[n] for n in order], dtype=float)
        now = np.linalg.norm(x[edges[:, 0]] - x[edges[:, 1]], axis=1)
        x *= EDGE_LEN * 1.5 / max(float(np.median(now)), 1e-6)
    x = _spread(x, np.array([boxes[n] for n in order]), [tuple(e) for e in edges.tolist()])
    return {n: x[index[n]] for n in order}


def _pack(sizes: list[tuple[float, float]], gap: float = 0.4, cell: float = 0.1) -> list[tuple[float, float]]:
    """Top-left corners (x right, y down, inches) that pack boxes (w, h), given largest first.

    Skyline packing: each box goes where it can sit highest (then leftmost), so small components fill
    the room beside a big one instead of starting a new row below it.
    """
    area = sum((w + gap) * (h + gap) for w, h in sizes)
    strip = max(max(w for w, _ in sizes) + gap, math.sqrt(area * 1.6))  # a little wider than tall
    cols = math.ceil(strip / cell)
    sky = np.zeros(cols)
    corners = []
    for w, h in sizes:
        span = min(cols, math.ceil((w + gap) / cell))
        tops = np.lib.stride_tricks.sliding_window_view(sky, span).max(axis=1)
        x = int(np.argmin(tops))
        y = float(tops[x])
        sky[x:x + span] = y + h + gap
        corners.append((x * cell, y))
    return corners


def layout(g: nx.MultiDiGraph, labels: dict, font: float) -> tuple[dict, float, float]:
    """Positions in inches for every node, and the drawing's width and height.

    Each connected component is laid out on its own (spring layout with a fixed seed, refined by
    stress majorization: the same graph gives the same picture), its labels pushed apart, then the
    components are packed, largest first. One layout for all would push small components to the
    margins and squeeze the big one.
    """
    und = nx.Graph(g.to_undirected())
    boxes = _boxes(und, labels, font)
    edge_text: dict[frozenset, float] = {}
    for u, v, text, _ in _edge_groups(g):
        pair = frozenset((u, v))
        edge_text[pair] = max(edge_text.get(pair, 0.0), len(text) * (font - 1.5) * 0.56 / 72)
    comps = sorted((sorted(c) for c in nx.connected_components(und)), key=lambda c: (-len(c), c[0]))
    placed = []
    for comp in comps:
        local = _component_layout(und, comp, boxes, edge_text)
        x0 = min(local[n][0] - boxes[n][0] / 2 for n in comp)
        x1 = max(local[n][0] + boxes[n][0] / 2 for n in comp)
        y0 = min(local[n][1] + boxes[n][2] - boxes[n][1] / 2 for n in comp)
        y1 = max(local[n][1] + boxes[n][2] + boxes[n][1] / 2 for n in comp)
        placed.append((comp, local, x0, y1, x1 - x0, y1 - y0))
    corners = _pack([(w, h) for *_, w, h in placed])
    width = max(cx + w for (cx, _), (*_, w, _) in zip(corners, placed, strict=True))
    height = max(cy + h for (_, cy), (*_, h) in zip(corners, placed, strict=True))
    pos: dict = {}
    for (cx, cy), (comp, local, x0, top, _, _) in zip(corners, placed, strict=True):
        for n in comp:
            # Packing counts y downwards from the top; the drawing counts it upwards from the bottom.
            pos[n] = (local[n][0] - x0 + cx, height - cy - (top - local[n][1]))
    return pos, width, height


def _edge_groups(g: nx.MultiDiGraph) -> list[tuple[str, str, str, str]]:
    """Edges to draw: (u, v, label, style), one arrow per direction of a node pair, relations joined.

    A symmetric relation (metWith) is one double-headed arrow whichever way it was stated; when a pair
    has more than one arrow, the one-way ones are curved so that their labels do not sit on each other.
    """
    by_pair: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    for u, v, d in g.edges(data=True):
        a, b = min(u, v), max(u, v)
        by_pair.setdefault((a, b), (set(), set()))[0 if u == a else 1].add(d["relation"])
    out = []
    for (a, b), (fwd, back) in sorted(by_pair.items()):
        mutual = (fwd | back) & SYMMETRIC
        fwd, back = fwd - mutual, back - mutual
        shape = "curved" if (bool(mutual) + bool(fwd) + bool(back)) > 1 else "straight"
        if mutual:
            out.append((a, b, ", ".join(sorted(mutual)), "both"))
        if fwd:
            out.append((a, b, ", ".join(sorted(fwd)), shape))
        if back:
            out.append((b, a, ", ".join(sorted(back)), shape))
    return out


def _edge_point(a: np.ndarray, b: np.ndarray, rad: float, t: float) -> tuple[np.ndarray, np.ndarray]:
    """Point at ``t`` (0 = a, 1 = b) on matplotlib's arc3 curve from a to b, and the tangent there."""
    mid = (a + b) / 2
    ctrl = mid + rad * np.array([b[1] - a[1], -(b[0] - a[0])])  # as ConnectionStyle.Arc3 bends it
    point = (1 - t) ** 2 * a + 2 * (1 - t) * t * ctrl + t ** 2 * b
    tangent = 2 * (1 - t) * (ctrl - a) + 2 * t * (b - ctrl)
    return point, tangent


def _place_edge_labels(edges: list[tuple], pos: dict, boxes: dict, degree: dict, font: float) -> list[tuple]:
    """(x, y, angle, text) for each edge label: along its edge, at the spot (near the middle, nearer the
    end with fewer edges) where it covers the fewest node labels and already placed edge labels."""
    names = list(boxes)
    centres = np.array([[pos[n][0], pos[n][1] + boxes[n][2]] for n in names])
    height = font * 1.3 / 72
    # A sample point on the label's centre line is too close to a node when the label's half height overlaps.
    halves = np.array([[boxes[n][0] / 2 + height / 2, boxes[n][1] / 2 + height / 2] for n in names])
    taken: list[np.ndarray] = []
    out = []
    # Labels of hub edges first: they compete for the least room.
    order = sorted(edges, key=lambda e: -max(degree[e[0]], degree[e[1]]))
    for u, v, text, rad in order:
        a, b = np.asarray(pos[u], dtype=float), np.asarray(pos[v], dtype=float)
        width = len(text) * (font - 1.5) * 0.56 / 72
        du, dv = degree[u], degree[v]
        base = 0.5 if max(du, dv) < 4 or abs(du - dv) < 2 else 0.6 if du > dv else 0.4
        others = np.concatenate(taken) if taken else np.zeros((0, 2))
        best = None
        # Slide along the edge first; on a short or crowded edge, try just beside it too.
        for side in (0.0, 0.7, -0.7):
            for shift in (0.0, -0.1, 0.1, -0.2, 0.2, -0.28, 0.28):
                t = min(max(base + shift, 0.2), 0.8)
                point, tangent = _edge_point(a, b, rad, t)
                direction = tangent / max(float(np.linalg.norm(tangent)), 1e-9)
                point = point + side * height * np.array([-direction[1], direction[0]])
                samples = point + np.outer(np.linspace(-0.5, 0.5, 9) * width, direction)
                inside = (np.abs(samples[:, None, :] - centres[None]) < halves[None]).all(axis=2).sum()
                crowd = (np.linalg.norm(samples[:, None, :] - others[None], axis=2) < 1.3 * height).sum()
                cost = int(inside) + int(crowd) + (0.5 if side else 0.0)
                if best is None or cost < best[0]:
                    best = (cost, point, direction, samples)
                if cost == 0:
                    break
            if best[0] < 1:
                break
        _, point, direction, samples = best
        taken.append(samples)
        angle = math.degrees(math.atan2(direction[1], direction[0]))
        if angle > 90:
            angle -= 180
        elif angle <= -90:
            angle += 180
        out.append((float(point[0]), float(point[1]), angle, text))
    return out


def _draw_edges(ax, g: nx.MultiDiGraph, pos: dict, sizes: dict, labels: dict, font: float) -> None:
    """Arrows, and their relation names placed where they hide the least."""
    styles = {"straight": ("-|>", 0.0), "curved": ("-|>", 0.2), "both": ("<|-|>", 0.0)}
    groups = _edge_groups(g)
    for style, (arrow, rad) in styles.items():
        edges = [(u, v) for u, v, _, s in groups if s == style]
        if not edges:
            continue
        simple = nx.DiGraph(edges)
        nodelist = list(simple.nodes)
        nx.draw_networkx_edges(simple, pos, ax=ax, nodelist=nodelist, node_size=[sizes[x] for x in nodelist],
                               edge_color="#8c8c8c", width=0.9, arrows=True, arrowstyle=arrow, arrowsize=9,
                               connectionstyle=f"arc3,rad={rad}", min_target_margin=2, min_source_margin=2)
    boxes = _boxes(nx.Graph(g.to_undirected()), labels, font)
    spots = _place_edge_labels([(u, v, text, styles[s][1]) for u, v, text, s in groups], pos, boxes,
                               dict(g.degree()), font)
    for x, y, angle, text in spots:
        ax.text(x, y, text, rotation=angle, rotation_mode="anchor", ha="center", va="center",
                fontsize=font - 1.5, color="#4d4d4d", zorder=1.5,  # above the edges, under the nodes
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})


def draw(g: nx.MultiDiGraph, out: str | Path, title: str, note: str = "", centre: str | None = None) -> None:
    """Draw ``g`` to a PNG: nodes coloured by class with a legend, labelled nodes and edges, arrows."""
    import matplotlib

    matplotlib.use("Agg")  # write files, never open a window (and work without a display)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    n = g.number_of_nodes()
    if n == 0:
        fig = plt.figure(figsize=(8, 5))
        fig.text(0.5, 0.92, title, ha="center", va="top", fontsize=12, fontweight="bold")
        fig.text(0.5, 0.5, "no entities", ha="center", va="center", fontsize=22, color="#666666")
        if note:
            fig.text(0.5, 0.38, note, ha="center", va="center", fontsize=10, color="#666666")
        fig.savefig(out, dpi=130)
        plt.close(fig)
        return

    font = _font(n)
    labels = {x: short_label(g.nodes[x]["label"]) for x in g.nodes}
    pos, width, height = layout(g, labels, font)
    header = HEADER + (0.3 if note else 0.0)
    fig_w = max(width + 2 * MARGIN, 9.0)
    fig_h = max(height + 2 * MARGIN + header, 5.0)
    fig = plt.figure(figsize=(fig_w, fig_h))
    # The axes map data units one to one onto inches, so the label boxes the layout measured hold.
    ax = fig.add_axes((0, 0, 1, (fig_h - header) / fig_h))
    ax.set_xlim((width - fig_w) / 2, (width + fig_w) / 2)
    ax.set_ylim((height - (fig_h - header)) / 2, (height + (fig_h - header)) / 2)
    ax.set_axis_off()

    sizes = {x: _node_size(d) for x, d in g.degree()}
    _draw_edges(ax, g, pos, sizes, labels, font)
    nodes = list(g.nodes)
    nx.draw_networkx_nodes(g, pos, ax=ax, nodelist=nodes, node_size=[sizes[x] for x in nodes],
                           node_color=[COLOURS[g.nodes[x]["cls"]] for x in nodes],
                           edgecolors=["#111111" if x == centre else "white" for x in nodes],
                           linewidths=[2.2 if x == centre else 0.8 for x in nodes])
    for x in nodes:
        radius = math.sqrt(sizes[x]) / 2
        ax.annotate(labels[x], pos[x], xytext=(0, -radius - 1), textcoords="offset points", ha="center",
                    va="top", fontsize=font, linespacing=1.05, fontweight="bold" if x == centre else "normal",
                    bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.8})

    # Title, the note (when the graph was cut), then the legend, in the band above the drawing.
    left, line = MARGIN / fig_w, 1 / fig_h
    fig.text(left, 1 - 0.2 * line, title, ha="left", va="top", fontsize=12, fontweight="bold")
    if note:
        fig.text(left, 1 - 0.5 * line, note, ha="left", va="top", fontsize=9.5, color="#a33333")
    counts = {c: sum(1 for x in nodes if g.nodes[x]["cls"] == c) for c in CLASSES}
    handles = [Line2D([0], [0], marker="o", linestyle="none", markerfacecolor=COLOURS[c],
                      markeredgecolor="white", markersize=10, label=f"{c} ({counts[c]})")
               for c in CLASSES if counts[c]]
    fig.legend(handles=handles, loc="upper left", ncol=len(handles),
               bbox_to_anchor=(left - 0.05 * line, 1 - (header - 0.4) * line), frameon=False, fontsize=9.5,
               handletextpad=0.1, columnspacing=1.2, borderaxespad=0)
    # Very large drawings get a lower resolution to keep the file manageable (Agg's limit is 2**16 px).
    dpi = min(130.0, 16000 / max(fig_w, fig_h))
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
