"""Exports: format by extension, JSON-LD with the project's prefixes, SHACL on the data alone, GraphML."""

import json
import re

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from graph.cli import cli
from graph.errors import TreatyKGError
from graph.export import export, export_format
from graph.namespaces import PREFIXES
from graph.pipeline import ingest
from graph.resources import shapes_file
from graph.store import OxigraphStore


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, seeds_dir):
    """The seeds ingested once into a store on disk, shared by the read-only tests."""
    path = tmp_path_factory.mktemp("export") / "store"
    store = OxigraphStore(path)
    ingest([seeds_dir], store)
    store.close()
    return path


def union_graph(data: bytes, fmt: str) -> rdflib.Graph:
    """All triples of a dataset or graph file, graph names dropped."""
    ds = rdflib.Dataset()
    ds.parse(data=data.decode("utf-8"), format=fmt)
    g = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


@pytest.mark.parametrize("fmt, output, expected", [
    (None, None, "turtle"),
    (None, "out/graph.ttl", "turtle"),
    (None, "g.trig", "trig"),
    (None, "g.NQ", "nquads"),
    (None, "g.nt", "ntriples"),
    (None, "g.jsonld", "jsonld"),
    (None, "g.rdf", "rdfxml"),
    (None, "g.graphml", "graphml"),
    ("nquads", None, "nquads"),
    ("trig", "g.trig", "trig"),
    ("ntriples", "g.txt", "ntriples"),  # an extension the project does not know: --format decides
])
def test_export_format_follows_extension(fmt, output, expected):
    assert export_format(fmt, output) == expected


def test_export_format_mismatch_and_unknown_extension():
    with pytest.raises(TreatyKGError, match=r"--format turtle does not match 'g\.nq' \(\.nq is nquads\)"):
        export_format("turtle", "g.nq")
    with pytest.raises(TreatyKGError, match=r"\.ttl, \.trig, \.nq, \.nt, \.jsonld, \.graphml, \.rdf"):
        export_format(None, "g.xyz")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_writes_the_format_of_the_extension(seeded, tmp_path):
    out = tmp_path / "x.nq"
    result = invoke("export", "-o", out, "--store", seeded)
    assert result.exit_code == 0, result.output
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    assert quads and all(isinstance(q.graph_name, ox.NamedNode) for q in quads)
    assert not out.read_text().startswith("@prefix")


@pytest.mark.parametrize("args, message", [
    (["--format", "turtle", "-o", "{tmp}/x.nq"], "does not match"),
    (["-o", "{tmp}/x.xyz"], ".ttl, .trig, .nq"),
])
def test_cli_refuses_mismatch_and_unknown_extension(seeded, tmp_path, args, message):
    result = invoke("export", *[a.format(tmp=tmp_path) for a in args], "--store", seeded)
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output and list(tmp_path.iterdir()) == []


def test_jsonld_uses_project_prefixes_and_parses_back(seeded):
    store = OxigraphStore(seeded, read_only=True)
    data = export(store, "jsonld")
    nquads = store.dump("nquads")
    doc = json.loads(data)
    assert doc["@context"] == PREFIXES
    text = data.decode("utf-8")
    assert '"tkg:partyTo"' in text and '"@id": "id:' in text and '"skos:prefLabel"' in text
    assert "https://w3id.org/treatykg/ontology#" not in text.replace('"tkg": "https://w3id.org/treatykg/ontology#"', "")
    # The same quads, graph names included, read by two independent parsers.
    assert set(ox.parse(data, format=ox.RdfFormat.JSON_LD)) == set(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    assert isomorphic(union_graph(data, "json-ld"), union_graph(nquads, "nquads"))


def _conforms(data: rdflib.Graph) -> tuple[bool, str]:
    shapes = rdflib.Graph().parse(str(shapes_file()), format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes)
    return conforms, text


def test_export_conforms_to_shapes_without_the_ontology(seeded):
    store = OxigraphStore(seeded, read_only=True)
    conforms, text = _conforms(union_graph(export(store, "nquads"), "nquads"))
    assert conforms, text


def test_unknown_event_status_violates_shapes(seeded):
    store = OxigraphStore(seeded, read_only=True)
    g = union_graph(export(store, "nquads"), "nquads")
    tkg = rdflib.Namespace(PREFIXES["tkg"])
    event = next(iter(g.subjects(tkg.status, tkg.asserted)))
    g.set((event, tkg.status, tkg.rumoured))
    conforms, text = _conforms(g)
    assert not conforms and "tkg:status" in text


def test_graphml_edges_carry_date_evidence_and_document(seeded, tmp_path):
    import networkx as nx

    store = OxigraphStore(seeded, read_only=True)
    out = tmp_path / "g.graphml"
    out.write_bytes(export(store, "graphml"))
    g = nx.read_graphml(out, force_multigraph=True)
    edges = list(g.edges(data=True))
    assert edges and all({"relation", "evidence", "document"} <= set(d) for *_, d in edges)
    assert {d["dated"] for *_, d in edges} == {"sentence", "published"}
    assert all(re.fullmatch(r"\d{4}(-\d\d){0,2}", d["date"]) for *_, d in edges)
    # A date taken from the sentence is the date of that act's own event, read from that very sentence.
    events = {(sol["s"].value, sol["o"].value, sol["text"].value, sol["d"].value) for sol in store.query(
        "SELECT ?s ?o ?text ?d WHERE { ?e tkg:agent ?s ; tkg:treaty ?o ; tkg:date ?d ;"
        " prov:wasDerivedFrom/nif:anchorOf ?text }")}
    ratified = [(u, v, d) for u, v, d in edges if d["relation"] == "ratified"]
    assert ratified and all((u, v, d["evidence"], d["date"]) in events for u, v, d in ratified)
    # Each edge's document is a document of the store, by its title.
    titles = {sol["t"].value for sol in store.query("SELECT ?t WHERE { ?d a tkg:Document ; rdfs:label ?t }")}
    assert {d["document"] for *_, d in edges} <= titles
