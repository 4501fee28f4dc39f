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


def test_a_paragraph_is_typed_and_part_of_its_article():
    text = "Ghana invoked Article 7(1) of the Treaty on Reef Fisheries on 2 May 2030."
    triples = build_triples(extract(document_from_text("r.txt", text, date(2030, 5, 3))))
    types: dict[str, set[str]] = {}
    for s, p, o, *_ in triples:
        if p.value.endswith("#type"):
            types.setdefault(s.value, set()).add(o.value.rsplit("#", 1)[-1])
    [para] = [s for s, ts in types.items() if "Paragraph" in ts]
    assert "Article" in types[para]
    [parent] = [t[2].value for t in triples if t[0].value == para and t[1].value.endswith("#is_part_of")]
    assert types[parent] == {"Article"}


def test_the_page_s_author_and_named_outlet_are_its_creator_and_publisher():
    text = "By Ana Ruiz | The Harbour Times\nGhana and Togo signed the Keta Fisheries Accord on 2 May 2030."
    doc = document_from_text("r.txt", text, date(2030, 5, 3), source="The Harbour Times")
    triples = {(t[0].value, t[1].value.rsplit("/", 1)[-1], t[2].value) for t in build_triples(extract(doc))}
    assert (doc.iri, "creator", entity_iri("Person", "ana ruiz")) in triples
    assert (doc.iri, "publisher", entity_iri("Organization", "harbour times")) in triples
    # An outlet the page never names is only the document's source string.
    unnamed = document_from_text("s.txt", text.replace(" | The Harbour Times", ""), source="Harbour Wire")
    assert not [t for t in build_triples(extract(unnamed)) if t[1].value.endswith("/publisher")]


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


def test_asserted_signings_with_a_signer_become_signed_facts_from_their_sentence(seeds_dir):
    """Why the seeds hold no tkg:signed: of their four Signing events three are planned and the asserted one
    ("a treaty ... was signed") names no signer. Every asserted Signing with a person or state as agent is a
    tkg:signed fact read from the event's own sentence."""
    from graph.pipeline import ingest
    from graph.store import OxigraphStore

    store = OxigraphStore(None)
    ingest([seeds_dir], store)
    prefixes = ("PREFIX tkg: <https://w3id.org/treatykg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
                "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> ")
    events = sorted((r["st"].value.rsplit("#")[-1], r["n"].value) for r in store.query(prefixes + """
        SELECT ?e ?st (COUNT(?a) AS ?n) WHERE { ?e a tkg:Signing ; tkg:status ?st . OPTIONAL { ?e tkg:agent ?a } }
        GROUP BY ?e ?st"""))
    assert [s for s, _ in events] == ["asserted", "planned", "planned", "planned"]
    assert events[0] == ("asserted", "0")
    assert not store.query(prefixes + "ASK { ?x tkg:signed ?t }")
    signed = OxigraphStore(None)
    triples = build_triples(extract(document_from_text("r.txt", TEXT, date(1973, 12, 1))))
    signed.replace_documents({"https://w3id.org/treatykg/doc/r": triples})
    check = prefixes + """
        SELECT ?x (BOUND(?f) AS ?fact) WHERE {
          ?e a tkg:Signing ; tkg:status tkg:asserted ; tkg:agent ?x ; tkg:treaty ?t ; prov:wasDerivedFrom ?s .
          { ?x a tkg:Person } UNION { ?x a tkg:State }
          OPTIONAL { ?f rdf:subject ?x ; rdf:predicate tkg:signed ; rdf:object ?t ; prov:wasDerivedFrom ?s }
        }"""
    assert sorted((r["x"].value, r["fact"].value) for r in signed.query(check)) == [
        (entity_iri("State", "argentina"), "true"), (entity_iri("State", "uruguay"), "true")]
