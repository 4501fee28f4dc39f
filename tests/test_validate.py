import rdflib

from graph.pipeline import ingest
from graph.store import OxigraphStore
from graph.validate import store_graph, validate_graph, validate_store

TKG = rdflib.Namespace("https://w3id.org/treatykg/ontology#")


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
