"""Export: the store as Turtle, TriG, N-Quads, N-Triples, JSON-LD, RDF/XML or GraphML."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .atomic import atomic_output
from .errors import TreatyKGError
from .namespaces import PREFIXES, TKG, compact_iri
from .store import RDF_FORMATS, Store

if TYPE_CHECKING:
    import networkx as nx

FORMATS = ("turtle", "trig", "nquads", "ntriples", "jsonld", "graphml", "rdfxml")
EXTENSIONS = {"turtle": "ttl", "trig": "trig", "nquads": "nq", "ntriples": "nt", "jsonld": "jsonld",
              "graphml": "graphml", "rdfxml": "rdf"}
_BY_EXTENSION = {ext: fmt for fmt, ext in EXTENSIONS.items()}
_ACCEPTED = ", ".join(f".{ext}" for ext in EXTENSIONS.values())


def _compact_iri(iri: str) -> str:
    return compact_iri(iri) or iri


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
    so that terms read ``tkg:signed`` and ``state:chile`` (IRIs without a plain local name stay
    whole, as in Turtle); the triples are unchanged."""
    data = _compact(json.loads(expanded))
    return json.dumps({"@context": dict(PREFIXES), "@graph": data}, ensure_ascii=False, indent=1).encode("utf-8")


# Characters XML 1.0 cannot carry even as references (C0 controls but tab and newlines; U+FFFE, U+FFFF),
# matched in UTF-8: such bytes never occur inside a multi-byte sequence.
_XML_INVALID = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def _xml_safe(data: bytes, name: str) -> bytes:
    """XML output that every XML parser reads back as written, or an error rather than a file they refuse.

    A raw carriage return would come back as a newline (XML normalises line ends), so it is written as a
    character reference; the serialisers only ever emit it inside text or attribute values."""
    bad = _XML_INVALID.search(data)
    if bad:
        char = bad.group().decode("utf-8")
        raise TreatyKGError(f"{name} cannot hold the character U+{ord(char):04X} found in a literal; "
                            f"export Turtle, N-Triples or JSON-LD instead")
    return data.replace(b"\r", b"&#13;")


def export_format(fmt: str | None, output: str | Path | None) -> str:
    """The format to write: ``fmt`` when given, else the one the output's extension names (Turtle on stdout).

    A ``fmt`` that contradicts a known extension is refused rather than silently writing, say, Turtle into
    ``graph.nq``; with ``fmt`` given, an extension the project does not know is the user's choice."""
    ext = Path(output).suffix.lower().lstrip(".") if output is not None else ""
    implied = _BY_EXTENSION.get(ext)
    if fmt is None:
        if output is None:
            return "turtle"
        if implied is None:
            raise TreatyKGError(f"cannot tell the export format of {str(output)!r}: name it {_ACCEPTED}, "
                                f"or give --format")
        return implied
    if fmt not in FORMATS:
        raise TreatyKGError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if implied is not None and implied != fmt:
        raise TreatyKGError(f"--format {fmt} does not match {str(output)!r} (.{ext} is {implied})")
    return fmt


# Each piece of evidence for a relation: its sentence, document, and the date of the act when an event read
# from the same sentence links the same two entities and carries one, else the document's publication date.
_EVIDENCE = """
SELECT ?s ?p ?o ?text ?doc ?docLabel ?own ?published WHERE {{
  VALUES ?p {{ {values} }}
  ?a a tkg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?sent .
  ?sent nif:anchorOf ?text ; nif:referenceContext ?doc .
  OPTIONAL {{ ?doc rdfs:label ?docLabel }}
  OPTIONAL {{ ?doc tkg:publishedDate ?published }}
  OPTIONAL {{
    SELECT ?s ?o ?sent (MIN(STR(?d)) AS ?own) WHERE {{
      ?e tkg:agent ?s ; tkg:date ?d ; prov:wasDerivedFrom ?sent .
      {{ ?e tkg:treaty ?o }} UNION {{ ?e tkg:agent ?o }} UNION {{ ?e tkg:place ?o }}
    }} GROUP BY ?s ?o ?sent
  }}
}} ORDER BY ?s ?p ?o ?doc ?text"""


def graphml_graph(store: Store) -> nx.MultiDiGraph:
    """The entity graph as GraphML wants it: string attributes only, and one edge per piece of evidence
    (``relation``, ``date``, ``dated`` = sentence|published, ``evidence`` = the sentence, ``document``), so
    that a tool such as Gephi can filter statements by time and show where each one comes from. A relation
    with no recorded evidence keeps a single edge with its ``relation`` only."""
    import networkx as nx

    from .render import RELATIONS, entity_graph

    g = entity_graph(store)
    evidence: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for sol in store.query(_EVIDENCE.format(values=" ".join(f"tkg:{r}" for r in RELATIONS))):
        own, published = sol["own"], sol["published"]
        doc = sol["docLabel"] or sol["doc"]
        attrs = {"evidence": sol["text"].value, "document": doc.value}
        if own is not None or published is not None:
            attrs["date"] = (own or published).value
            attrs["dated"] = "sentence" if own is not None else "published"
        key = (sol["s"].value, sol["p"].value[len(TKG):], sol["o"].value)
        evidence.setdefault(key, []).append(attrs)
    out = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        out.add_node(n, **{k: str(v) for k, v in d.items() if v is not None})
    for u, v, rel in g.edges(keys=True):
        for i, attrs in enumerate(evidence.get((u, rel, v), [{}])):
            out.add_edge(u, v, key=f"{rel}-{i}", relation=rel, **attrs)
    return out


def export(store: Store, fmt: str) -> bytes:
    """Serialise the whole store. Graph formats merge the document graphs; TriG/N-Quads keep them."""
    if fmt == "rdfxml":
        return _xml_safe(store.dump(fmt), "RDF/XML")
    if fmt in RDF_FORMATS:
        return store.dump(fmt)
    if fmt == "jsonld":
        # pyoxigraph writes JSON-LD fast but ignores ``prefixes`` (expanded form only, as of 0.5), so its
        # output is compacted against the project's prefixes here rather than by a full JSON-LD processor.
        quads = ox.parse(store.dump("nquads"), format=ox.RdfFormat.N_QUADS)
        return compact_jsonld(ox.serialize(quads, format=ox.RdfFormat.JSON_LD))
    if fmt == "graphml":
        import io

        import networkx as nx

        g = graphml_graph(store)
        # The XML writer refuses such characters with its own message: name the problem in ours first.
        for _, _, d in [*((n, n, d) for n, d in g.nodes(data=True)), *g.edges(data=True)]:
            for value in d.values():
                _xml_safe(value.encode("utf-8"), "GraphML")
        buf = io.BytesIO()
        nx.write_graphml(g, buf)
        return _xml_safe(buf.getvalue(), "GraphML")
    raise TreatyKGError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def export_to(store: Store, fmt: str, path: str | Path) -> Path:
    """Write an export to a file (written next to it first, then moved, so a failure leaves no half file)."""
    path = Path(path)
    data = export(store, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)
    return path
