import hashlib
import json
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


@pytest.mark.parametrize("argument", ["x> } ; DROP ALL ; #", "https://w3id.org/treatykg/doc/x> } ; DROP ALL ; #",
                                      "http://x> { ?s ?p ?o } } ; DROP ALL ; #"])
def test_remove_of_a_malicious_argument_is_an_unknown_document(sample_doc, argument):
    store = OxigraphStore(None)
    ingest([sample_doc], store)
    before = quads(store)
    with pytest.raises(TreatyKGError, match="no document"):
        remove(store, argument)
    assert quads(store) == before


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


TEXT = "The Treaty of Lisbon was signed by Portugal and Spain on 13 December 2007 in Lisbon.\n"


def test_documents_that_read_alike_stay_distinct(tmp_path):
    news = tmp_path / "news"
    for rel in ("a/report.txt", "b/report.txt", "日本.txt", "Россия.txt", "a b.txt", "A_B.txt"):
        (news / rel).parent.mkdir(parents=True, exist_ok=True)
        (news / rel).write_text(TEXT, encoding="utf-8")
    store = OxigraphStore(None)
    report = ingest([news], store)
    assert report.errors == [] and len(report.documents) == 6
    assert len(store.documents()) == 6
    assert document_iri("a/report.txt") in store.documents()
    names = {s["n"].value for s in store.query("SELECT ?n WHERE { GRAPH ?g { ?d dcterms:identifier ?n } }")}
    assert names == {"a/report.txt", "b/report.txt", "日本.txt", "Россия.txt", "a b.txt", "A_B.txt"}


def test_colliding_inputs_are_refused_by_name(tmp_path):
    for sub in ("a", "b", "c"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "report.txt").write_text(TEXT)
    (tmp_path / "x.txt").write_text(TEXT)
    (tmp_path / "y.txt").write_text(TEXT)
    for name in ("x", "y"):
        (tmp_path / f"{name}.meta.json").write_text(json.dumps({"url": "https://example.org/same"}))
    store = OxigraphStore(None)
    report = ingest([tmp_path / "a" / "report.txt", tmp_path / "b" / "report.txt", tmp_path / "c",
                     tmp_path / "x.txt", tmp_path / "y.txt"], store)
    assert len(report.errors) == 5  # the two files named report.txt, the folder's report.txt, x and y
    assert all("\n" not in e and "identified as" in e for e in report.errors)
    assert any(e.startswith(str(tmp_path / "x.txt")) and "https://example.org/same" in e for e in report.errors)
    assert store.documents() == []


def test_remove_by_identifier_path_or_iri(tmp_path):
    (tmp_path / "news" / "a").mkdir(parents=True)
    (tmp_path / "news" / "a" / "report.txt").write_text(TEXT)
    (tmp_path / "news" / "wire.txt").write_text(TEXT)
    (tmp_path / "news" / "web.txt").write_text(TEXT)
    (tmp_path / "news" / "wire.meta.json").write_text(json.dumps({"id": "wire-7"}))
    (tmp_path / "news" / "web.meta.json").write_text(json.dumps({"url": "https://example.org/story"}))
    store = OxigraphStore(None)
    ingest([tmp_path / "news"], store)
    assert len(store.documents()) == 3
    assert remove(store, "a/report.txt") == document_iri("a/report.txt")
    assert remove(store, "https://example.org/story") == document_iri("https://example.org/story")
    assert remove(store, document_iri("wire-7")) == document_iri("wire-7")
    assert store.documents() == []


def test_reingest_with_an_id_replaces_the_document(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "a.meta.json").write_text(json.dumps({"id": "story-1"}))
    store = OxigraphStore(None)
    ingest([tmp_path / "a.txt"], store)
    first = quads(store)
    ingest([tmp_path], store)  # same id from another folder: the same document
    assert quads(store) == first and store.documents() == [document_iri("story-1")]


def test_offsets_and_hash_point_into_the_users_file(tmp_path):
    body = ("## The Lisbon treaty\r\nThe Lisbon treaty\r\n\r\nThe Treaty of Lisbon was signed by Portugal and "
            "Spain on 13 December 2007 in Lisbon.\r\nLe traite\u0301 fut ratifie\u0301 par la France.\r\n\r\n"
            "In March 2017 the United Kingdom invoked Article 50 of the Treaty on European Union.\r\n"
            "source: a wire\r\n")
    data = "\ufeff".encode() + body.encode("utf-8")
    (tmp_path / "crlf.txt").write_bytes(data)
    store = OxigraphStore(None)
    ingest([tmp_path / "crlf.txt"], store)
    original = data.decode("utf-8-sig")
    doc = next(iter(store.query("SELECT ?s ?h WHERE { ?d nif:isString ?s ; tkg:sha256 ?h }")))
    assert doc["s"].value == original
    assert doc["h"].value == hashlib.sha256((tmp_path / "crlf.txt").read_bytes()).hexdigest()
    anchors = list(store.query("SELECT ?t ?b ?e WHERE { ?x nif:anchorOf ?t ; nif:beginIndex ?b ; nif:endIndex ?e }"))
    assert len(anchors) >= 2
    for sol in anchors:
        assert original[int(sol["b"].value):int(sol["e"].value)] == sol["t"].value


def test_ingest_forgets_the_words_of_each_batch(tmp_path):
    # spaCy would otherwise keep every new name it parsed for the life of the process.
    from graph.nlp import load_nlp

    (tmp_path / "n.txt").write_text("Foreign Minister Zorvakel Quintaberro signed the Treaty of Ulmavesk.\n")
    store = OxigraphStore(None)
    report = ingest([tmp_path], store)
    assert report.documents and "Zorvakel" in store.dump("nquads").decode()
    assert "Zorvakel" not in load_nlp().vocab.strings


def test_records_of_a_dump_are_identified_by_id_url_or_path_and_line(tmp_path):
    news = tmp_path / "news" / "wire"
    news.mkdir(parents=True)
    lines = [{"id": "w-1", "text": TEXT}, {"text": TEXT}, {"id": "w-1", "text": TEXT},
             {"url": "https://example.org/r", "text": TEXT}]
    (news / "dump.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    store = OxigraphStore(None)
    report = ingest([tmp_path / "news"], store)
    assert sorted(store.documents()) == sorted(document_iri(n) for n in
                                               ("w-1", "wire/dump.jsonl#2", "https://example.org/r"))
    assert len(report.errors) == 1 and "dump.jsonl#3: identified as 'w-1'" in report.errors[0]
    digest = hashlib.sha256((news / "dump.jsonl").read_bytes()).hexdigest()
    hashes = {s["h"].value for s in store.query("SELECT ?h WHERE { GRAPH ?g { ?d tkg:sha256 ?h } }")}
    assert hashes == {digest}
