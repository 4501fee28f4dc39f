import shutil

import pyoxigraph as ox
import pytest

from graph.errors import TreatyKGError
from graph.namespaces import document_iri
from graph.pipeline import ingest, remove
from graph.store import OxigraphStore


def quads(store):
    return sorted(str(q) for q in store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"))


def test_reingest_changes_nothing(sample_doc):
    store = OxigraphStore(None)
    ingest([sample_doc], store)
    first = len(store)
    ingest([sample_doc], store)
    assert len(store) == first > 100
    assert store.documents() == [document_iri("lisbon.txt")]


def test_workers_give_the_same_graph(tmp_path, sample_doc, seeds_dir):
    for name in ("a.txt", "b.txt"):
        shutil.copy(sample_doc, tmp_path / name)
    shutil.copytree(seeds_dir, tmp_path / "seeds")
    one, two = OxigraphStore(None), OxigraphStore(None)
    ingest([tmp_path], one, workers=1)
    ingest([tmp_path], two, workers=2, batch_size=2)
    assert sorted(map(str, one._store)) == sorted(map(str, two._store))
    assert len(one.documents()) == 4


def test_bad_documents_are_reported_and_leave_the_store_alone(tmp_path, sample_doc):
    store = OxigraphStore(tmp_path / "s")
    ingest([sample_doc], store)
    before = len(store)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    report = ingest([tmp_path / "empty.txt", tmp_path / "bin.txt", tmp_path / "latin1.txt"], store)
    assert len(report.errors) == 3 and not report.documents
    assert len(store) == before


def test_remove_by_name_and_unknown(sample_doc):
    store = OxigraphStore(None)
    ingest([sample_doc], store)
    assert remove(store, "lisbon.txt") == document_iri("lisbon.txt")
    assert len(store) == 0
    with pytest.raises(TreatyKGError, match="no document"):
        remove(store, "lisbon.txt")


def test_documents_agree_on_shared_entities(tmp_path, sample_doc):
    # Two copies ingested separately mint the same entity IRIs: the union has one Treaty node per treaty.
    shutil.copy(sample_doc, tmp_path / "copy.txt")
    store = OxigraphStore(None)
    ingest([sample_doc], store)
    ingest([tmp_path / "copy.txt"], store)
    treaties = {s["t"].value for s in store.query("SELECT DISTINCT ?t WHERE { ?t a tkg:Treaty }")}
    single = OxigraphStore(None)
    ingest([sample_doc], single)
    assert treaties == {s["t"].value for s in single.query("SELECT DISTINCT ?t WHERE { ?t a tkg:Treaty }")}
    labels = list(store.query("SELECT ?t (COUNT(DISTINCT ?l) AS ?n) WHERE { ?t skos:prefLabel ?l } GROUP BY ?t "
                              "HAVING (COUNT(DISTINCT ?l) > 1)"))
    assert labels == []


def test_every_fact_has_evidence(sample_doc):
    store = OxigraphStore(None)
    ingest([sample_doc], store)
    rows = list(store.query("""
        SELECT ?s ?p ?o WHERE {
          ?s ?p ?o . FILTER(STRSTARTS(STR(?p), STR(tkg:)))
          VALUES ?p { tkg:signed tkg:ratified tkg:partyTo tkg:invokes tkg:references tkg:replaces
                      tkg:affiliatedWith tkg:metWith tkg:visited tkg:signatureDate tkg:entryIntoForceDate }
          FILTER NOT EXISTS { ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                                 prov:wasDerivedFrom/nif:anchorOf ?text }
        }"""))
    assert rows == []
    # Offsets point into the document text.
    for sol in store.query("""SELECT ?text ?b ?e ?full WHERE { ?x nif:anchorOf ?text ; nif:beginIndex ?b ;
                              nif:endIndex ?e ; nif:referenceContext ?d . ?d nif:isString ?full }"""):
        b, e = int(sol["b"].value), int(sol["e"].value)
        assert sol["full"].value[b:e] == sol["text"].value


def test_interrupted_batch_leaves_documents_whole(monkeypatch, tmp_path, sample_doc):
    store = OxigraphStore(None)
    ingest([sample_doc], store)
    before = quads(store)

    def boom(self, docs):
        raise KeyboardInterrupt

    monkeypatch.setattr(OxigraphStore, "replace_documents", boom)
    shutil.copy(sample_doc, tmp_path / "other.txt")
    with pytest.raises(KeyboardInterrupt):
        ingest([tmp_path / "other.txt", sample_doc], store)
    assert quads(store) == before
    assert isinstance(store._store, ox.Store)


def test_ingest_forgets_the_words_of_each_batch(tmp_path):
    # spaCy would otherwise keep every new name it parsed for the life of the process.
    from graph.nlp import load_nlp

    (tmp_path / "n.txt").write_text("Foreign Minister Zorvakel Quintaberro signed the Treaty of Ulmavesk.\n")
    store = OxigraphStore(None)
    report = ingest([tmp_path], store)
    assert report.documents and "Zorvakel" in store.dump("nquads").decode()
    assert "Zorvakel" not in load_nlp().vocab.strings
