"""Export: the store as Turtle, TriG, N-Quads, N-Triples, JSON-LD or GraphML."""

from __future__ import annotations

from pathlib import Path

from .errors import TreatyKGError
from .store import RDF_FORMATS, Store

FORMATS = ("turtle", "trig", "nquads", "ntriples", "jsonld", "graphml", "rdfxml")
EXTENSIONS = {"turtle": "ttl", "trig": "trig", "nquads": "nq", "ntriples": "nt", "jsonld": "jsonld",
              "graphml": "graphml", "rdfxml": "rdf"}


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
