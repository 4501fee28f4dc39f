from datetime import date

from graph.check import check
from graph.documents import document_from_text
from graph.extract import extract
from graph.rdfbuild import build_triples
from graph.store import OxigraphStore


def store_with(*texts: str) -> OxigraphStore:
    store = OxigraphStore(None)
    for i, text in enumerate(texts):
        doc = document_from_text(f"d{i}.txt", text, date(2020, 6, 1))
        store.replace_documents({doc.iri: build_triples(extract(doc))})
    return store


def test_conflicting_signature_dates_are_reported_with_both_sentences():
    store = store_with("Chile and Peru signed the Pacific Fisheries Treaty on 12 May 2019.",
                       "Chile and Peru signed the Pacific Fisheries Treaty on 13 May 2019.")
    findings = check(store)
    assert [f.kind for f in findings] == ["conflicting dates"]
    assert {findings[0].first.document, findings[0].second.document} == {"d0.txt", "d1.txt"}
    assert "12 May" in findings[0].first.sentence + findings[0].second.sentence


def test_consistent_precision_is_not_a_conflict():
    store = store_with("Chile and Peru signed the Pacific Fisheries Treaty on 12 May 2019.",
                       "Chile and Peru signed the Pacific Fisheries Treaty in 2019.")
    assert check(store) == []


def test_entry_into_force_before_signature():
    store = store_with("The Pacific Fisheries Treaty entered into force on 1 March 2018.",
                       "Chile signed the Pacific Fisheries Treaty on 12 May 2019.")
    assert [f.kind for f in check(store)] == ["impossible order"]


def test_asserted_by_one_source_denied_by_another():
    store = store_with("Chile signed the Pacific Fisheries Treaty.",
                       "Chile did not sign the Pacific Fisheries Treaty.")
    findings = check(store)
    assert [f.kind for f in findings] == ["asserted and denied"]
