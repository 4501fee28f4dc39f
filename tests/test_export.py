"""Exports: format by extension, JSON-LD with the project's prefixes, SHACL on the data alone, GraphML."""

import io
import json
import re

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from graph.cli import cli
from graph.errors import TreatyKGError
from graph.export import export, export_format
from graph.namespaces import ID, PREFIXES
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
    assert '"tkg:partyTo"' in text and '"@id": "state:' in text and '"skos:prefLabel"' in text
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


def test_control_characters_are_cleaned_at_ingest_so_xml_exports_hold(tmp_path):
    """C0 controls in a document and in its metadata (sidecar, JSON Lines fields) become spaces when they
    become literals, one for one, so offsets still point at the same text; RDF/XML and GraphML then hold."""
    import networkx as nx

    (tmp_path / "a.txt").write_text("Argentina and Uru\x01guay signed the River Plate\x02 Treaty in 1973.\x0b "
                                    "Chile\x1f attended.\n", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"title": "Plate\x03 treaty", "source": "Wire\x04",
                                                      "url": "https://news.example/\x05a"}), encoding="utf-8")
    (tmp_path / "d.jsonl").write_text(json.dumps({"text": "Chile and Peru signed the Lima\x06 Treaty in 1929.",
                                                  "title": "Lima\x07", "id": "lima\x08"}) + "\n", encoding="utf-8")
    store = OxigraphStore(None)
    ingest([tmp_path], store)
    literals = [sol["o"].value for sol in store.query("SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }")]
    assert literals and not [v for v in literals if _XML_INVALID.search(v)]
    titles = {sol["t"].value for sol in store.query("SELECT ?t WHERE { ?d dcterms:title ?t }")}
    assert titles == {"Plate treaty", "Lima"}
    # Each sentence's text is still the slice of the document's text its offsets name.
    for sol in store.query("SELECT ?text ?b ?e ?all WHERE { ?s nif:anchorOf ?text ; nif:beginIndex ?b ; "
                           "nif:endIndex ?e ; nif:referenceContext/nif:isString ?all }"):
        assert sol["all"].value[int(sol["b"].value):int(sol["e"].value)] == sol["text"].value
    assert "Uru guay" in " ".join(literals)
    rdfxml = export(store, "rdfxml")
    assert {q.triple for q in ox.parse(rdfxml, format=ox.RdfFormat.RDF_XML)} == {
        q.triple for q in ox.parse(store.dump("ntriples", union=True), format=ox.RdfFormat.N_TRIPLES)}
    g = nx.read_graphml(io.BytesIO(export(store, "graphml")), force_multigraph=True)
    assert g.number_of_edges() > 0


# Round trips: random small graphs, every export format read back by independent parsers.
_RELATIONS = ("signed", "partyTo", "metWith", "visited", "invokes")
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
_OX = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
       "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
_RDFLIB = {"turtle": "turtle", "trig": "trig", "nquads": "nquads", "ntriples": "nt", "jsonld": "json-ld",
           "rdfxml": "xml"}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@st.composite
def small_graphs(draw) -> dict[str, list[tuple]]:
    """One or two documents naming a few entities (labels with any characters) and relations between them."""
    tkg = PREFIXES["tkg"]
    entities = draw(st.lists(st.tuples(st.sampled_from(("Person", "State", "Treaty")), _TEXT,
                                       st.lists(_TEXT, max_size=2)), min_size=1, max_size=4))
    docs = {}
    for d in range(draw(st.integers(1, 2))):
        doc = ox.NamedNode(f"{ID}doc/{d}")
        triples = [(doc, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(tkg + "Document")),
                   (doc, ox.NamedNode(PREFIXES["rdfs"] + "label"),
                    ox.Literal(draw(_TEXT), language=draw(st.sampled_from(("en", "fr-be"))))),
                   (doc, ox.NamedNode(tkg + "publishedDate"),
                    ox.Literal(draw(st.dates()).isoformat(), datatype=ox.NamedNode(PREFIXES["xsd"] + "date")))]
        for i, (cls, label, alts) in enumerate(entities):
            node = ox.NamedNode(f"{ID}{cls.lower()}/{i}")
            triples += [(node, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(tkg + cls)),
                        (node, ox.NamedNode(PREFIXES["skos"] + "prefLabel"), ox.Literal(label)),
                        (node, ox.NamedNode(tkg + "mentionedIn"), doc)]
            triples += [(node, ox.NamedNode(PREFIXES["skos"] + "altLabel"), ox.Literal(a)) for a in alts]
        n = len(entities)
        for s, rel, o in draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(_RELATIONS),
                                                 st.integers(0, n - 1)), max_size=4)):
            triples.append((ox.NamedNode(f"{ID}{entities[s][0].lower()}/{s}"),
                            ox.NamedNode(tkg + rel), ox.NamedNode(f"{ID}{entities[o][0].lower()}/{o}")))
        docs[doc.value] = list(dict.fromkeys(triples))
    return docs


def _store(docs: dict[str, list[tuple]]) -> OxigraphStore:
    store = OxigraphStore(None)
    store.replace_documents(docs)
    return store


@pytest.mark.parametrize("fmt, rdflib_format", [("turtle", "turtle"), ("trig", "trig"), ("jsonld", "json-ld")])
def test_prefixed_names_need_no_escapes_and_parse_back(seeded, fmt, rdflib_format):
    """Entities are written state:chile, treaty:..., with one prefix per class; IRIs that no prefix would
    give a plain local name (articles: id/article/<treaty>/art_4) are written whole, never escaped."""
    store = OxigraphStore(seeded, read_only=True)
    data = export(store, fmt)
    text = data.decode("utf-8")
    assert "\\/" not in text and not re.search(r"(?<![\w:/])id:", text)
    assert re.search(r"\bstate:[a-z]", text) and re.search(r"\btreaty:[a-z]", text) and "tkg:signatureDate" in text
    assert "<https://w3id.org/treatykg/id/article/" in text or '"https://w3id.org/treatykg/id/article/' in text
    assert isomorphic(union_graph(data, rdflib_format), union_graph(store.dump("nquads"), "nquads"))


def test_construct_output_uses_the_same_prefixes(seeded):
    store = OxigraphStore(seeded, read_only=True)
    result = CliRunner().invoke(cli, ["query", "CONSTRUCT WHERE { ?s tkg:partyTo ?t ; ?p ?o }",
                                      "--store", str(seeded)])
    assert result.exit_code == 0, result.output
    assert "\\/" not in result.output and "@prefix state: <https://w3id.org/treatykg/id/state/> ." in result.output
    assert re.search(r"^state:[a-z][\w-]* ", result.output, re.M)
    expected = rdflib.Graph().parse(data=store.dump("ntriples", union=True).decode("utf-8"), format="nt")
    back = rdflib.Graph().parse(data=result.output, format="turtle")
    assert len(back) > 0 and all(t in expected for t in back)


def _has_xml_invalid(docs: dict[str, list[tuple]], only: str = "") -> bool:
    """Whether a literal (of a predicate ending in ``only``) has a character XML cannot hold."""
    return any(isinstance(o, ox.Literal) and p.value.endswith(only) and _XML_INVALID.search(o.value)
               for ts in docs.values() for _, p, o in ts)


@settings(max_examples=25, deadline=None)
@given(small_graphs(), st.sampled_from(sorted(_OX)))
def test_rdf_exports_round_trip(docs, fmt):
    store = _store(docs)
    if fmt == "rdfxml" and _has_xml_invalid(docs):
        with pytest.raises(TreatyKGError, match="RDF/XML cannot hold"):
            export(store, fmt)
        return
    data = export(store, fmt)
    quads = {(s, p, o, ox.NamedNode(d)) for d, ts in docs.items() for s, p, o in ts}
    back = set(ox.parse(data, format=_OX[fmt]))
    if fmt in {"trig", "nquads", "jsonld"}:
        assert {(q.subject, q.predicate, q.object, q.graph_name) for q in back} == quads
    else:
        assert {q.triple for q in back} == {ox.Triple(s, p, o) for s, p, o, _ in quads}
    expected = rdflib.Graph().parse(data=store.dump("ntriples", union=True).decode("utf-8"), format="nt")
    assert isomorphic(union_graph(data, _RDFLIB[fmt]), expected)


@settings(max_examples=15, deadline=None)
@given(small_graphs())
def test_graphml_round_trips_labels_and_edges(docs):
    import networkx as nx

    store = _store(docs)
    if _has_xml_invalid(docs, only="Label"):  # only names reach GraphML here: these graphs have no evidence
        with pytest.raises(TreatyKGError, match="GraphML cannot hold"):
            export(store, "graphml")
        return
    g = nx.read_graphml(io.BytesIO(export(store, "graphml")), force_multigraph=True)
    labels = {s.value: o.value for ts in docs.values() for s, p, o in ts if p.value.endswith("#prefLabel")}
    assert {n: d["label"] for n, d in g.nodes(data=True)} == labels
    relations = {(s.value, p.value.split("#")[1], o.value) for ts in docs.values() for s, p, o in ts
                 if p.value.split("#")[-1] in _RELATIONS and s != o}
    assert {(u, d["relation"], v) for u, v, d in g.edges(data=True)} == relations
