from pathlib import Path

import pytest
import rdflib

from graph.export import export_to
from graph.pipeline import ingest
from graph.store import OxigraphStore
from graph.validate import store_graph, validate_file, validate_graph, validate_store

TKG = rdflib.Namespace("https://w3id.org/treatykg/ontology#")
ROOT = Path(__file__).parent.parent


def test_ingested_graph_conforms(sample_doc):
    store = OxigraphStore(None)
    ingest([sample_doc], store)
    report = validate_store(store)
    assert report.conforms, report.text


def test_fact_without_evidence_is_a_violation(sample_doc):
    store = OxigraphStore(None)
    ingest([sample_doc], store)
    g = store_graph(store)
    person = next(g.subjects(rdflib.RDF.type, TKG.Person))
    state = next(g.subjects(rdflib.RDF.type, TKG.State))
    g.add((person, TKG.visited, state))
    report = validate_graph(g)
    assert not report.conforms and "no assertion" in report.text


def test_two_preflabels_and_bad_dates_are_violations(sample_doc):
    store = OxigraphStore(None)
    ingest([sample_doc], store)
    g = store_graph(store)
    treaty = next(g.subjects(rdflib.RDF.type, TKG.Treaty))
    g.add((treaty, rdflib.SKOS.prefLabel, rdflib.Literal("Another name")))
    g.add((treaty, TKG.signatureDate, rdflib.Literal("yesterday")))
    report = validate_graph(g)
    assert not report.conforms and report.violations >= 2


@pytest.fixture(scope="module")
def project_corpora(tmp_path_factory) -> Path:
    """tests/corpus, tests/holdout and seeds in one store, where documents name some places differently
    (a dateline's "NEW YORK", "New York" elsewhere)."""
    store_path = tmp_path_factory.mktemp("corpora") / "store"
    store = OxigraphStore(store_path)
    report = ingest([ROOT / "tests" / "corpus", ROOT / "tests" / "holdout", ROOT / "seeds"], store, progress=False)
    assert not report.errors
    store.close()
    return store_path


def test_project_corpora_conform_with_one_preflabel_per_entity(project_corpora, tmp_path):
    store = OxigraphStore(project_corpora, read_only=True)
    report = validate_store(store)
    assert report.conforms, report.text
    rows = store.query("SELECT ?x WHERE { ?x skos:prefLabel ?a , ?b FILTER(?a != ?b) } LIMIT 1")
    assert not list(rows)
    for suffix in (".trig", ".nq", ".jsonld"):
        export_to(store, {".trig": "trig", ".nq": "nquads", ".jsonld": "jsonld"}[suffix], tmp_path / f"g{suffix}")
        assert validate_file(tmp_path / f"g{suffix}").conforms, suffix


def test_a_graph_file_with_two_preflabels_still_does_not_conform(sample_doc, tmp_path):
    store = OxigraphStore(None)
    ingest([sample_doc], store)
    g = store_graph(store)
    treaty = next(g.subjects(rdflib.RDF.type, TKG.Treaty))
    g.add((treaty, rdflib.SKOS.prefLabel, rdflib.Literal("LISBON TREATY")))
    g.serialize(tmp_path / "g.ttl", format="turtle")
    assert not validate_file(tmp_path / "g.ttl").conforms
