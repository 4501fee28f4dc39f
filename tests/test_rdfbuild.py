from datetime import date

import pyoxigraph as ox

from graph.documents import document_from_text
from graph.extract import extract
from graph.namespaces import entity_iri
from graph.rdfbuild import build_triples, date_literal

TEXT = ("Argentina and Uruguay signed the River Plate Treaty on 19 November 1973 in Montevideo. "
        "Uruguayan President Juan Maria Bordaberry attended.")


def test_build_is_deterministic():
    doc = document_from_text("r.txt", TEXT, date(1973, 12, 1))
    assert build_triples(extract(doc)) == build_triples(extract(doc))


def test_entity_iris_come_from_class_and_name():
    triples = build_triples(extract(document_from_text("r.txt", TEXT, date(1973, 12, 1))))
    subjects = {t[0].value for t in triples}
    assert entity_iri("State", "argentina") in subjects
    assert entity_iri("Treaty", "river plate treaty") in subjects


def test_date_literals_by_precision():
    assert date_literal("2024-12-04").datatype.value.endswith("#date")
    assert date_literal("2024-12").datatype.value.endswith("#gYearMonth")
    assert date_literal("2024").datatype.value.endswith("#gYear")


def test_assertion_points_to_sentence_with_rule():
    triples = build_triples(extract(document_from_text("r.txt", TEXT, date(1973, 12, 1))))
    store = ox.Store()
    store.extend(ox.Quad(*t) for t in triples)
    rows = list(store.query("""
        PREFIX tkg: <https://w3id.org/treatykg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
        SELECT ?rule ?text WHERE { ?a rdf:predicate tkg:signed ; tkg:rule ?rule ;
                                      prov:wasDerivedFrom/nif:anchorOf ?text }"""))
    assert rows and all("signed the River Plate Treaty" in r["text"].value for r in rows)
