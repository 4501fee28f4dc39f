"""Export: the store as Turtle, TriG, N-Quads, N-Triples, JSON-LD, RDF/XML or GraphML."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import TreatyKGError
from .namespaces import PREFIXES
from .store import RDF_FORMATS, Store

FORMATS = ("turtle", "trig", "nquads", "ntriples", "jsonld", "graphml", "rdfxml")
EXTENSIONS = {"turtle": "ttl", "trig": "trig", "nquads": "nq", "ntriples": "nt", "jsonld": "jsonld",
              "graphml": "graphml", "rdfxml": "rdf"}
_BY_EXTENSION = {ext: fmt for fmt, ext in EXTENSIONS.items()}
# Longest namespace first, so a namespace inside another (none today) would still get its own prefix.
_NAMESPACES = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def _compact_iri(iri: str) -> str:
    for prefix, ns in _NAMESPACES:
        rest = iri[len(ns):]
        # "prefix://..." would read as an absolute IRI, not a compact one: leave such IRIs whole.
        if iri.startswith(ns) and rest and not rest.startswith("//"):
            return f"{prefix}:{rest}"
    return iri


def _compact(node: object) -> object:
    if isinstance(node, list):
        return [_compact(x) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict = {}
    for key, value in node.items():
        if key == "@id" or key == "@type":
            out[key] = [_compact_iri(v) for v in value] if isinstance(value, list) else _compact_iri(value)
        elif key.startswith("@"):
            out[key] = _compact(value)
        else:
            out[_compact_iri(key)] = _compact(value)
    return out


def compact_jsonld(expanded: bytes) -> bytes:
    """Expanded JSON-LD (as pyoxigraph writes it, quickly) with the project's prefixes as its context,
    so that terms read ``tkg:signed`` and ``id:person/...``; the triples are unchanged."""
    data = _compact(json.loads(expanded))
    return json.dumps({"@context": dict(PREFIXES), "@graph": data}, ensure_ascii=False, indent=1).encode("utf-8")


def export(store: Store, fmt: str) -> bytes:
    """Serialise the whole store. Graph formats merge the document graphs; TriG/N-Quads keep them."""
    if fmt in RDF_FORMATS:
        return store.dump(fmt)
    if fmt == "jsonld":
        import rdflib

        ds = rdflib.Dataset()
        ds.parse(data=store.dump("nquads").decode("utf-8"), format="nquads")
        return ds.serialize(format="json-ld", indent=1, auto_compact=True).encode("utf-8")
    if fmt == "graphml":
        import io

        import networkx as nx

        from .render import entity_graph

        g = entity_graph(store)
        simple = nx.MultiDiGraph()
        for n, d in g.nodes(data=True):
            simple.add_node(n, **{k: str(v) for k, v in d.items() if v is not None})
        for u, v, d in g.edges(data=True):
            simple.add_edge(u, v, **{k: str(x) for k, x in d.items() if x is not None})
        buf = io.BytesIO()
        nx.write_graphml(simple, buf)
        return buf.getvalue()
    raise TreatyKGError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def export_to(store: Store, fmt: str, path: str | Path) -> Path:
    """Write an export to a file (written next to it first, then moved, so a failure leaves no half file)."""
    path = Path(path)
    data = export(store, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
