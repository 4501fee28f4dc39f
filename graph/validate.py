"""Validation: SHACL (pySHACL) over the union of the document graphs, with the ontology."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import RDFSyntaxError
from .resources import ontology_file, shapes_file
from .store import Store


@dataclass
class ValidationReport:
    conforms: bool
    text: str
    violations: int


_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld",
            ".json": "json-ld", ".rdf": "xml", ".owl": "xml", ".n3": "n3"}


def load_rdf_file(path: str | Path):
    """Parse an RDF file (format by extension) into one rdflib Graph holding all its triples."""
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
    g = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


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
    return validate_graph(load_rdf_file(path))
