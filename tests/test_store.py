import time

import pyoxigraph as ox
import pytest

from graph.errors import QueryError, StoreError, TimeLimitError
from graph.store import OxigraphStore, is_update, open_store

G1, G2 = "https://w3id.org/treatykg/doc/a", "https://w3id.org/treatykg/doc/b"
S, P = ox.NamedNode("https://w3id.org/treatykg/id/x"), ox.NamedNode("https://w3id.org/treatykg/ontology#p")


def triples(*values):
    return [(S, P, ox.Literal(v)) for v in values]


def test_replace_is_idempotent_and_per_document(tmp_path):
    store = OxigraphStore(tmp_path / "s")
    store.replace_documents({G1: triples("1", "2"), G2: triples("3")})
    store.replace_documents({G1: triples("1", "2")})
    assert len(store) == 3
    store.replace_documents({G1: triples("9")})
    values = sorted(sol["o"].value for sol in store.query("SELECT DISTINCT ?o WHERE { ?s ?p ?o }"))
    assert values == ["3", "9"]
    assert store.documents() == [G1, G2]


def test_remove_document(tmp_path):
    store = OxigraphStore(tmp_path / "s")
    store.replace_documents({G1: triples("1"), G2: triples("2")})
    assert store.remove_document(G1) is True
    assert store.remove_document(G1) is False
    assert store.documents() == [G2]


MALICIOUS = ["x> } ; DROP ALL ; #", G1 + "> } ; DROP ALL ; #", "http://x> { ?s ?p ?o } } ; DROP ALL ; #",
             G1 + " ", G1 + "\n", 'http://x"', "not an iri"]


@pytest.mark.parametrize("doc", MALICIOUS)
def test_remove_refuses_what_is_not_an_iri_and_changes_nothing(doc):
    store = OxigraphStore(None)
    store.replace_documents({G1: triples("1"), G2: triples("2")})
    with pytest.raises(StoreError, match="not an IRI") as err:
        store.remove_document(doc)
    assert "\n" not in str(err.value)
    assert store.documents() == [G1, G2] and len(store) == 2
    with pytest.raises(StoreError, match="not an IRI"):
        store.replace_documents({doc: triples("3")})
    assert store.documents() == [G1, G2] and len(store) == 2


NY = ox.NamedNode("https://w3id.org/treatykg/id/place/new-york")
PREF = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
NAMED = {"https://w3id.org/treatykg/doc/dateline": [(NY, PREF, ox.Literal("NEW YORK"))],
         "https://w3id.org/treatykg/doc/b": [(NY, PREF, ox.Literal("New York"))],
         "https://w3id.org/treatykg/doc/c": [(NY, PREF, ox.Literal("New york")), (NY, ALT, ox.Literal("NYC"))]}


def names(store) -> tuple[list[str], list[str]]:
    """The merged graph's prefLabels and altLabels of New York."""
    rows = list(store.query(f"SELECT ?p ?l WHERE {{ <{NY.value}> ?p ?l }}"))
    return tuple(sorted(r["l"].value for r in rows if r["p"] == kind) for kind in (PREF, ALT))


def test_an_entity_named_differently_by_documents_has_one_preflabel_whatever_the_order():
    import itertools

    for order in itertools.permutations(NAMED):
        store = OxigraphStore(None)
        for doc in order:
            store.replace_documents({doc: NAMED[doc]})
        # Not the one in capitals, then code point order.
        assert names(store) == (["New York"], ["NEW YORK", "NYC", "New york"]), order
        assert store.documents() == sorted(NAMED)
        # Each document still says what it said.
        assert {str(q.object) for q in store._store.quads_for_pattern(NY, PREF, None, ox.NamedNode(order[0]))} \
            == {str(NAMED[order[0]][0][2])}


def test_the_preflabel_follows_the_documents_as_they_are_replaced_and_removed():
    store = OxigraphStore(None)
    store.replace_documents(NAMED)
    store.replace_documents({"https://w3id.org/treatykg/doc/d": [(NY, PREF, ox.Literal("New york"))]})
    assert names(store) == (["New York"], ["NEW YORK", "NYC", "New york"])
    store.remove_document("https://w3id.org/treatykg/doc/c")
    store.remove_document("https://w3id.org/treatykg/doc/d")
    assert names(store) == (["New York"], ["NEW YORK"])
    store.replace_documents({"https://w3id.org/treatykg/doc/b": triples("elsewhere")})
    assert names(store) == (["NEW YORK"], [])
    store.remove_document("https://w3id.org/treatykg/doc/dateline")
    assert names(store) == ([], [])


def test_persistent_and_read_only(tmp_path):
    store = OxigraphStore(tmp_path / "s")
    store.replace_documents({G1: triples("1")})
    store.close()
    del store
    ro = OxigraphStore(tmp_path / "s", read_only=True)
    assert len(ro) == 1


def test_read_only_missing_store_is_clear(tmp_path):
    with pytest.raises(StoreError, match="no store"):
        OxigraphStore(tmp_path / "missing", read_only=True)


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }",
    "PREFIX a: <http://x#>\nDELETE WHERE { ?s ?p ?o }",
    "# comment\nDROP ALL",
    "clear default",
])
def test_updates_are_refused_and_change_nothing(update):
    store = OxigraphStore(None)
    store.replace_documents({G1: triples("1")})
    assert is_update(update)
    with pytest.raises(QueryError, match="refused"):
        store.query(update)
    assert len(store) == 1


def test_select_is_not_an_update():
    assert not is_update("SELECT ?s WHERE { ?s ?p ?o } # DELETE")
    assert not is_update("PREFIX a: <http://a/> SELECT * WHERE { ?s a:deleted ?o }")


def test_syntax_error_is_one_line():
    with pytest.raises(QueryError) as err:
        OxigraphStore(None).query("SELEC ?x WHERE {")
    assert "\n" not in str(err.value)


def test_dump_keeps_or_merges_graphs():
    store = OxigraphStore(None)
    store.replace_documents({G1: triples("1"), G2: triples("1")})
    trig = store.dump("trig").decode()
    assert G1 in trig and G2 in trig
    quads = list(ox.parse(store.dump("nquads"), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == 2
    merged = list(ox.parse(store.dump("turtle"), format=ox.RdfFormat.TURTLE))
    assert len(merged) == 1


def test_open_store_uses_env(tmp_path, monkeypatch):
    monkeypatch.setenv("TREATYKG_STORE", str(tmp_path / "env-store"))
    store = open_store()
    assert isinstance(store, OxigraphStore)
    assert store.path == tmp_path / "env-store"


@pytest.fixture
def listener():
    """A listening socket nobody answers on: whether the store connected to it shows in its backlog."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(4)
        sock.setblocking(False)
        yield sock


def _connected(sock) -> bool:
    try:
        sock.accept()[0].close()
    except BlockingIOError:
        return False
    return True


@pytest.mark.parametrize("shape", [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ ?a ?b ?c OPTIONAL {{ service silent <{url}> {{ ?s ?p ?o }} }} }}",
    "ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "PREFIX e: <{url}>\nCONSTRUCT {{ ?s ?p ?o }} WHERE {{ BIND(e: AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
])
def test_service_is_refused_without_a_request(listener, shape):
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    store = OxigraphStore(None)
    store.replace_documents({G1: triples("1")})
    with pytest.raises(QueryError, match="SERVICE is refused.*--allow-service") as err:
        store.query(shape.format(url=url))
    assert "\n" not in str(err.value)
    assert not _connected(listener)


def test_service_allowed_on_request_and_the_word_alone_is_no_service():
    store = OxigraphStore(None, allow_service=True)
    store.replace_documents({G1: triples("SERVICE")})
    # Nothing listens on port 9 here; SILENT turns the failed call into no solutions.
    assert bool(store.query("ASK { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://127.0.0.1:9/> { ?a ?b ?c } } }"))
    strict = OxigraphStore(None)
    strict.replace_documents({G1: triples("SERVICE")})
    assert bool(strict.query('ASK { ?s <https://w3id.org/treatykg/ontology#p> "SERVICE" }'))
    assert bool(strict.query("PREFIX SERVICE: <http://x/> ASK { ?s ?p ?o FILTER(?p != SERVICE:x) }"))


# -- time limits -----------------------------------------------------------------------------------

# Five copies of the store joined with each other: 100^5 solutions to count, far past any test's limit.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture
def disk_store(tmp_path):
    path = tmp_path / "s"
    store = OxigraphStore(path)
    store.replace_documents({G1: triples(*map(str, range(60))), G2: triples(*map(str, range(40, 100)))})
    store.close()
    return path


def _quads(path) -> set:
    store = OxigraphStore(path, read_only=True)
    return set(store._store)


def test_query_past_its_limit_is_stopped_and_the_store_untouched(disk_store):
    before = _quads(disk_store)
    store = OxigraphStore(disk_store, read_only=True, timeout=0.5)
    with pytest.raises(TimeLimitError, match="time limit of 0.5 s") as err:
        list(store.query(ENDLESS))
    assert "\n" not in str(err.value)
    assert not store._workers._busy and not store._workers._idle  # the worker is gone
    # The same store answers the next query, in a new worker.
    assert [s["n"].value for s in store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")] == ["100"]
    store.close()
    assert _quads(disk_store) == before


def test_answers_with_a_limit_are_the_answers_without(disk_store):
    plain = OxigraphStore(disk_store, read_only=True)
    limited = OxigraphStore(disk_store, read_only=True, timeout=30)
    select = "SELECT ?o (STR(?o) AS ?t) WHERE { ?s ?p ?o } ORDER BY ?o"
    assert [list(s) for s in limited.query(select)] == [list(s) for s in plain.query(select)]
    for ask in ("ASK { ?s ?p '7' }", "ASK { ?s ?p 'none' }"):
        assert bool(limited.query(ask)) == bool(plain.query(ask))
    construct = "CONSTRUCT { ?o ?p ?s } WHERE { ?s ?p ?o FILTER(false) } "
    assert list(limited.query(construct)) == list(plain.query(construct)) == []
    construct = "CONSTRUCT WHERE { ?s ?p ?o }"
    assert set(limited.query(construct)) == set(plain.query(construct))
    assert len(limited._workers._idle) == 1  # one worker served every query
    # pyoxigraph's own refusals come back as they would in-process.
    with pytest.raises(QueryError, match="syntax error"):
        limited.query("SELECT ?x WHERE { ?x undeclared:p ?y }")
    limited.close()


def test_an_answer_not_read_to_its_end_ends_its_worker(disk_store):
    store = OxigraphStore(disk_store, read_only=True, timeout=30)
    rows = iter(store.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"))
    next(rows)
    (worker,) = store._workers._busy
    del rows
    assert worker.poll() is not None and not store._workers._busy
    store.close()


def test_rows_read_slower_than_the_limit_are_not_stopped(disk_store):
    # 10,000 rows, far more than a pipe holds: the worker waits for the reader, and waiting is not
    # counted against its limit (a person paging through the rows is not a slow query).
    store = OxigraphStore(disk_store, read_only=True, timeout=0.5)
    digits = "VALUES ?{} {{ 0 1 2 3 4 5 6 7 8 9 }}"
    rows = iter(store.query("SELECT ?n WHERE { " + " ".join(digits.format(v) for v in "abcd")
                            + " BIND(?a * 1000 + ?b * 100 + ?c * 10 + ?d AS ?n) }"))
    first = next(rows)
    time.sleep(1.0)
    assert len([first, *rows]) == 10_000
    store.close()


def test_a_limit_needs_a_read_only_store_on_disk(disk_store):
    for path, read_only in ((None, True), (disk_store, False)):
        with pytest.raises(ValueError, match="read-only"):
            OxigraphStore(path, read_only=read_only, timeout=5)
    assert isinstance(open_store(disk_store, read_only=True, timeout=0), OxigraphStore)
