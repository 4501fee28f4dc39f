"""Render: the entity graph as a PNG, SVG or PDF (networkx graph, numpy layout, matplotlib drawing), whole
or around one entity.

matplotlib is imported inside the drawing functions only, so importing this module (and running
``treatykg --help``) stays fast. The drawing is a handful of collections (edges, arrow heads, node and
relation labels as glyph outlines) rather than an artist per edge or label: a 150-node picture takes
about a second.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from .atomic import atomic_output
from .errors import QueryError
from .names import Named, match_entity
from .namespaces import TKG

CLASSES = ("Person", "State", "Organization", "Place", "Treaty", "Article")
COLOURS = {"Person": "#4e79a7", "State": "#e15759", "Organization": "#f28e2b", "Place": "#59a14f",
           "Treaty": "#b07aa1", "Article": "#d4a90a"}
# Entity-to-entity relations drawn as edges; articleOf is left out, being the inverse of hasArticle.
RELATIONS = ("signed", "ratified", "partyTo", "hasArticle", "invokes", "references", "replaces",
             "affiliatedWith", "metWith", "visited", "acceded", "suspended", "withdrewFrom")
SYMMETRIC = {"metWith"}
# Output formats by file name extension.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".html": "html"}

_NODES = """
SELECT ?x ?cls ?label WHERE {
  VALUES ?c { tkg:Person tkg:State tkg:Organization tkg:Place tkg:Treaty tkg:Article }
  ?x a ?c ; skos:prefLabel ?label .
  BIND(STRAFTER(STR(?c), "#") AS ?cls)
} ORDER BY ?x ?cls ?label"""
_ALIASES = "SELECT DISTINCT ?x ?alt WHERE { ?x skos:altLabel ?alt }"
_ARTICLES = "SELECT DISTINCT ?x ?t WHERE { ?x a tkg:Article . { ?x tkg:articleOf ?t } UNION { ?t tkg:hasArticle ?x } }"
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
    """Entities as nodes (``label``, ``cls``, ``aliases`` joined by "|", and for an article ``treaty``, its
    treaty's shortest name), relations as edges."""
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
    for sol in store.query(_ARTICLES):
        article, treaty = sol["x"].value, sol["t"].value
        if article in g and treaty in g:
            g.nodes[article]["treaty"] = shortest_name(g.nodes[treaty])
    edges = sorted({(sol["s"].value, sol["p"].value[len(TKG):], sol["o"].value)
                    for sol in store.query(_EDGES.format(values=" ".join(f"tkg:{r}" for r in rels)))})
    for s, rel, o in edges:
        if s in g and o in g and s != o:
            g.add_edge(s, o, key=rel, relation=rel)
    return g


def shortest_name(node: dict) -> str:
    """The shortest of a node's names ("NPT" rather than the Treaty on the Non-Proliferation of ...); the
    prefLabel on a tie."""
    names = [node["label"], *sorted(a for a in node["aliases"].split("|") if a)]
    return min(names, key=len)


def find_entity(g: nx.MultiDiGraph, name: str, classes: Sequence[str] | None = None) -> str:
    """The node a name refers to, by :func:`graph.names.match_entity` (any label, case, quotes, dashes and
    "the" ignored; a surname alone finds the one person it ends the name of)."""
    what = "treaty" if classes and set(classes) == {"Treaty"} else "entity"
    entities = (Named(n, d["cls"], d["label"], tuple(a for a in d["aliases"].split("|") if a))
                for n, d in g.nodes(data=True) if classes is None or d["cls"] in classes)
    return match_entity(name, entities, g.degree, what).node


def select(g: nx.MultiDiGraph, focus: str | None = None, depth: int = 1,
           max_nodes: int = 150) -> tuple[nx.MultiDiGraph, str | None, bool, str]:
    """The subgraph to draw, its centre, whether it was capped, and a note for the user."""
    centre = None
    notes = []
    near = None  # the nodes around the focus; all of them without one
    if focus:
        centre = find_entity(g, focus)
        near = _within(g, centre, depth)
    else:
        # Entities without any relation say nothing in a picture of relations and crowd it.
        isolated = [n for n in g.nodes if g.degree(n) == 0]
        if isolated and len(isolated) < g.number_of_nodes():
            g.remove_nodes_from(isolated)
            noun = "entity" if len(isolated) == 1 else "entities"
            notes.append(f"{len(isolated)} {noun} without relations not drawn")
    nodes = list(g.nodes) if near is None else [n for n in g.nodes if n in near]
    total = len(nodes)
    capped = total > max_nodes
    if capped:
        degree = dict(g.degree()) if near is None else _degrees(g, near)
        ranked = sorted(nodes, key=lambda n: (n != centre, -degree[n], g.nodes[n]["label"], n))
        nodes = ranked[:max_nodes]
        notes.insert(0, f"showing {max_nodes} of {total} nodes; use --focus/--relation/--max-nodes")
    if near is not None or capped:
        g = _induced(g, nodes)
    return g, centre, capped, "; ".join(notes)


def _degrees(g: nx.MultiDiGraph, nodes: set[str]) -> dict[str, int]:
    """Degree of each of ``nodes`` in the subgraph they induce (edges to other nodes not counted)."""
    degree = dict.fromkeys(nodes, 0)
    for u in nodes:
        for v, keyed in g.succ[u].items():
            if v in nodes:
                degree[u] += len(keyed)
                degree[v] += len(keyed)
    return degree


def _within(g: nx.MultiDiGraph, centre: str, depth: int) -> set[str]:
    """The nodes at most ``depth`` hops from ``centre``, edges followed either way (breadth first)."""
    seen, frontier = {centre}, [centre]
    for _ in range(depth):
        ahead = []
        for n in frontier:
            for m in (*g.succ[n], *g.pred[n]):
                if m not in seen:
                    seen.add(m)
                    ahead.append(m)
        if not ahead:
            break
        frontier = ahead
    return seen


def _induced(g: nx.MultiDiGraph, nodes) -> nx.MultiDiGraph:
    """The subgraph on ``nodes``, keeping ``g``'s node and edge order (a subgraph view would follow set
    order); only the kept part is copied, so a small focus in a large graph is quick to take."""
    keep = set(nodes)
    h = g.__class__()
    h.graph.update(g.graph)
    h.add_nodes_from((n, d.copy()) for n, d in g.nodes.items() if n in keep)
    h.add_edges_from((u, v, k, d.copy()) for u, near in g.adj.items() if u in keep
                     for v, keyed in near.items() if v in keep for k, d in keyed.items())
    return h


def output_format(out: str | Path, pictures_only: bool = False) -> str:
    """The format a file name asks for (png, svg, pdf or html); QueryError for any other extension, and for
    html where only pictures are drawn (``pictures_only``)."""
    fmt = FORMATS.get(Path(out).suffix.lower())
    if fmt is None or (pictures_only and fmt == "html"):
        allowed = [k for k, v in FORMATS.items() if not (pictures_only and v == "html")]
        raise QueryError(f"cannot render to {str(out)!r}: the file name must end in "
                         f"{', '.join(allowed)}")
    return fmt


def render(store, out: str | Path, focus: str | None = None, depth: int = 1,
           relations: Sequence[str] | None = None, max_nodes: int = 150) -> RenderResult:
    """Draw the entity graph (or the part within ``depth`` hops of ``focus``) to a PNG, SVG or PDF file, or
    an interactive HTML page, chosen by the file name's extension.

    Raises QueryError for an unknown relation name or file extension and UnknownEntityError for an
    unknown focus.
    """
    output_format(out)
    if depth < 0:
        raise QueryError("depth must be 0 or more")
    if max_nodes < 1:
        raise QueryError("max_nodes must be at least 1")
    rels = check_relations(relations)
    g, centre, capped, note = select(entity_graph(store, rels), focus, depth, max_nodes)
    out = Path(out)
    title = _title(g, centre, depth, relations and rels)
    if output_format(out) == "html":
        from .htmlview import facts, page_data, write_page

        write_page(page_data(g, centre, title, note, facts(store, g)), out)
    else:
        draw(g, out, title=title, note=note, centre=centre)
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


def display_label(g: nx.MultiDiGraph, node: str) -> str:
    """A node's label as drawn: its name, an article's with its treaty ("Article 4 · NPT"), wrapped."""
    d = g.nodes[node]
    label = f"{d['label']} · {d['treaty']}" if d.get("treaty") else d["label"]
    return wrapped_label(label)


def wrapped_label(label: str, width: int = 22) -> str:
    """A label wrapped at ``width`` characters: every word kept, however many lines it takes."""
    return "\n".join(textwrap.wrap(label, width) or [label])


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


def _box_push(pos: np.ndarray, dy: np.ndarray, need: tuple[np.ndarray, np.ndarray],
              pairs: tuple[np.ndarray, np.ndarray], tie: np.ndarray) -> tuple[np.ndarray, int]:
    """Moves that push overlapping label boxes apart, along the axis that needs the smaller move.

    Only the candidate ``pairs`` (i, j) are looked at; ``need`` holds how far apart their centres must be
    in x and in y.
    """
    n = len(pos)
    pi, pj = pairs
    cx, cy = pos[:, 0] + tie, pos[:, 1] + dy
    dx, dyy = cx[pi] - cx[pj], cy[pi] - cy[pj]
    ox, oy = need[0] - np.abs(dx), need[1] - np.abs(dyy)
    hit = np.flatnonzero((ox > 0) & (oy > 0))
    if not len(hit):
        return np.zeros_like(pos), 0
    i, j, ox, oy, dx, dyy = pi[hit], pj[hit], ox[hit], oy[hit], dx[hit], dyy[hit]
    horizontal = ox * 0.6 < oy  # wide labels: sideways is usually the smaller move
    step_x = np.where(horizontal, ox / 2 * np.where(dx >= 0, 1.0, -1.0), 0.0)
    step_y = np.where(horizontal, 0.0, oy / 2 * np.where(dyy >= 0, 1.0, -1.0))
    move = np.stack([np.bincount(i, step_x, n) - np.bincount(j, step_x, n),
                     np.bincount(i, step_y, n) - np.bincount(j, step_y, n)], axis=1)
    return move, len(hit)


def _spread(pos: np.ndarray, boxes: np.ndarray, edges: list[tuple[int, int]], gap: float = 0.07,
            rounds: int = 120, tidy: int = 40) -> np.ndarray:
    """Move nodes until no two label boxes overlap and no edge runs across another node's marker.

    ``pos`` are node centres, ``boxes`` rows of (width, height, dy, diameter): the box of marker and label,
    centred ``dy`` below the node. Overlapping boxes move apart along the axis that needs the smaller move.
    Up to ``rounds`` rounds push both ways; then up to ``tidy`` rounds separate labels only, which matter
    more to the reader than an edge grazing a marker.
    """
    n = len(pos)
    if n < 2:
        return pos
    pos = pos.copy()
    w, h, dy = boxes[:, 0], boxes[:, 1], boxes[:, 2]
    need_x = (w[:, None] + w[None, :]) / 2 + gap
    need_y = (h[:, None] + h[None, :]) / 2 + gap
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    slack = 0.35  # how far a node may move between two looks at which boxes and edges are near it

    def box_pairs() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        cx, cy = pos[:, 0], pos[:, 1] + dy
        close = (np.abs(cx[:, None] - cx[None, :]) < need_x + slack) & \
            (np.abs(cy[:, None] - cy[None, :]) < need_y + slack) & upper
        i, j = np.nonzero(close)
        return (i, j), (need_x[i, j], need_y[i, j])

    tie = np.linspace(-1e-3, 1e-3, n)  # coincident boxes separate the same way every run
    ea = np.array([e[0] for e in edges], dtype=int)
    eb = np.array([e[1] for e in edges], dtype=int)
    # Edges must keep clear of two probes per node: its marker and the middle of its label below it.
    diameter = boxes[:, 3]
    text_h = h - diameter
    drop = (diameter + text_h) / 2
    clear_m, clear_l = diameter / 2 + 0.06, text_h / 2 + 0.03
    reach = np.maximum(clear_m, drop + clear_l) + slack
    near_n = near_e = np.zeros(0, dtype=int)
    for r in range(rounds):
        # Every few rounds, the box pairs and node-edge pairs close enough to matter; in between, only those.
        if r % 12 == 0:
            pairs, need = box_pairs()
        move, overlaps = _box_push(pos, dy, need, pairs, tie)
        crossed = 0
        if len(edges):
            # Per edge: start, unit direction (ux, uy), length; the normal is (-uy, ux).
            sx, sy = pos[ea, 0], pos[ea, 1]
            abx, aby = pos[eb, 0] - sx, pos[eb, 1] - sy
            length = np.maximum(np.hypot(abx, aby), 1e-9)
            ux, uy = abx / length, aby / length
            if r % 12 == 0:
                rx = pos[:, 0, None] - sx[None]  # node x edge
                ry = pos[:, 1, None] - sy[None]
                t = (rx * ux + ry * uy) / length
                beyond = reach[:, None] / length  # how far past either end, as a fraction of the edge
                close = (t > -beyond) & (t < 1 + beyond) & (np.abs(ry * ux - rx * uy) < reach[:, None])
                close[ea, np.arange(len(edges))] = False  # an edge's own ends are exempt
                close[eb, np.arange(len(edges))] = False
                near_n, near_e = np.nonzero(close)
            ex, ey, el = ux[near_e], uy[near_e], length[near_e]
            rx = pos[near_n, 0] - sx[near_e]
            ry = pos[near_n, 1] - sy[near_e]
            t_m = (rx * ex + ry * ey) / el
            t_l = t_m - drop[near_n] * ey / el  # the label probe sits ``drop`` below the marker
            s_m = ry * ex - rx * ey  # signed distances from the edge's line
            s_l = s_m - drop[near_n] * ex
            cm, cl = clear_m[near_n], clear_l[near_n]
            in_m, in_l = (t_m > 0) & (t_m < 1), (t_l > 0) & (t_l < 1)
            hit = np.flatnonzero((in_m & (np.abs(s_m) < cm)) | (in_l & (np.abs(s_l) < cl)))
            crossed = len(hit)
            if crossed:
                # Marker and label go to the same side of the edge, whichever is nearer: pushing each
                # probe away on its own side would cancel out when the edge runs between them.
                in_m, in_l, s_m, s_l, cm, cl = in_m[hit], in_l[hit], s_m[hit], s_l[hit], cm[hit], cl[hit]
                up = np.maximum(np.maximum(np.where(in_m, cm - s_m, 0.0), np.where(in_l, cl - s_l, 0.0)), 0.0)
                down = np.maximum(np.maximum(np.where(in_m, cm + s_m, 0.0), np.where(in_l, cl + s_l, 0.0)), 0.0)
                amount = np.where(up <= down, up, -down)
                who, which = near_n[hit], near_e[hit]
                move[:, 0] -= np.bincount(who, uy[which] * amount, n)
                move[:, 1] += np.bincount(who, ux[which] * amount, n)
        if not overlaps and not crossed:
            return pos
        pos += move * 0.55
    for r in range(tidy):
        if r % 12 == 0:
            pairs, need = box_pairs()
        move, overlaps = _box_push(pos, dy, need, pairs, tie)
        if not overlaps:
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


def _top_eigenvectors(m: np.ndarray, k: int = 2, block: int = 6, rounds: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` algebraically largest eigenvalues of the symmetric ``m`` and their eigenvectors, by subspace
    iteration from a fixed start: matrix products only, as LAPACK's full eigensolver spends longer waking
    BLAS threads than computing when the cores are busy."""
    n = len(m)
    block = min(block, n)
    q = np.random.default_rng(7).standard_normal((n, block))
    for _ in range(rounds):
        q = m @ q
        for j in range(block):  # modified Gram-Schmidt
            q[:, j] -= q[:, :j] @ (q[:, :j].T @ q[:, j])
            q[:, j] /= max(float(np.linalg.norm(q[:, j])), 1e-300)
    # Rayleigh-Ritz on the small projected matrix; a negative eigenvalue of large size may be in the block too.
    values, vectors = np.linalg.eigh(q.T @ m @ q)
    top = np.argsort(values)[::-1][:k]
    return values[top], q @ vectors[:, top]


def _classical_mds(dist: np.ndarray) -> np.ndarray:
    """Positions whose distances best match ``dist`` in the least-squares sense of Torgerson's classical
    scaling: a deterministic start for stress majorization, better than a random or spring one."""
    n = len(dist)
    sq = dist ** 2
    centred = -0.5 * (sq - sq.mean(0)[None, :] - sq.mean(1)[:, None] + sq.mean())
    values, vectors = _top_eigenvectors(centred)
    x = np.zeros((n, 2))
    x[:, :len(values)] = vectors * np.sqrt(np.maximum(values, 0.0))
    # An eigenvector's sign is arbitrary: pick the one that makes its largest entry positive.
    signs = np.sign(x[np.abs(x).argmax(0), [0, 1]])
    x *= np.where(signs == 0, 1.0, signs)
    # A small fixed nudge, so that a start on a line (two eigenvalues alike or zero) can still unfold.
    scale = max(float(dist.max()), 1e-6)
    return x + 1e-3 * scale * np.random.default_rng(7).standard_normal((n, 2))


def _inverse(m: np.ndarray) -> np.ndarray:
    """Inverse of a symmetric positive definite matrix.

    Up to a few hundred rows by Gauss-Jordan elimination in numpy (no pivoting needed): LAPACK's is no
    faster at that size, and on a busy two-core machine it can lose a tenth of a second or more waking
    OpenBLAS's threads.
    """
    n = len(m)
    if n > 300:
        return np.linalg.inv(m)
    a, inv = np.array(m, dtype=float), np.eye(n)
    for k in range(n):
        pivot_row, inv_row = a[k] / a[k, k], inv[k] / a[k, k]
        column = a[:, k].copy()
        column[k] = 0.0
        a -= np.multiply.outer(column, pivot_row)
        inv -= np.multiply.outer(column, inv_row)
        a[k], inv[k] = pivot_row, inv_row
    return inv


def _stress(dist: np.ndarray, start: np.ndarray, rounds: int = 60, tol: float = 2e-3) -> np.ndarray:
    """Stress majorization (SMACOF), the energy Kamada-Kawai minimises: distances in the drawing
    follow the lengths of shortest paths, which spreads nodes more evenly than a spring layout.

    From the classical scaling start, 60 rounds come within a percent or two of the stress that hundreds
    more would reach."""
    n = len(dist)
    mask = ~np.eye(n, dtype=bool)
    weight = np.zeros_like(dist)
    weight[mask] = dist[mask] ** -2.0
    lap = np.diag(weight.sum(1)) - weight
    # The Laplacian is singular (moving every node alike changes nothing); adding 1/n to every entry makes
    # it invertible and gives the pseudo-inverse's answer on centred right-hand sides, as B(x) x is.
    lap_inv = _inverse(lap + 1.0 / n)
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


def _undirected(g: nx.MultiDiGraph) -> nx.Graph:
    """``g`` as a simple undirected graph, node for node: a pair is linked when any edge joins it either way.
    (Quicker than ``nx.Graph(g.to_undirected())``, which deep-copies every edge's data first.)"""
    und = nx.Graph()
    und.add_nodes_from(g)
    und.add_edges_from(g.edges())
    return und


def layout(g: nx.MultiDiGraph, labels: dict, font: float) -> tuple[dict, float, float]:
    """Positions in inches for every node, and the drawing's width and height.

    Each connected component is laid out on its own (spring layout with a fixed seed, refined by
    stress majorization: the same graph gives the same picture), its labels pushed apart, then the
    components are packed, largest first. One layout for all would push small components to the
    margins and squeeze the big one.
    """
    und = _undirected(g)
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

    A symmetric relation (metWith) is one line without arrow heads whichever way it was stated; when a pair
    has more than one edge, the one-way ones are curved so that their labels do not sit on each other.
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
            out.append((a, b, ", ".join(sorted(mutual)), "plain"))
        if fwd:
            out.append((a, b, ", ".join(sorted(fwd)), shape))
        if back:
            out.append((b, a, ", ".join(sorted(back)), shape))
    return out


ARROW_LEN, ARROW_HALF = 5.0 / 72, 2.0 / 72  # arrow head length and half width, inches
EDGE_COLOUR, EDGE_TEXT = "#8c8c8c", "#4d4d4d"
RAD = {"straight": 0.0, "curved": 0.2, "plain": 0.0}  # bend of each kind of edge (matplotlib's arc3 rad)


def _control(a: np.ndarray, b: np.ndarray, rad) -> np.ndarray:
    """Control points of quadratic Bézier curves from ``a`` to ``b`` (rows), bent ``rad`` to the right.

    The curve is vis-network's "curvedCCW" of roundness ``rad`` (control point at (0.5 + rad / 2) of the
    chord from ``a``, turned rad * 90° clockwise), so that the HTML view draws the very curves whose label
    spots were chosen here; ``rad`` 0 gives the chord's middle, a straight line.
    """
    rad = np.asarray(rad, dtype=float)[..., None]
    d = b - a
    turn = -rad * math.pi / 2
    cos, sin = np.cos(turn), np.sin(turn)
    return a + (0.5 + rad / 2) * np.concatenate([d[..., :1] * cos - d[..., 1:] * sin,
                                                 d[..., :1] * sin + d[..., 1:] * cos], axis=-1)


def _bezier(a: np.ndarray, ctrl: np.ndarray, b: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points at ``t`` (0 = a, 1 = b) on the curves, and the tangents there; ``t`` broadcasts like a[..., 0]."""
    t = np.asarray(t, dtype=float)[..., None]
    point = (1 - t) ** 2 * a + 2 * (1 - t) * t * ctrl + t ** 2 * b
    tangent = 2 * (1 - t) * (ctrl - a) + 2 * t * (b - ctrl)
    return point, tangent


def _place_edge_labels(edges: list[tuple], pos: dict, boxes: dict, degree: dict, font: float) -> list[tuple]:
    """(x, y, angle, text, free) for each edge label, in the order of ``edges``: along its edge, at the spot
    (near the middle, nearer the end with fewer edges) that covers no node (marker and label) and the
    fewest already placed edge labels; ``free`` is False where every spot covers a node.

    Both are counted on a grid of half a label's height: node label boxes are stamped on it once, each
    placed edge label's sample points with the disc around them where another label would crowd it.
    """
    if not edges:
        return []
    height = font * 1.3 / 72
    names = list(boxes)
    centres = np.array([[pos[n][0], pos[n][1] + boxes[n][2]] for n in names])
    # A sample point on the label's centre line is too close to a node when the label's half height overlaps.
    halves = np.array([[boxes[n][0] / 2 + height / 2, boxes[n][1] / 2 + height / 2] for n in names])
    cell = height / 2
    longest = max(len(text) for *_, text, _ in edges) * (font - 1.5) * 0.56 / 72
    lo = (centres - halves).min(0) - longest - height
    hi = (centres + halves).max(0) + longest + height
    cols, rows = (np.ceil((hi - lo) / cell).astype(int) + 1).tolist()
    covered = np.zeros((rows, cols))  # node label boxes over each cell
    first = np.floor((centres - halves - lo) / cell).astype(int)
    last = np.floor((centres + halves - lo) / cell).astype(int)
    for (x0, y0), (x1, y1) in zip(first.tolist(), last.tolist(), strict=True):
        covered[y0:y1 + 1, x0:x1 + 1] += 1
    crowded = np.zeros((rows, cols))  # placed edge label samples within 1.3 label heights of each cell
    reach = 1.3 * height / cell
    span = np.arange(-math.floor(reach), math.floor(reach) + 1)
    ox, oy = (d.ravel() for d in np.meshgrid(span, span))
    disc = ox ** 2 + oy ** 2 < reach ** 2
    ox, oy = ox[disc], oy[disc]
    # Along the edge first; on a short or crowded one, just beside it, then a line further off.
    sides = np.array([0.0, 0.7, -0.7, 1.4, -1.4])
    shifts = np.array([0.0, -0.1, 0.1, -0.2, 0.2, -0.28, 0.28, -0.36, 0.36])
    along = np.linspace(-0.5, 0.5, 9)
    # Every candidate spot of every label at once: edge x (side, shift) x sample point along the label.
    a = np.array([pos[u] for u, *_ in edges], dtype=float)
    b = np.array([pos[v] for _, v, *_ in edges], dtype=float)
    rad = np.array([e[3] for e in edges], dtype=float)
    width = np.array([len(e[2]) for e in edges]) * (font - 1.5) * 0.56 / 72
    du = np.array([degree[e[0]] for e in edges])
    dv = np.array([degree[e[1]] for e in edges])
    base = np.where((np.maximum(du, dv) < 4) | (np.abs(du - dv) < 2), 0.5, np.where(du > dv, 0.6, 0.4))
    t = np.clip(base[:, None] + shifts[None], 0.1, 0.9)
    point, tangent = _bezier(a[:, None], _control(a, b, rad)[:, None], b[:, None], t)
    direction = tangent / np.maximum(np.linalg.norm(tangent, axis=2), 1e-9)[..., None]
    normal = np.stack([-direction[..., 1], direction[..., 0]], axis=-1)
    middle = (point[:, None] + sides[None, :, None, None] * height * normal[:, None]).reshape(len(edges), -1, 2)
    direction = np.tile(direction, (1, len(sides), 1))  # side-major, as ``middle``
    samples = middle[:, :, None] + (along[None, None, :] * width[:, None, None])[..., None] * direction[:, :, None]
    ix = np.clip(np.floor((samples[..., 0] - lo[0]) / cell).astype(int), 0, cols - 1)
    iy = np.clip(np.floor((samples[..., 1] - lo[1]) / cell).astype(int), 0, rows - 1)
    flat = iy * cols + ix
    # A label must never sit on a node: covering one costs more than any crowding of other labels, and
    # a spot off the edge less than either.
    hidden = covered.ravel()[flat].sum(2)
    fixed = 1000.0 * hidden + np.repeat(np.abs(sides) * 0.7, len(shifts))[None]
    crowd = crowded.ravel()  # a view: stamping it stamps the grid
    chosen = np.zeros(len(edges), dtype=int)
    # Labels of hub edges first: they compete for the least room.
    for e in sorted(range(len(edges)), key=lambda i: -max(degree[edges[i][0]], degree[edges[i][1]])):
        best = int(np.argmin(fixed[e] + crowd[flat[e]].sum(1)))  # the first of the cheapest, in preference order
        chosen[e] = best
        np.add.at(crowd, np.clip(iy[e, best][:, None] + oy, 0, rows - 1) * cols
                  + np.clip(ix[e, best][:, None] + ox, 0, cols - 1), 1)
    pick = np.arange(len(edges))
    spot, heading = middle[pick, chosen], direction[pick, chosen]
    angle = np.degrees(np.arctan2(heading[:, 1], heading[:, 0]))
    angle = np.where(angle > 90, angle - 180, np.where(angle <= -90, angle + 180, angle))  # never upside down
    free = hidden[pick, chosen] == 0
    return [(float(x), float(y), float(r), e[2], bool(f))
            for (x, y), r, e, f in zip(spot, angle, edges, free, strict=True)]


class _Text:
    """Labels as filled glyph outlines, all of one colour in one collection: a thousand relation names
    cost one artist instead of a thousand Text objects, each laid out and rasterised on its own."""

    ASCENT, DESCENT, LINE = 0.76, 0.24, 1.2  # in ems: DejaVu Sans' usual letters, and the line step

    def __init__(self, size: float, bold: bool = False) -> None:
        from matplotlib.font_manager import FontProperties
        from matplotlib.textpath import TextToPath

        self.size, self.em = size, size / 72
        self.paths: list = []
        self.backs: list[np.ndarray] = []
        # Outlines are taken at TextToPath's own 100 pt scale and shrunk: one font object for every size.
        self._prop = FontProperties(size=TextToPath.FONT_SCALE, weight="bold" if bold else "normal")
        self._to_path = TextToPath()
        self._lines: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}
        self._cache: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def _line(self, text: str) -> tuple[np.ndarray, np.ndarray, float]:
        """Outline of one line of text in inches, left end of the baseline at 0, and its advance width.

        Each distinct line is laid out once (matplotlib's TextToPath, with the font's advances and kerning)
        and reused for every label that shows it.
        """
        if text not in self._lines:
            from matplotlib.path import Path as MplPath

            verts, codes = self._to_path.get_text_path(self._prop, text)
            width = self._to_path.get_text_width_height_descent(text, self._prop, ismath=False)[0]
            scale = self.size / self._prop.get_size() / 72
            self._lines[text] = (np.asarray(verts, dtype=float).reshape(-1, 2) * scale,
                                 np.asarray(codes, dtype=MplPath.code_type).reshape(-1), width * scale)
        return self._lines[text]

    def _shape(self, text: str, top: bool, pad: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Outline (vertices, codes) and background box corners of ``text``, relative to its anchor."""
        key = (text, top, pad)
        if key not in self._cache:
            lines = [self._line(line) for line in text.split("\n")]
            em = self.em
            # Baseline of the first line, relative to the anchor.
            first = -pad * em - self.ASCENT * em if top else (len(lines) - 1) * self.LINE * em / 2 - \
                (self.ASCENT - self.DESCENT) * em / 2
            verts = [v + np.array([-w / 2, first - i * self.LINE * em]) for i, (v, _, w) in enumerate(lines)]
            codes = [c for _, c, _ in lines]
            half = max(w for _, _, w in lines) / 2 + pad * em
            bottom = first - (len(lines) - 1) * self.LINE * em - self.DESCENT * em - pad * em
            top_y = first + self.ASCENT * em + pad * em
            box = np.array([[-half, bottom], [half, bottom], [half, top_y], [-half, top_y]])
            self._cache[key] = (np.concatenate(verts), np.concatenate(codes), box)
        return self._cache[key]

    def add(self, xy: np.ndarray, texts: list[str], angles: np.ndarray | None = None, top: bool = False,
            pad: float = 0.1) -> None:
        """Texts centred on the points ``xy``, turned by ``angles`` degrees; with ``top``, hanging from them
        instead. A white box ``pad`` ems wider all round goes behind each. Copies of one text are turned
        and moved together."""
        from matplotlib.path import Path as MplPath

        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        turn = np.radians(np.zeros(len(xy)) if angles is None else np.asarray(angles, dtype=float))
        same: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            same.setdefault(text, []).append(i)
        for text, rows in same.items():
            verts, codes, box = self._shape(text, top, pad)
            cos, sin, at = np.cos(turn[rows])[:, None], np.sin(turn[rows])[:, None], xy[rows][:, None]

            def place(p: np.ndarray, cos=cos, sin=sin, at=at) -> np.ndarray:
                return np.stack([p[:, 0] * cos - p[:, 1] * sin, p[:, 0] * sin + p[:, 1] * cos], axis=-1) + at

            self.backs.extend(place(box))
            if len(verts):
                self.paths.extend(MplPath(v, codes) for v in place(verts))

    def draw(self, ax, colour: str, zorder: float, back_alpha: float = 0.8) -> None:
        """Add the boxes (just under ``zorder``) and the texts to ``ax``: two artists in all."""
        from matplotlib.collections import PathCollection, PolyCollection

        if self.backs:
            ax.add_collection(PolyCollection(self.backs, facecolors="white", edgecolors="none", linewidths=0,
                                             alpha=back_alpha, zorder=zorder - 0.05), autolim=False)
        if self.paths:
            ax.add_collection(PathCollection(self.paths, facecolors=colour, edgecolors="none", linewidths=0,
                                             zorder=zorder), autolim=False)


def _radius(size: float) -> float:
    """Radius in inches of a marker of ``size`` points²."""
    return math.sqrt(size) / 2 / 72


def _draw_edges(ax, g: nx.MultiDiGraph, pos: dict, sizes: dict, labels: dict, font: float) -> None:
    """Arrows (one collection of lines, one of heads; a symmetric relation has none), and their relation
    names placed where they hide the least."""
    from matplotlib.collections import LineCollection, PolyCollection

    groups = _edge_groups(g)
    if not groups:
        return
    a = np.array([pos[u] for u, *_ in groups], dtype=float)
    b = np.array([pos[v] for _, v, *_ in groups], dtype=float)
    rad = np.array([RAD[s] for *_, s in groups])
    plain = np.array([s == "plain" for *_, s in groups])
    ctrl = _control(a, b, rad)
    gap = 2.0 / 72  # between a marker and the line or arrow tip
    ra = np.array([_radius(sizes[u]) for u, *_ in groups]) + gap
    rb = np.array([_radius(sizes[v]) for _, v, *_ in groups]) + gap
    chord = np.maximum(np.linalg.norm(b - a, axis=1), 1e-9)
    t0, t1 = ra / chord, 1 - rb / chord
    for _ in range(3):  # Newton steps to where each curve leaves the circles around its two markers
        p0, d0 = _bezier(a, ctrl, b, t0)
        p1, d1 = _bezier(a, ctrl, b, t1)
        t0 = t0 - (np.linalg.norm(p0 - a, axis=1) - ra) / np.maximum(np.linalg.norm(d0, axis=1), 1e-9)
        t1 = t1 + (np.linalg.norm(p1 - b, axis=1) - rb) / np.maximum(np.linalg.norm(d1, axis=1), 1e-9)
    visible = t0 < t1
    tip1, d1 = _bezier(a, ctrl, b, t1)
    speed1 = np.maximum(np.linalg.norm(d1, axis=1), 1e-9)
    # Lines stop where the heads begin.
    end = np.where(plain, t1, np.maximum(t1 - ARROW_LEN / speed1, t0))
    # Straight lines need their two ends only; curves a dozen points each.
    lines = []
    for keep, points in ((visible & (rad == 0), 2), (visible & (rad != 0), 12)):
        if keep.any():
            steps = t0[keep, None] + (end - t0)[keep, None] * np.linspace(0, 1, points)[None]
            lines.append(_bezier(a[keep, None], ctrl[keep, None], b[keep, None], steps)[0])
    ax.add_collection(LineCollection([line for group in lines for line in group], colors=EDGE_COLOUR,
                                     linewidths=0.9, zorder=1, capstyle="butt"), autolim=False)

    def heads(tip: np.ndarray, tangent: np.ndarray, speed: np.ndarray) -> np.ndarray:
        d = tangent / speed[:, None]
        n = np.stack([-d[:, 1], d[:, 0]], axis=1)
        back = tip - d * ARROW_LEN
        return np.stack([tip, back + n * ARROW_HALF, back - n * ARROW_HALF], axis=1)

    ax.add_collection(PolyCollection(heads(tip1, d1, speed1)[visible & ~plain], facecolors=EDGE_COLOUR,
                                     edgecolors="none", linewidths=0, zorder=1), autolim=False)

    # Above the edges and the markers, under the node names, which a relation name is placed clear of; one
    # that cannot be goes above them: a relation name never hides behind a node.
    spots = edge_label_spots(g, pos, labels, font)
    for free, zorder in ((True, 2.5), (False, 3.5)):
        chosen = [s for s in spots if s[4] == free]
        writer = _Text(font - 1.5)
        writer.add([s[:2] for s in chosen], [s[3] for s in chosen], [s[2] for s in chosen])
        writer.draw(ax, EDGE_TEXT, zorder=zorder)


def edge_label_spots(g: nx.MultiDiGraph, pos: dict, labels: dict, font: float) -> list[tuple]:
    """Where each of :func:`_edge_groups`' labels goes, in that order: (x, y, angle, text, free) in
    inches, free being False for a label that could not be kept clear of every node."""
    groups = _edge_groups(g)
    return _place_edge_labels([(u, v, text, RAD[s]) for u, v, text, s in groups], pos,
                              _boxes(_undirected(g), labels, font), dict(g.degree()), font)


def draw(g: nx.MultiDiGraph, out: str | Path, title: str, note: str = "", centre: str | None = None) -> None:
    """Draw ``g`` to a PNG, SVG or PDF (by ``out``'s extension): nodes coloured by class with a legend,
    labelled nodes and edges, arrows."""
    # The Agg canvas directly, without pyplot: files only, never a window, and no global figure state.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    out = Path(out)
    n = g.number_of_nodes()
    if n == 0:
        fig = Figure(figsize=(8, 5))
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.92, title, ha="center", va="top", fontsize=12, fontweight="bold")
        fig.text(0.5, 0.5, "no entities", ha="center", va="center", fontsize=22, color="#666666")
        if note:
            fig.text(0.5, 0.38, note, ha="center", va="center", fontsize=10, color="#666666")
        _save(fig, out, 130)
        return

    font = _font(n)
    labels = {x: display_label(g, x) for x in g.nodes}
    pos, width, height = layout(g, labels, font)
    header = HEADER + (0.3 if note else 0.0)
    fig_w = max(width + 2 * MARGIN, 9.0)
    fig_h = max(height + 2 * MARGIN + header, 5.0)
    # Very large drawings get a lower resolution to keep the file manageable (Agg's limit is 2**16 px).
    dpi = min(130.0, 16000 / max(fig_w, fig_h))
    fig = Figure(figsize=(fig_w, fig_h), dpi=dpi)
    FigureCanvasAgg(fig)
    # The axes map data units one to one onto inches, so the label boxes the layout measured hold.
    ax = fig.add_axes((0, 0, 1, (fig_h - header) / fig_h))
    ax.set_axis_off()

    sizes = {x: _node_size(d) for x, d in g.degree()}
    _draw_edges(ax, g, pos, sizes, labels, font)
    nodes = list(g.nodes)
    xy = np.array([pos[x] for x in nodes], dtype=float)
    ax.scatter(xy[:, 0], xy[:, 1], s=[sizes[x] for x in nodes], c=[COLOURS[g.nodes[x]["cls"]] for x in nodes],
               edgecolors=["#111111" if x == centre else "white" for x in nodes],
               linewidths=[2.2 if x == centre else 0.8 for x in nodes], zorder=2)
    # Node labels hang below their markers, on white, above everything else; the centre's in bold.
    plain, bold = _Text(font), _Text(font, bold=True)
    for writer, chosen in ((plain, [x for x in nodes if x != centre]), (bold, [x for x in nodes if x == centre])):
        writer.add([(pos[x][0], pos[x][1] - _radius(sizes[x]) - 1 / 72) for x in chosen],
                   [labels[x] for x in chosen], top=True, pad=0.12)
        writer.draw(ax, "black", zorder=3)
    ax.set_xlim((width - fig_w) / 2, (width + fig_w) / 2)
    ax.set_ylim((height - (fig_h - header)) / 2, (height + (fig_h - header)) / 2)

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
    _save(fig, out, dpi)


def _save(fig, out: Path, dpi: float) -> None:
    """Write the figure in the format its file name asks for, whole or not at all."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fmt = output_format(out, pictures_only=True)
    # Pillow's fastest deflate level: a mostly white picture compresses nearly as well, in a fraction of the time.
    extra = {"pil_kwargs": {"compress_level": 1}} if fmt == "png" else {}
    with atomic_output(out) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi, **extra)

