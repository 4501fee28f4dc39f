"""Render: the entity graph as a PNG (networkx layout, matplotlib drawing), whole or around one entity."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from .errors import QueryError, UnknownEntityError
from .mentions import normalize_key
from .store import Store

CLASSES = ("Person", "State", "Organization", "Place", "Treaty", "Article")
COLOURS = {"Person": "#4e79a7", "State": "#e15759", "Organization": "#f28e2b", "Place": "#59a14f",
           "Treaty": "#b07aa1", "Article": "#edc948"}
RELATIONS = ("signed", "ratified", "partyTo", "hasArticle", "invokes", "references", "replaces", "affiliatedWith",
             "metWith", "visited", "acceded", "suspended", "withdrewFrom")

_NODES = """
SELECT DISTINCT ?x ?cls ?label WHERE {
  ?x a ?c ; skos:prefLabel ?label .
  VALUES ?c { tkg:Person tkg:State tkg:Organization tkg:Place tkg:Treaty tkg:Article }
  BIND(STRAFTER(STR(?c), "#") AS ?cls)
}"""
_ALIASES = "SELECT DISTINCT ?x ?alt WHERE { ?x skos:altLabel ?alt }"
_EDGES = """
SELECT DISTINCT ?s ?p ?o WHERE {{
  ?s ?p ?o . VALUES ?p {{ {values} }}
}}"""


@dataclass
class RenderResult:
    nodes: int
    edges: int
    capped: bool = False
    message: str = ""


def entity_graph(store: Store, relations: Sequence[str] | None = None) -> nx.MultiDiGraph:
    """Entities as nodes (label, class, aliases) and contract relations as edges (relation)."""
    rels = list(relations) if relations else list(RELATIONS)
    unknown = [r for r in rels if r not in RELATIONS]
    if unknown:
        raise QueryError(f"unknown relation {', '.join(unknown)}; known: {', '.join(RELATIONS)}")
    g = nx.MultiDiGraph()
    for sol in store.query(_NODES):
        g.add_node(sol["x"].value, label=sol["label"].value, cls=sol["cls"].value, aliases="")
    for sol in store.query(_ALIASES):
        node = sol["x"].value
        if node in g:
            g.nodes[node]["aliases"] = "|".join(filter(None, [g.nodes[node]["aliases"], sol["alt"].value]))
    seen = set()
    for sol in store.query(_EDGES.format(values=" ".join(f"tkg:{r}" for r in rels))):
        s, o = sol["s"].value, sol["o"].value
        rel = sol["p"].value.rsplit("#", 1)[-1]
        if s in g and o in g and (s, rel, o) not in seen:
            seen.add((s, rel, o))
            g.add_edge(s, o, relation=rel)
    return g


def find_entity(g: nx.MultiDiGraph, name: str) -> str:
    """The node a name or alias refers to (case, quotes, hyphens and a leading "the" ignored)."""
    want = normalize_key(name)
    exact, alias = [], []
    for node, data in g.nodes(data=True):
        if normalize_key(data["label"]) == want:
            exact.append(node)
        elif want in {normalize_key(a) for a in data["aliases"].split("|") if a}:
            alias.append(node)
    found = exact or alias
    if not found:
        # A surname alone ("Putin") finds the one person whose name ends with it.
        found = [n for n, d in g.nodes(data=True) if d["cls"] == "Person"
                 and normalize_key(d["label"]).split()[-1:] == want.split()]
    if not found:
        raise UnknownEntityError(f"no entity named {name!r} (try 'treatykg query --name entities')")
    rank = {"Person": 0, "State": 1}
    return min(found, key=lambda n: (rank.get(g.nodes[n]["cls"], 2), -g.degree(n)))


def select(g: nx.MultiDiGraph, focus: str | None, depth: int, max_nodes: int) -> tuple[nx.MultiDiGraph, str]:
    """The subgraph to draw and a note when it had to be cut down."""
    centre = None
    if focus:
        centre = find_entity(g, focus)
        g = g.subgraph(nx.ego_graph(g.to_undirected(as_view=True), centre, radius=depth).nodes).copy()
    note = ""
    if centre is None:
        # Entities with no relation say nothing in a picture of relations and crowd it: leave them out.
        isolated = [x for x in g.nodes if g.degree(x) == 0]
        if isolated and len(isolated) < g.number_of_nodes():
            g = g.subgraph([x for x in g.nodes if g.degree(x) > 0]).copy()
            note = f"{len(isolated)} entities without relations not drawn"
    total = g.number_of_nodes()
    if total > max_nodes:
        ranked = sorted(g.nodes, key=lambda n: (n != centre, -g.degree(n), g.nodes[n]["label"]))
        g = g.subgraph(ranked[:max_nodes]).copy()
        note = f"showing {max_nodes} of {total} nodes; narrow it with --focus, --relation or --max-nodes"

    return g, note


def render(store: Store, out: str | Path, focus: str | None = None, depth: int = 1,
           relations: Sequence[str] | None = None, max_nodes: int = 150) -> RenderResult:
    """Draw the entity graph (or the part around ``focus``) to a PNG file."""
    g, note = select(entity_graph(store, relations), focus, depth, max_nodes)
    draw(g, Path(out), title=_title(focus, depth, relations, g))
    return RenderResult(g.number_of_nodes(), g.number_of_edges(), note.startswith("showing"), note)


def _title(focus, depth, relations, g) -> str:
    what = f"around {focus} (depth {depth})" if focus else "treatykg graph"
    rel = f" · relations: {', '.join(relations)}" if relations else ""
    return f"{what}{rel} · {g.number_of_nodes()} entities, {g.number_of_edges()} relations"


def draw(g: nx.MultiDiGraph, out: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window; imported here so the CLI starts fast
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    n = g.number_of_nodes()
    side = min(30.0, max(9.0, 2.2 * math.sqrt(max(n, 1))))
    fig, ax = plt.subplots(figsize=(side * 1.25, side))
    ax.set_axis_off()
    ax.set_title(title, fontsize=12)
    if n == 0:
        ax.text(0.5, 0.5, "no entities", ha="center", va="center", fontsize=16, transform=ax.transAxes)
    else:
        pos = _layout(g)
        font = 9 if n <= 40 else 7 if n <= 100 else 6
        simple = nx.DiGraph()
        labels: dict[tuple[str, str], list[str]] = {}
        for u, v, d in g.edges(data=True):
            simple.add_edge(u, v)
            labels.setdefault((u, v), []).append(d["relation"])
        nx.draw_networkx_edges(simple, pos, ax=ax, edge_color="#9a9a9a", width=0.9, arrows=True, arrowsize=10,
                               node_size=600, connectionstyle="arc3,rad=0.06")
        nx.draw_networkx_edge_labels(simple, pos, ax=ax, font_size=font - 1, font_color="#555555",
                                     edge_labels={k: ", ".join(sorted(set(v))) for k, v in labels.items()},
                                     bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
        degree = dict(g.degree())
        nx.draw_networkx_nodes(g, pos, ax=ax, node_color=[COLOURS[g.nodes[x]["cls"]] for x in g.nodes],
                               node_size=[300 + 60 * min(degree[x], 15) for x in g.nodes], edgecolors="white",
                               linewidths=1.0)
        nx.draw_networkx_labels(g, pos, ax=ax, font_size=font,
                                labels={x: _short(g.nodes[x]["label"]) for x in g.nodes},
                                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.6})
        present = [c for c in CLASSES if any(g.nodes[x]["cls"] == c for x in g.nodes)]
        ax.legend(handles=[Line2D([0], [0], marker="o", color="w", markerfacecolor=COLOURS[c], markersize=11,
                                  label=c) for c in present], loc="upper left", fontsize=10, frameon=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=110 if n > 80 else 130)
    plt.close(fig)


def _layout(g: nx.MultiDiGraph) -> dict:
    """Spring layout per connected component (fixed seed: the same graph, the same picture), the
    components packed in rows, largest first, each in a square that grows with its size. Drawn as
    one spring system, small components drift to the margins and squeeze the main one."""
    undirected = nx.Graph(g.to_undirected())
    comps = sorted(nx.connected_components(undirected), key=lambda c: (-len(c), min(c)))
    sizes = [math.sqrt(len(c)) + 0.6 for c in comps]
    width = max(sizes[0], math.sqrt(sum(x * x for x in sizes)) * 1.2)
    pos: dict = {}
    x = y = row = 0.0
    for comp, size in zip(comps, sizes, strict=False):
        if x > 0 and x + size > width:
            x, y, row = 0.0, y - row, 0.0
        sub = undirected.subgraph(comp)
        if len(comp) == 1:
            local = {next(iter(comp)): (0.0, 0.0)}
        else:
            local = nx.spring_layout(sub, k=1.8 / math.sqrt(len(comp)), iterations=60, seed=7, scale=1.0)
        for node, (px, py) in local.items():
            pos[node] = (x + size / 2 + px * (size / 2 - 0.3), y - size / 2 + py * (size / 2 - 0.3))
        x += size
        row = max(row, size)
    return pos


def _short(label: str, width: int = 22) -> str:
    if len(label) > 2 * width:
        label = label[: 2 * width - 1] + "…"
    return "\n".join(textwrap.wrap(label, width)) or label
