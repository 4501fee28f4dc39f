"""The entity graph as one self-contained interactive HTML page: search by name, click a node for its facts
with their source sentences and documents, filter by class and relation.

The page draws with vis-network, whose browser build ships inside the pyvis package; it is inlined, with
the graph as JSON, so the file opens offline and fetches nothing. Node positions, colours, sizes and
labels are the PNG's, so the page and the picture look alike.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import networkx as nx

from .atomic import atomic_output
from .errors import TreatyKGError
from .namespaces import TKG

# Assertions about the drawn entities: relations between them and dated facts, with sentence and document.
_FACTS = """
SELECT ?s ?p ?o ?literal ?text ?docname ?title WHERE {{
  VALUES ?s {{ {nodes} }}
  ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?sentence .
  ?sentence nif:anchorOf ?text ; nif:referenceContext ?doc .
  OPTIONAL {{ ?doc dcterms:identifier ?docname }}
  OPTIONAL {{ ?doc dcterms:title ?title }}
  BIND(isLiteral(?o) AS ?literal)
}}"""


def vis_network_js() -> str:
    """vis-network's standalone browser build, as shipped in the pyvis package (the newest it holds).

    The package is located, not imported: only its data files are needed, and importing it would load
    IPython."""
    spec = importlib.util.find_spec("pyvis")
    folders = spec.submodule_search_locations if spec else None
    builds = sorted((p for f in folders or () for p in (Path(f) / "lib").glob("vis-*/vis-network.min.js")),
                    key=lambda p: _version(p.parent.name))
    if not builds:
        raise TreatyKGError("cannot write an HTML view: vis-network not found in the pyvis package "
                            "(pip install pyvis)")
    return builds[-1].read_text(encoding="utf-8")


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.removeprefix("vis-").split(".") if part.isdigit())


def facts(store, g: nx.MultiDiGraph) -> dict[str, list[dict]]:
    """Per drawn node, its facts with sources: relations to other drawn nodes (either way) and the dates
    and other values stated about it. Relations without a recorded sentence are listed without one."""
    out: dict[str, list[dict]] = {n: [] for n in g.nodes}
    if not g.number_of_nodes():
        return out
    found: dict[tuple, list[dict]] = {}
    nodes = sorted(g.nodes)
    for start in range(0, len(nodes), 500):  # a bounded VALUES block per query
        values = " ".join(f"<{n}>" for n in nodes[start:start + 500])
        for sol in store.query(_FACTS.format(nodes=values)):
            p = sol["p"].value
            if not p.startswith(TKG):
                continue
            s, o = sol["s"].value, sol["o"].value
            literal = sol["literal"].value == "true"
            if not literal and not (o in g and g.has_edge(s, o, key=p[len(TKG):])):
                continue  # a relation to an entity that is not drawn
            source = {"sentence": sol["text"].value,
                      "document": sol["docname"].value if sol["docname"] is not None else "",
                      "title": sol["title"].value if sol["title"] is not None else ""}
            found.setdefault((s, p[len(TKG):], o, literal), []).append(source)
    for u, v, rel in g.edges(keys=True):
        sources = sorted(found.get((u, rel, v, False), []), key=lambda d: (d["document"], d["sentence"]))
        fact = {"s": u, "p": rel, "o": v, "sources": _unique(sources)}
        out[u].append(fact)
        out[v].append(fact)
    for (s, rel, value, literal), sources in sorted(found.items()):
        if literal:
            out[s].append({"s": s, "p": rel, "value": value,
                           "sources": _unique(sorted(sources, key=lambda d: (d["document"], d["sentence"])))})
    return out


def _unique(sources: list[dict]) -> list[dict]:
    seen, out = set(), []
    for d in sources:
        key = (d["document"], d["sentence"])
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def page_data(g: nx.MultiDiGraph, centre: str | None, title: str, note: str, node_facts: dict) -> dict:
    """Everything the page shows, as JSON-ready data: nodes with PNG positions, edges with the PNG's spots
    for their relation names, facts, legend."""
    from .render import (
        CLASSES,
        COLOURS,
        RAD,
        SYMMETRIC,
        _edge_groups,
        _font,
        _node_size,
        display_label,
        edge_label_spots,
        layout,
    )

    labels = {n: display_label(g, n) for n in g.nodes}
    font = _font(g.number_of_nodes())
    pos, _, height = layout(g, labels, font) if g.number_of_nodes() else ({}, 0, 0)
    # Pixels per inch such that the page's 12 px node names are the picture's: the layout, which made room
    # for the picture's labels, then holds for the page's.
    px = NODE_FONT * 72 / font
    nodes = [{"id": n, "label": labels[n], "name": d["label"], "cls": d["cls"],
              "aliases": [a for a in d["aliases"].split("|") if a],
              "x": round(float(pos[n][0]) * px, 1), "y": round(float(height - pos[n][1]) * px, 1),
              "size": round((_node_size(g.degree(n)) ** 0.5) / 2 / 72 * px, 1), "centre": n == centre,
              "facts": node_facts.get(n, [])}
             for n, d in g.nodes(data=True)]
    edges = []
    spots = edge_label_spots(g, pos, labels, font) if g.number_of_edges() else []
    for (u, v, text, style), (x, y, angle, _, free) in zip(_edge_groups(g), spots, strict=True):
        edges.append({"from": u, "to": v, "relations": text.split(", "), "bend": RAD[style],
                      "symmetric": set(text.split(", ")) <= SYMMETRIC,
                      # Where the picture puts the relation names, which keeps them clear of every node.
                      "label": {"x": round(x * px, 1), "y": round((height - y) * px, 1), "angle": round(angle, 1),
                                "free": free}})
    present = [c for c in CLASSES if any(d["cls"] == c for _, d in g.nodes(data=True))]
    relations = sorted({d["relation"] for *_, d in g.edges(data=True)})
    return {"title": title, "note": note, "nodes": nodes, "edges": edges, "nodeFont": NODE_FONT,
            "edgeFont": round(NODE_FONT * (font - 1.5) / font, 2),
            "classes": [{"name": c, "colour": COLOURS[c]} for c in present], "relations": relations}


NODE_FONT = 12  # px, the node names' size on the page


def write_page(data: dict, out: str | Path) -> None:
    """Write the page (vis-network, data and the page's own script inlined) to ``out``, whole or not at all."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # "</" inside a script element would end it early; JSON allows the escaped form.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    html = (_PAGE.replace("@TITLE@", _escape(data["title"]))
            .replace("@VIS@", vis_network_js().replace("</script", "<\\/script"))
            .replace("@DATA@", payload))
    with atomic_output(out) as tmp:
        tmp.write_text(html, encoding="utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_PAGE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@TITLE@</title>
<style>
  html, body { margin: 0; height: 100%; font: 14px/1.4 "DejaVu Sans", Verdana, sans-serif; color: #222; }
  body { display: grid; grid-template-columns: 1fr 360px; grid-template-rows: auto 1fr; height: 100vh; }
  header { grid-column: 1 / 3; padding: 8px 14px; border-bottom: 1px solid #ddd; }
  h1 { font-size: 17px; margin: 0 0 4px; }
  #note { color: #a33333; font-size: 13px; }
  .controls { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; margin-top: 4px; }
  .controls fieldset { border: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 10px; }
  .controls legend { font-weight: bold; float: left; margin-right: 6px; padding: 0; }
  .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 50%; margin: 0 3px 0 1px;
            vertical-align: -1px; }
  #search { width: 220px; padding: 3px 6px; }
  #graph { min-height: 0; }
  aside { border-left: 1px solid #ddd; padding: 10px 14px; overflow-y: auto; }
  aside h2 { font-size: 16px; margin: 0 0 2px; }
  .cls { color: #666; margin-bottom: 8px; }
  .fact { margin: 10px 0; }
  .fact .what { font-weight: bold; }
  blockquote { margin: 4px 0 2px 8px; padding-left: 8px; border-left: 3px solid #ccc; color: #333; }
  .doc { color: #666; font-size: 12px; margin-left: 19px; }
  .nosource { color: #888; font-style: italic; margin-left: 8px; }
  #matches { color: #555; }
</style>
<script>@VIS@</script>
</head>
<body>
<header>
  <h1 id="title"></h1>
  <div id="note"></div>
  <div class="controls">
    <label>Search <input id="search" type="search" list="names" placeholder="a name or alias"></label>
    <datalist id="names"></datalist>
    <span id="matches"></span>
    <fieldset id="classes"><legend>Classes</legend></fieldset>
    <fieldset id="relations"><legend>Relations</legend></fieldset>
    <span id="count"></span>
  </div>
</header>
<div id="graph"></div>
<aside id="details"><p class="nosource">Click a node to see its facts and where they were read.</p></aside>
<script type="application/json" id="data">@DATA@</script>
<script>
"use strict";
const data = JSON.parse(document.getElementById("data").textContent);
const byId = new Map(data.nodes.map(n => [n.id, n]));
const colour = Object.fromEntries(data.classes.map(c => [c.name, c.colour]));
const shownClasses = new Set(data.classes.map(c => c.name));
const shownRelations = new Set(data.relations);

// Every text from the graph goes into the page through textContent, never as markup.
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, attrs || {});
  for (const c of children) e.append(c);
  return e;
}

document.getElementById("title").textContent = data.title;
document.getElementById("note").textContent = data.note;

function checkbox(box, value, label, set, swatch) {
  const input = el("input", {type: "checkbox", checked: true, value: value});
  input.addEventListener("change", () => { input.checked ? set.add(value) : set.delete(value); refresh(); });
  const parts = swatch ? [input, el("span", {className: "swatch"}), label] : [input, label];
  if (swatch) parts[1].style.background = swatch;
  box.append(el("label", {}, ...parts));
}
for (const c of data.classes) {
  const count = data.nodes.filter(n => n.cls === c.name).length;
  checkbox(document.getElementById("classes"), c.name, `${c.name} (${count})`, shownClasses, c.colour);
}
for (const r of data.relations) checkbox(document.getElementById("relations"), r, r, shownRelations, null);
const names = document.getElementById("names");
for (const n of data.nodes) for (const name of [n.name, ...n.aliases]) names.append(el("option", {value: name}));

const nodes = new vis.DataSet(data.nodes.map(n => ({
  id: n.id, label: n.label, x: n.x, y: n.y, size: n.size, shape: "dot",
  color: {background: colour[n.cls], border: n.centre ? "#111111" : "#ffffff",
          highlight: {background: colour[n.cls], border: "#111111"}},
  borderWidth: n.centre ? 3 : 1, borderWidthSelected: 3,
  font: {size: data.nodeFont, face: "DejaVu Sans, Verdana, sans-serif", background: "rgba(255,255,255,0.8)"},
})));
function edgeLabel(e) { return e.relations.filter(r => shownRelations.has(r)).join(", "); }
// vis-network draws an edge's label under the nodes, at the edge's middle: the relation names are drawn
// here instead, after the nodes, where the picture puts them (clear of every node), so none hides behind
// one. Nodes stay where the layout put them (no dragging), which those spots were chosen for.
const edges = new vis.DataSet(data.edges.map((e, i) => ({
  id: i, from: e.from, to: e.to,
  arrows: {to: {enabled: !e.symmetric, scaleFactor: 0.6}},
  smooth: e.bend ? {enabled: true, type: "curvedCCW", roundness: e.bend} : {enabled: false},
  color: {color: "#8c8c8c", highlight: "#333333"}, width: 1,
})));
const network = new vis.Network(document.getElementById("graph"), {nodes, edges}, {
  physics: false, layout: {randomSeed: 7}, interaction: {hover: true, multiselect: false, dragNodes: false},
});
const edgeFont = `${data.edgeFont}px "DejaVu Sans", Verdana, sans-serif`;
let shownEdges = new Set();
let labelBoxes = [];  // the relation names as drawn: corners in canvas coordinates, for tests
network.on("afterDrawing", ctx => {
  labelBoxes = [];
  ctx.save();
  ctx.font = edgeFont;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  data.edges.forEach((e, i) => {
    const text = edgeLabel(e);
    if (!text || !shownEdges.has(i)) return;
    const w = ctx.measureText(text).width + data.edgeFont * 0.2, h = data.edgeFont * 1.2;
    const turn = -e.label.angle * Math.PI / 180, c = Math.cos(turn), s = Math.sin(turn);
    ctx.save();
    ctx.translate(e.label.x, e.label.y);
    ctx.rotate(turn);
    ctx.fillStyle = "rgba(255,255,255,0.8)";
    ctx.fillRect(-w / 2, -h / 2, w, h);
    ctx.fillStyle = "#4d4d4d";
    ctx.fillText(text, 0, 0);
    ctx.restore();
    const corners = [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]];
    labelBoxes.push({edge: i, text: text, free: e.label.free,
                     corners: corners.map(([x, y]) => [e.label.x + x * c - y * s, e.label.y + x * s + y * c])});
  });
  ctx.restore();
});

function visible() { return data.nodes.filter(n => shownClasses.has(n.cls)); }
function refresh() {
  const show = new Set(visible().map(n => n.id));
  nodes.update(data.nodes.map(n => ({id: n.id, hidden: !show.has(n.id)})));
  shownEdges = new Set(data.edges.map((e, i) => i)
    .filter(i => edgeLabel(data.edges[i]) && show.has(data.edges[i].from) && show.has(data.edges[i].to)));
  edges.update(data.edges.map((e, i) => ({id: i, hidden: !shownEdges.has(i)})));
  document.getElementById("count").textContent = `${show.size} entities, ${shownEdges.size} relations shown`;
}
refresh();

function nameOf(id) { return byId.has(id) ? byId.get(id).name : id; }
function showDetails(id) {
  const n = byId.get(id);
  const box = document.getElementById("details");
  box.replaceChildren(el("h2", {textContent: n.name}), el("div", {className: "cls", textContent: n.cls}));
  if (n.aliases.length) box.append(el("div", {className: "cls", textContent: "also: " + n.aliases.join("; ")}));
  const list = n.facts.filter(f => f.value !== undefined || shownRelations.has(f.p));
  if (!list.length) box.append(el("p", {className: "nosource", textContent: "No facts shown."}));
  for (const f of list) {
    const what = f.value !== undefined ? `${f.p}: ${f.value}` : `${nameOf(f.s)} — ${f.p} → ${nameOf(f.o)}`;
    const fact = el("div", {className: "fact"}, el("div", {className: "what", textContent: what}));
    if (!f.sources.length) fact.append(el("div", {className: "nosource", textContent: "no source sentence recorded"}));
    for (const s of f.sources) {
      fact.append(el("blockquote", {className: "sentence", textContent: s.sentence}));
      const doc = s.title ? `${s.document} · ${s.title}` : s.document;
      fact.append(el("div", {className: "doc", textContent: doc}));
    }
    box.append(fact);
  }
}
network.on("click", params => { if (params.nodes.length) showDetails(params.nodes[0]); });

function fold(text) {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[\u2010-\u2015-]/g, " ").replace(/[^\p{L}\p{N}\s]/gu, "").replace(/\s+/g, " ").trim()
    .replace(/^the /, "");
}
const search = document.getElementById("search");
function matches() {
  const want = fold(search.value);
  if (!want) return [];
  const show = new Set(visible().map(n => n.id));
  return data.nodes.filter(n => show.has(n.id) && [n.name, ...n.aliases].some(a => fold(a).includes(want)));
}
search.addEventListener("input", () => {
  const found = matches();
  network.selectNodes(found.map(n => n.id));
  document.getElementById("matches").textContent = search.value ? `${found.length} found` : "";
  const exact = found.find(n => [n.name, ...n.aliases].some(a => fold(a) === fold(search.value)));
  if (exact) { network.focus(exact.id, {scale: 1.2, animation: false}); showDetails(exact.id); }
});
search.addEventListener("keydown", event => {
  const found = matches();
  if (event.key === "Enter" && found.length) {
    network.focus(found[0].id, {scale: 1.2, animation: false});
    network.selectNodes([found[0].id]);
    showDetails(found[0].id);
  }
});
window.treatykg = {network, nodes, edges, showDetails, labelBoxes: () => labelBoxes};
</script>
</body>
</html>
"""
