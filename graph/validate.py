"""Validation: SHACL (pySHACL) over the union of the document graphs, with the ontology."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import RDFSyntaxError
from .namespaces import document_iri
from .resources import ontology_file, shapes_file
from .store import OxigraphStore, Store


@dataclass
class ValidationReport:
    conforms: bool
    text: str
    violations: int


_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld",
            ".json": "json-ld", ".rdf": "xml", ".owl": "xml", ".n3": "n3"}


def load_rdf_file(path: str | Path):
    """Parse an RDF file (format by extension) into an rdflib Dataset (a plain graph file fills its
    default graph)."""
    import rdflib

    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise RDFSyntaxError(f"{path}: unknown RDF file extension (use one of {', '.join(_FORMATS)})")
    if not path.is_file():
        raise RDFSyntaxError(f"{path}: no such file")
    ds = rdflib.Dataset()
    try:
        ds.parse(str(path), format=fmt)
    except Exception as exc:  # rdflib raises many unrelated types for bad syntax
        raise RDFSyntaxError(f"{path}: not valid {fmt}: {' '.join(str(exc).split())[:300]}") from None
    return ds


def merged_graph(ds):
    """What the store would make of a dataset: its named graphs merged as documents are (one
    prefLabel per entity: an export names each document's graph, and documents may name an entity
    differently), plus the triples of its default graph as they are."""
    import rdflib
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    merged = rdflib.Graph()
    docs = {}
    for g in ds.graphs():
        if g.identifier == DATASET_DEFAULT_GRAPH_ID or not isinstance(g.identifier, rdflib.URIRef):
            merged += g
        elif len(g):
            text = g.serialize(format="nt", encoding="utf-8")
            docs[document_iri(str(g.identifier))] = [q.triple for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)]
    if docs:
        store = OxigraphStore(None)
        store.replace_documents(docs)
        merged += store_graph(store)
    return merged


def store_graph(store: Store):
    """The union of the store's document graphs as an rdflib Graph (via N-Triples)."""
    import rdflib

    g = rdflib.Graph()
    g.parse(data=store.dump("ntriples", union=True).decode("utf-8"), format="nt")
    return g


def validate_graph(data) -> ValidationReport:
    """Validate an rdflib Graph against ``ontology/shapes.ttl`` (with the ontology's class hierarchy)."""
    import rdflib
    from pyshacl import validate

    shapes = rdflib.Graph().parse(str(shapes_file()), format="turtle")
    ontology = rdflib.Graph().parse(str(ontology_file()), format="turtle")
    conforms, results, text = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs",
                                       advanced=True, allow_warnings=False)
    from rdflib.namespace import SH

    if not isinstance(results, rdflib.Graph):  # pySHACL could not run the shapes at all
        raise RDFSyntaxError(f"SHACL validation failed: {' '.join(str(text).split())[:300]}")
    violations = len(list(results.subjects(rdflib.RDF.type, SH.ValidationResult)))
    return ValidationReport(bool(conforms), text, violations)


def validate_store(store: Store) -> ValidationReport:
    return validate_graph(store_graph(store))


def validate_file(path: str | Path) -> ValidationReport:
    """Validate an RDF file; the graphs of a dataset (TriG, N-Quads, JSON-LD) are merged as the store
    merges documents, so a store and its export give the same report."""
    return validate_graph(merged_graph(load_rdf_file(path)))
