"""HttpStore against a real Oxigraph server, compared with the embedded store given the same data."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import http.server
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote_plus

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.errors import QueryError, StoreError, TimeLimitError, TreatyKGError
from graph.namespaces import DOC, ID, RDF, RDFS, SKOS, TKG, XSD
from graph.pipeline import ingest, remove
from graph.query import bind_params, catalogue, run_query, window
from graph.remote import MERGED_GRAPH, HttpStore, endpoints, find_credentials, parse_location
from graph.store import OxigraphStore, open_store


def _iri(value: str) -> str:
    return f"<{value}>"


TREATY = ID + "treaty/new-start"
RUSSIA, USA = ID + "state/russia", ID + "state/united-states"
DOC_A, DOC_B = DOC + "test-a", DOC + "test-b"

# Hand-made documents with what tends to break on the wire: a triple both documents state (the merged
# default graph must hold it once), language tags, datatypes, quotes, escapes and non-ASCII text.
SHARED = (_iri(TREATY), _iri(RDF + "type"), _iri(TKG + "Treaty"))
SYNTHETIC = {
    DOC_A: [
        SHARED,
        (_iri(TREATY), _iri(RDFS + "label"), '"New START"@en'),
        (_iri(TREATY), _iri(RDFS + "label"), '"Договор СНВ-III"@ru'),
        (_iri(TREATY), _iri(TKG + "note"), '"line one\\nline \\"two\\"\\ttab — ü \\\\ end"'),
        (_iri(TREATY), _iri(TKG + "signed"), f'"2010-04-08"^^<{XSD}date>'),
        (_iri(RUSSIA), _iri(TKG + "partyTo"), _iri(TREATY)),
    ],
    DOC_B: [
        SHARED,
        (_iri(USA), _iri(TKG + "partyTo"), _iri(TREATY)),
        (_iri(USA), _iri(RDFS + "label"), '"United States"'),
        (_iri(TREATY), _iri(TKG + "articles"), f'"16"^^<{XSD}integer>'),
    ],
}

QUERIES = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
    "SELECT ?party ?label WHERE { ?party tkg:partyTo ?t OPTIONAL { ?party rdfs:label ?label } }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?t (COUNT(?p) AS ?parties) WHERE { ?p tkg:partyTo ?t } GROUP BY ?t",
    "SELECT DISTINCT ?type WHERE { ?x a ?type }",
    "# a comment first\nSELECT ?l WHERE { ?x rdfs:label ?l FILTER(LANG(?l) = 'ru') }",
    "ASK { ?x a tkg:Treaty }",
    "ASK { ?x a tkg:NoSuchClass }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CONSTRUCT { ?t rdfs:label ?l } WHERE { ?t a tkg:Treaty ; rdfs:label ?l }",
    f"DESCRIBE <{TREATY}>",
]


# -- the server ------------------------------------------------------------------------------------

def _oxigraph_binary() -> str | None:
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(proc: subprocess.Popen, probe: str, seconds: float) -> bool:
    """Poll ``probe`` with ASK {} until it answers 200; False (server killed) if it dies or times out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(probe, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            return False
        time.sleep(0.1)


def _stop(proc: subprocess.Popen, seconds: float) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> str:
    """A real Oxigraph server on a free port, for this module's tests."""
    exe = _oxigraph_binary()
    if exe is None:
        pytest.skip("the Oxigraph server binary is missing (pip install oxigraph): remote store not tested")
    data = tmp_path_factory.mktemp("oxigraph")
    port = _free_port()
    log = open(data / "server.log", "wb")  # noqa: SIM115 - closed at teardown, after the server
    proc = subprocess.Popen([exe, "serve", "--location", str(data / "db"), "--bind", f"127.0.0.1:{port}"],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    if not _wait_until_up(proc, f"{url}/query", seconds=20):
        log.close()
        output = (data / "server.log").read_text(errors="replace")
        pytest.fail(f"the Oxigraph server did not start: {output}")
    yield url
    _stop(proc, seconds=10)
    log.close()


def _wipe(url: str) -> None:
    httpx.post(f"{url}/update", data={"update": "DROP ALL"}, timeout=10).raise_for_status()


@pytest.fixture
def remote(server):
    _wipe(server)
    with HttpStore(server) as store:
        yield store


@pytest.fixture(params=["gsp", "update"])
def union_remote(server, request):
    """The union layout, written through the Graph Store Protocol or, without it, SPARQL Update."""
    _wipe(server)
    with HttpStore(server, layout="union", gsp_endpoint=None if request.param == "gsp" else "") as store:
        yield store


class _Recorder:
    """Catches what ingest writes, so both stores get the very same triples from one NLP run."""

    def __init__(self) -> None:
        self.docs: dict[str, list] = {}

    def replace_documents(self, docs: dict[str, list]) -> None:
        self.docs.update(docs)


@pytest.fixture(scope="module")
def seed_docs(seeds_dir) -> dict[str, list]:
    recorder = _Recorder()
    report = ingest([seeds_dir], recorder, progress=False)
    assert not report.errors and recorder.docs
    return recorder.docs


def _local(docs: dict[str, list]) -> OxigraphStore:
    store = OxigraphStore(None)
    store.replace_documents(docs)
    return store


# -- comparing answers -----------------------------------------------------------------------------

def _answer(result):
    """A query result as comparable data: (kind, variables, Counter of rows or triples, or bool)."""
    if isinstance(result, ox.QueryBoolean):
        return "ask", None, bool(result)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        return "select", variables, Counter(tuple(sol[v] for v in variables) for sol in result)
    triples = list(result)
    assert all(isinstance(t, ox.Triple) for t in triples)
    return "construct", None, Counter(triples)


def _as_sets(answer):
    kind, variables, data = answer
    return kind, variables, set(data) if isinstance(data, Counter) else data


def _quads(data: bytes, fmt: ox.RdfFormat) -> set[ox.Quad]:
    return set(ox.parse(data, format=fmt))


def _state(store) -> tuple:
    """Everything a user can see of a store, for comparing two of them."""
    return (store.documents(), len(store), _answer(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")),
            _quads(store.dump("nquads"), ox.RdfFormat.N_QUADS))


# -- locations and presets (no server needed) --------------------------------------------------------

def test_parse_location_presets_and_guesses():
    assert parse_location("virtuoso+http://h:8890") == ("http://h:8890", "virtuoso")
    assert parse_location("oxigraph+https://kg.example.org") == ("https://kg.example.org", "oxigraph")
    assert parse_location("fuseki+http://h:3030/ds") == ("http://h:3030/ds", "fuseki")
    repository = "http://h:7200/repositories/kg"
    assert parse_location(f"graphdb+{repository}") == (repository, "graphdb")
    assert parse_location("http://h:8890/sparql") == ("http://h:8890/sparql", "virtuoso")
    assert parse_location(repository) == (repository, "graphdb")
    assert parse_location("http://h:7878") == ("http://h:7878", "oxigraph")
    with pytest.raises(StoreError, match="unknown SPARQL engine"):
        parse_location("blazegraph+http://h:9999")


def test_endpoints_of_each_preset():
    ox_ep = endpoints("http://h:7878", "oxigraph")
    assert (ox_ep.query, ox_ep.update, ox_ep.gsp) == ("http://h:7878/query", "http://h:7878/update",
                                                      "http://h:7878/store")
    fu = endpoints("http://h:3030/ds", "fuseki")
    assert (fu.query, fu.update, fu.gsp, fu.dataset) == ("http://h:3030/ds/query", "http://h:3030/ds/update",
                                                         "http://h:3030/ds/data", "http://h:3030/ds")
    vi = endpoints("http://h:8890/sparql", "virtuoso")
    assert (vi.query, vi.update, vi.gsp) == ("http://h:8890/sparql", "http://h:8890/sparql",
                                             "http://h:8890/sparql-graph-crud")
    assert endpoints("http://h:8890", "virtuoso", authenticated=True).gsp == "http://h:8890/sparql-graph-crud-auth"
    gd = endpoints("http://h:7200/repositories/kg", "graphdb")
    assert (gd.query, gd.update, gd.gsp) == ("http://h:7200/repositories/kg",
                                             "http://h:7200/repositories/kg/statements",
                                             "http://h:7200/repositories/kg/rdf-graphs/service")
    with pytest.raises(StoreError, match="repositories/NAME"):
        endpoints("http://h:7200", "graphdb")
    assert vi.merged_graph == MERGED_GRAPH and vi.merged_params == {"default-graph-uri": MERGED_GRAPH}
    assert HttpStore("http://h:8890/sparql").layout == "merged"
    with pytest.raises(StoreError, match="unknown store layout"):
        HttpStore("http://h:7878", layout="sharded")
    store = HttpStore("http://h:7878", query_endpoint="http://h:7878/q", gsp_endpoint="")
    assert store.endpoints.query == "http://h:7878/q" and store.endpoints.gsp is None


def test_credentials_sources(monkeypatch, tmp_path):
    for name in ("TREATYKG_USER", "TREATYKG_PASSWORD", "TREATYKG_AUTH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert find_credentials("http://h:8890") == (None, None)
    (tmp_path / "treatykg").mkdir()
    (tmp_path / "treatykg" / "credentials.json").write_text(json.dumps(
        {"http://h:8890": {"user": "dba", "password": "file-pw", "auth": "digest"},
         "https://kg.example.org": {"user": "ann", "password": "tls-pw"}}))
    auth, secret = find_credentials("http://h:8890/sparql")
    assert isinstance(auth, httpx.DigestAuth) and secret == "file-pw"
    auth, secret = find_credentials("https://kg.example.org:443/")
    assert isinstance(auth, httpx.BasicAuth) and secret == "tls-pw"
    assert find_credentials("http://other:8890") == (None, None)
    monkeypatch.setenv("TREATYKG_USER", "env-user")
    monkeypatch.setenv("TREATYKG_PASSWORD", "env-pw")
    monkeypatch.setenv("TREATYKG_AUTH", "digest")
    auth, secret = find_credentials("http://h:8890")
    assert isinstance(auth, httpx.DigestAuth) and secret == "env-pw"
    assert find_credentials("http://url-user:url-pw@h:8890")[1] == "url-pw"
    # With credentials, Virtuoso's authenticated endpoints are used; the URL shown carries none.
    store = HttpStore("http://url-user:url-pw@h:8890/sparql")
    assert store.endpoints.gsp.endswith("/sparql-graph-crud-auth") and "url-pw" not in repr(store)


# -- writes ----------------------------------------------------------------------------------------

def test_writes_replace_and_remove_like_the_embedded_store(remote):
    local = OxigraphStore(None)
    assert remote.documents() == [] and len(remote) == 0
    for store in (local, remote):
        store.replace_documents(SYNTHETIC)
    assert remote.documents() == [DOC_A, DOC_B]
    assert len(remote) == sum(map(len, SYNTHETIC.values())) == len(local)
    assert _state(remote) == _state(local)

    # Replacing a document drops what it no longer says, but keeps what another document still says.
    smaller = {DOC_A: SYNTHETIC[DOC_A][2:]}
    for store in (local, remote):
        store.replace_documents(smaller)
    assert len(remote) == len(smaller[DOC_A]) + len(SYNTHETIC[DOC_B])
    assert bool(remote.query("ASK { ?t a tkg:Treaty }"))
    assert not bool(remote.query("ASK { ?t rdfs:label 'New START'@en }"))
    assert _state(remote) == _state(local)

    for store in (local, remote):
        assert store.remove_document(DOC_B) is True
        assert store.remove_document(DOC_B) is False
    assert remote.documents() == [DOC_A]
    assert not bool(remote.query("ASK { ?t a tkg:Treaty }"))  # its last document is gone
    assert _state(remote) == _state(local)
    remote.replace_documents({})  # nothing to do, no request
    assert remote.remove_document(DOC + "never-stored") is False


@pytest.mark.parametrize("layout", ["merged", "union"])
def test_remove_sends_no_sparql_built_from_a_malicious_argument(layout):
    sent = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.query.decode() + request.content.decode())
        if request.method == "DELETE":
            return httpx.Response(404)
        return httpx.Response(200, json={"head": {}, "boolean": False})

    for graph_store in (None, ""):
        store = HttpStore("http://h", layout=layout, gsp_endpoint=graph_store)
        store._client = httpx.Client(transport=httpx.MockTransport(answer))
        for argument in ("x> } ; DROP ALL ; #", DOC + "x> } ; DROP ALL ; #", "http://x> {?s ?p ?o}} ; DROP ALL ; #"):
            with pytest.raises(TreatyKGError, match="no document"):
                remove(store, argument)
            with pytest.raises(StoreError, match="not an IRI"):
                store.remove_document(argument)
    assert sent and not any("DROP" in unquote_plus(text) for text in sent)


def test_remove_of_a_malicious_argument_leaves_the_server_as_it_was(remote):
    remote.replace_documents(SYNTHETIC)
    before = _state(remote)
    for argument in ("x> } ; DROP ALL ; #", DOC_A + "> } ; DROP ALL ; #", f"{DOC_A}> {{ ?s ?p ?o }} }} ; DROP ALL ; #"):
        with pytest.raises(TreatyKGError, match="no document"):
            remove(remote, argument)
    assert _state(remote) == before


@pytest.mark.parametrize("merged", [None, MERGED_GRAPH])
def test_an_entity_named_differently_has_one_preflabel_as_in_the_embedded_store(remote, merged):
    if merged:
        remote.endpoints = dataclasses.replace(remote.endpoints, merged_graph=merged,
                                               merged_params={"default-graph-uri": merged})
    label = _iri(SKOS + "prefLabel")
    docs = {DOC_A: [(_iri(USA), label, '"UNITED STATES"')], DOC_B: [(_iri(USA), label, '"United States"')],
            DOC + "test-c": [(_iri(USA), label, '"United States"')]}
    local = OxigraphStore(None)
    batches = [({DOC_A: docs[DOC_A]}, "UNITED STATES"),
               ({d: docs[d] for d in (DOC_B, DOC + "test-c")}, "United States"),
               ({DOC_B: []}, "United States")]  # one document each: not the one in capitals
    for batch, expected in batches:
        for store in (local, remote):
            store.replace_documents(batch)
        assert _state(remote) == _state(local)
        names = [r["l"].value for r in remote.query(f"SELECT ?l WHERE {{ <{USA}> skos:prefLabel ?l }}")]
        assert names == [expected]
    for store in (local, remote):
        store.remove_document(DOC + "test-c")
    assert _state(remote) == _state(local)
    assert [r["l"].value for r in remote.query(f"SELECT ?l WHERE {{ <{USA}> skos:prefLabel ?l }}")] == ["UNITED STATES"]


def test_merged_graph_can_be_a_named_graph(remote, seed_docs):
    # Virtuoso's way (it has no writable plain default graph), run here on Oxigraph.
    remote.endpoints = dataclasses.replace(remote.endpoints, merged_graph=MERGED_GRAPH,
                                           merged_params={"default-graph-uri": MERGED_GRAPH})
    local = OxigraphStore(None)
    for docs in ({**seed_docs, **SYNTHETIC}, {DOC_A: SYNTHETIC[DOC_A][2:]}):
        for store in (local, remote):
            store.replace_documents(docs)
        assert _state(remote) == _state(local)
        for q in QUERIES:
            assert _answer(remote.query(q)) == _answer(local.query(q)), q
    for store in (local, remote):
        store.remove_document(DOC_B)
    assert _state(remote) == _state(local)
    assert MERGED_GRAPH not in remote.documents()
    for doc in remote.documents():
        remote.remove_document(doc)
    # Removing every document empties the merged graph too.
    assert not bool(remote.query("ASK { ?s ?p ?o }")) and len(remote) == 0


def test_read_only_store_refuses_writes(server):
    with HttpStore(server, read_only=True) as store:
        with pytest.raises(StoreError, match="read-only"):
            store.replace_documents(SYNTHETIC)
        with pytest.raises(StoreError, match="read-only"):
            store.remove_document(DOC_A)
        assert isinstance(store.documents(), list)


def test_union_layout_writes_and_answers(union_remote):
    local = _local(SYNTHETIC)
    union_remote.replace_documents(SYNTHETIC)
    assert union_remote.documents() == [DOC_A, DOC_B] and len(union_remote) == len(local)
    assert _quads(union_remote.dump("nquads"), ox.RdfFormat.N_QUADS) == _quads(local.dump("nquads"),
                                                                             ox.RdfFormat.N_QUADS)
    for q in QUERIES:
        if "COUNT" in q:
            continue  # Oxigraph's union view repeats the shared triple, so counts differ by design
        assert _as_sets(_answer(union_remote.query(q))) == _as_sets(_answer(local.query(q))), q
    assert _quads(union_remote.dump("ntriples"), ox.RdfFormat.N_TRIPLES) == _quads(local.dump("ntriples"),
                                                                                 ox.RdfFormat.N_TRIPLES)
    union_remote.replace_documents({DOC_B: SYNTHETIC[DOC_B][:1]})
    assert len(union_remote) == len(SYNTHETIC[DOC_A]) + 1
    assert union_remote.remove_document(DOC_B) is True
    assert union_remote.remove_document(DOC_B) is False
    assert union_remote.documents() == [DOC_A]


def test_blank_nodes_are_skolemized(remote, server):
    docs = {DOC_A: [("_:b1", _iri(RDFS + "label"), '"a"'), (_iri(TREATY), _iri(TKG + "note"), "_:b1")],
            DOC_B: [(ox.BlankNode("b1"), ox.NamedNode(RDFS + "label"), ox.Literal("b"))]}
    remote.replace_documents(docs)
    quads = _quads(remote.dump("nquads"), ox.RdfFormat.N_QUADS)
    assert len(quads) == 3 and not any(isinstance(t, ox.BlankNode) for q in quads for t in q)
    minted = {q.subject.value for q in quads if q.predicate.value == RDFS + "label"}
    assert len(minted) == 2 and all(iri.startswith(ID + "genid/") for iri in minted)  # one per document
    # The same label within a document is the same node.
    assert bool(remote.query("ASK { ?t tkg:note ?b . ?b rdfs:label 'a' }"))
    with HttpStore(server, layout="union") as union:
        union.replace_documents(docs)
        assert {q.subject.value for q in _quads(union.dump("nquads"), ox.RdfFormat.N_QUADS)
                if q.predicate.value == RDFS + "label"} == minted


# -- queries ---------------------------------------------------------------------------------------

def test_answers_match_the_embedded_store(remote, seed_docs):
    docs = {**seed_docs, **SYNTHETIC}
    local = _local(docs)
    remote.replace_documents(docs)
    assert remote.documents() == local.documents() and len(remote) == len(local)
    named = [bind_params(q.text, {k: "Putin" for k in q.params}) for q in catalogue().values()]
    assert named
    for q in QUERIES + named:
        mine, theirs = remote.query(q), local.query(q)
        assert type(mine) is type(theirs) or not isinstance(theirs, (ox.QuerySolutions, ox.QueryBoolean)), q
        assert _answer(mine) == _answer(theirs), q


def test_limit_and_offset_on_the_server(remote, seed_docs):
    remote.replace_documents(seed_docs)
    q = bind_params(catalogue()["signatures"].text, {})
    every = [list(row) for row in run_query(remote, q).rows]
    assert len(every) >= 3
    assert [list(row) for row in run_query(remote, window(q, 2, 1)).rows] == every[1:3]
    assert run_query(remote, window(q, None, len(every))).rows == []


def test_updates_are_refused(remote):
    for update in ("DELETE WHERE { ?s ?p ?o }", "PREFIX x: <http://x/>\nINSERT DATA { x:a x:b x:c }",
                   "DROP ALL", "CLEAR DEFAULT"):
        with pytest.raises(QueryError, match="refused"):
            remote.query(update)
    with pytest.raises(QueryError, match="empty"):
        remote.query("  ")


def test_malformed_queries_raise_query_error(remote):
    with pytest.raises(QueryError) as err:
        remote.query("SELECT ?x WHERE {")
    message = str(err.value)
    assert "\n" not in message and message.startswith("SPARQL syntax error")
    assert "error at 1:" in message  # the line of the user's text, not of the prepended prefixes
    with pytest.raises(QueryError):
        remote.query("CONSTRUCT { ?s ?p } WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError):
        remote.query("SELECT ?x WHERE { ?x undeclared:p ?y }")


# -- failures --------------------------------------------------------------------------------------

def test_unreachable_endpoint_is_one_line_without_credentials(monkeypatch):
    port = _free_port()  # nothing listens there once the probe socket is closed
    monkeypatch.setenv("TREATYKG_USER", "alice")
    monkeypatch.setenv("TREATYKG_PASSWORD", "s3cret-pw")
    for location in (f"http://127.0.0.1:{port}", f"oxigraph+http://bob:other-pw@127.0.0.1:{port}"):
        store = open_store(location) if location.startswith("http") else HttpStore(location, timeout=5)
        for call in (store.documents, lambda s=store: s.query("ASK {}"), lambda s=store: len(s),
                     lambda s=store: s.replace_documents(SYNTHETIC)):
            with pytest.raises(StoreError) as err:
                call()
            message = str(err.value)
            assert message.startswith(f"cannot reach SPARQL endpoint http://127.0.0.1:{port}/"), message
            assert "\n" not in message
            assert "s3cret-pw" not in message and "other-pw" not in message and "bob" not in message


def test_http_errors_are_one_line_without_credentials(monkeypatch):
    monkeypatch.setenv("TREATYKG_USER", "alice")
    monkeypatch.setenv("TREATYKG_PASSWORD", "s3cret-pw")
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization", ""))
        path = request.url.path
        if path == "/denied/query":
            return httpx.Response(401, text="who are you?")
        if path == "/broken/query":
            return httpx.Response(500, text="internal\nerror for alice:s3cret-pw\n" + "x" * 1000)
        if path == "/moved/query":
            return httpx.Response(301, headers={"Location": "https://alice:s3cret-pw@h/moved/query"})
        return httpx.Response(200, text="<html>not SPARQL</html>", headers={"Content-Type": "text/html"})

    for base, expected in (("denied", "refused access (HTTP 401)"), ("broken", "answered HTTP 500"),
                           ("html", "unexpected answer"), ("moved", "redirects to https://h/moved/query")):
        store = HttpStore(f"http://h/{base}")
        # Same client settings (credentials, timeout), but answered locally.
        store._client = httpx.Client(auth=store._client.auth, transport=httpx.MockTransport(answer))
        with pytest.raises(StoreError, match=re.escape(expected)) as err:
            store.documents()
        message = str(err.value)
        assert "\n" not in message and "s3cret-pw" not in message and len(message) < 500
    assert seen and all(h.startswith("Basic ") for h in seen)  # credentials were sent, just never shown


def test_open_store_gives_an_http_store(server):
    store = open_store(server)
    assert isinstance(store, HttpStore) and store.preset == "oxigraph"
    store.close()


# -- dumps -----------------------------------------------------------------------------------------

def test_dumps_match_the_embedded_store(remote, seed_docs):
    docs = {**seed_docs, **SYNTHETIC}
    local = _local(docs)
    remote.replace_documents(docs)
    trig = remote.dump("trig")
    assert b"@prefix tkg:" in trig
    assert _quads(trig, ox.RdfFormat.TRIG) == _quads(local.dump("trig"), ox.RdfFormat.TRIG)
    assert _quads(remote.dump("nquads"), ox.RdfFormat.N_QUADS) == _quads(local.dump("nquads"),
                                                                       ox.RdfFormat.N_QUADS)
    for fmt, rdf_format in (("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES),
                            ("rdfxml", ox.RdfFormat.RDF_XML)):
        assert _quads(remote.dump(fmt), rdf_format) == _quads(local.dump(fmt), rdf_format), fmt
    union = remote.dump("trig", union=True)
    assert _quads(union, ox.RdfFormat.TRIG) == _quads(local.dump("trig", union=True), ox.RdfFormat.TRIG)
    # Without a whole-dataset GET, the dump is assembled graph by graph and comes out the same.
    with HttpStore(remote.url) as per_graph:
        per_graph.endpoints = dataclasses.replace(per_graph.endpoints, dataset=None)
        assert _quads(per_graph.dump("trig"), ox.RdfFormat.TRIG) == _quads(trig, ox.RdfFormat.TRIG)


# -- Virtuoso, when it is installed ------------------------------------------------------------------

_VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., {d}
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> str:
    """A Virtuoso server with a fresh database (dba/dba), if virtuoso-t and isql-vt are installed."""
    exe, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if exe is None or isql is None:
        pytest.skip("Virtuoso (apt package virtuoso-opensource-7-bin) is not installed")
    data = tmp_path_factory.mktemp("virtuoso")
    sql, http = _free_port(), _free_port()
    (data / "virtuoso.ini").write_text(_VIRTUOSO_INI.format(d=data, sql=sql, http=http))
    proc = subprocess.Popen([exe, "+foreground", "+configfile", str(data / "virtuoso.ini")], cwd=data,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http}"
    if not _wait_until_up(proc, f"{url}/sparql", seconds=60):  # a new database takes about 8 s
        pytest.fail("the Virtuoso server did not start")
    # Anonymous SPARQL may then write, as on a typical open Virtuoso endpoint.
    subprocess.run([isql, f"127.0.0.1:{sql}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL"; '
                    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 7);"],
                   check=True, capture_output=True, timeout=60)
    yield url
    _stop(proc, seconds=30)


def test_virtuoso_answers_match_the_embedded_store(virtuoso, seed_docs, monkeypatch):
    docs = {**seed_docs, **SYNTHETIC}
    local = _local(docs)
    named = [bind_params(q.text, {k: "Putin" for k in q.params}) for q in catalogue().values()]
    with HttpStore(f"{virtuoso}/sparql") as store:
        assert store.preset == "virtuoso" and store.endpoints.merged_graph == MERGED_GRAPH
        store.replace_documents(docs)
        assert store.documents() == local.documents() and len(store) == len(local)
        for q in QUERIES + named:
            if q.startswith("DESCRIBE"):
                continue  # what DESCRIBE returns is up to the engine: Virtuoso adds incoming links
            assert _answer(store.query(q)) == _answer(local.query(q)), q
        for fmt, rdf_format in (("trig", ox.RdfFormat.TRIG), ("turtle", ox.RdfFormat.TURTLE)):
            assert _quads(store.dump(fmt), rdf_format) == _quads(local.dump(fmt), rdf_format), fmt
        with pytest.raises(QueryError, match="line 1"):
            store.query("SELECT ?x WHERE { ?x undeclared:p ?y }")
    # With credentials the Digest-protected endpoints are used, for reading and writing alike.
    monkeypatch.setenv("TREATYKG_USER", "dba")
    monkeypatch.setenv("TREATYKG_PASSWORD", "dba")
    monkeypatch.setenv("TREATYKG_AUTH", "digest")
    with HttpStore(f"virtuoso+{virtuoso}", layout="union") as store:
        assert store.endpoints.gsp.endswith("-auth")
        for doc in store.documents():
            assert store.remove_document(doc) is True
        store.replace_documents(SYNTHETIC)
        assert store.documents() == [DOC_A, DOC_B] and len(store) == sum(map(len, SYNTHETIC.values()))
        assert store.remove_document(DOC_B) is True and store.remove_document(DOC_B) is False
    monkeypatch.setenv("TREATYKG_PASSWORD", "wrong-pw")
    with HttpStore(f"virtuoso+{virtuoso}") as store, pytest.raises(StoreError, match="refused access") as err:
        store.documents()
    assert "wrong-pw" not in str(err.value)


def test_password_masked_as_a_whole_value_and_userinfo_decoded(monkeypatch):
    for name in ("TREATYKG_USER", "TREATYKG_PASSWORD", "TREATYKG_AUTH"):
        monkeypatch.delenv(name, raising=False)
    sent = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get("authorization", ""))
        return httpx.Response(500, text="internal error: password=e rejected")

    for location, password in (("http://al%40ice:p%40ss%3Aw@h/x", "p@ss:w"), ("http://h/x", "e")):
        store = HttpStore(location, auth=None if "@" in location else ("al@ice", password))
        store._client = httpx.Client(auth=store._client.auth, transport=httpx.MockTransport(answer))
        with pytest.raises(StoreError) as err:
            store.documents()
        assert sent[-1] == "Basic " + base64.b64encode(f"al@ice:{password}".encode()).decode()
    assert "internal error: password=*** rejected" in str(err.value)


def test_server_bodies_lose_credential_headers_and_passwords(monkeypatch):
    for name in ("TREATYKG_USER", "TREATYKG_PASSWORD", "TREATYKG_AUTH"):
        monkeypatch.delenv(name, raising=False)
    # What a debugging proxy or a chatty server says back: the request's headers, raw and as JSON.
    echo = ("bad request\nAuthorization: Basic YWxAaWNlOnMzL2NyZXQ=\nCookie: session=abc123; theme=dark\n"
            '{"headers": {"Authorization": "Digest username=\\"al@ice\\", response=\\"6f2a9c\\"", "Host": "h"}}\n'
            "retry at http://al%40ice:s3%2Fcret@h/x/query with password s3/cret (sent as s3%2Fcret)")

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text=echo)

    store = HttpStore("http://al%40ice:s3%2Fcret@h/x")
    store._client = httpx.Client(auth=store._client.auth, transport=httpx.MockTransport(answer))
    with pytest.raises(StoreError) as err:
        store.documents()
    message = str(err.value)
    for secret in ("YWxAaWNlOnMzL2NyZXQ=", "abc123", "dark", "6f2a9c", "s3/cret", "s3%2Fcret", "al%40ice"):
        assert secret not in message, secret
    assert "Authorization: ***" in message and '"Authorization": ***, "Host": "h"' in message
    assert "retry at http://h/x/query with password *** (sent as ***)" in message


# -- deadlines and retries, against a local server that misbehaves on purpose ----------------------

ASK_TRUE = json.dumps({"head": {}, "boolean": True}).encode()


class _Scripted(http.server.ThreadingHTTPServer):
    """Answers each request with the next step of ``script``: an HTTP status ("ok" is 200 with a SPARQL
    boolean), "drop" (closes the connection without an answer), "silent" (never answers) or "drip" (a
    byte of the status line at a time, forever). After the script: "ok"."""

    daemon_threads = True

    def __init__(self, script: list) -> None:
        self.script, self.seen, self.stop = list(script), [], threading.Event()
        super().__init__(("127.0.0.1", 0), _ScriptedHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ScriptedHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        server = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        server.seen.append((self.command, self.path, body))
        step = server.script.pop(0) if server.script else "ok"
        if step == "drop":
            self.close_connection = True
        elif step == "silent":
            server.stop.wait(30)
        elif step == "drip":
            for byte in b"HTTP/1.0 200 OK\r\n" * 1000:
                if server.stop.wait(0.05):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        else:
            status = 200 if step == "ok" else step
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(ASK_TRUE if status == 200 else b"try later")


@contextlib.contextmanager
def _scripted(*script):
    server = _Scripted(list(script))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("failures", [[503], [502, 504, "drop"], ["drop", "drop", 503]])
def test_queries_are_retried_after_gateway_errors_and_lost_connections(failures):
    with _scripted(*failures) as server:
        store = HttpStore(server.url, timeout=20, backoff=0.01)
        assert bool(store.query("ASK { ?s ?p ?o }")) is True
        assert len(server.seen) == len(failures) + 1
        assert len({body for _, _, body in server.seen}) == 1  # the same request each time


def test_retries_are_bounded_and_say_so():
    with _scripted(*[503] * 10) as server:
        store = HttpStore(server.url, timeout=20, retries=2, backoff=0.01)
        with pytest.raises(StoreError, match="answered HTTP 503 after 3 attempts"):
            store.query("ASK { ?s ?p ?o }")
        assert len(server.seen) == 3


@pytest.mark.parametrize("status", [400, 401, 404, 500])
def test_client_errors_are_not_retried(status):
    with _scripted(status, status) as server:
        store = HttpStore(server.url, timeout=20, backoff=0.01)
        with pytest.raises((StoreError, QueryError)):
            store.query("ASK { ?s ?p ?o }")
        assert len(server.seen) == 1


def test_an_update_is_repeated_only_when_it_is_idempotent():
    with _scripted(503, "drop") as server:
        store = HttpStore(server.url, timeout=20, backoff=0.01)
        store.replace_documents({DOC_A: SYNTHETIC[DOC_A]})  # replacing a graph twice is replacing it once
        assert [path for _, path, _ in server.seen] == ["/update"] * 3
    for failure in (503, "drop"):
        with _scripted(failure) as server:
            store = HttpStore(server.url, timeout=20, backoff=0.01)
            with pytest.raises(StoreError):
                store._update("INSERT DATA { <http://a> <http://b> 1 }", idempotent=False)
            assert len(server.seen) == 1


def test_a_connection_never_made_is_retried():
    port = _free_port()
    store = HttpStore(f"http://127.0.0.1:{port}", timeout=20, retries=2, backoff=0.01)
    with pytest.raises(StoreError, match=r"cannot reach SPARQL endpoint .* \(after 3 attempts\)"):
        store._update("INSERT DATA { <http://a> <http://b> 1 }", idempotent=False)


@pytest.mark.parametrize("behaviour", ["silent", "drip"])
def test_a_request_has_a_total_deadline(behaviour):
    with _scripted(behaviour) as server:
        store = HttpStore(server.url, timeout=0.5, backoff=0.01)
        with pytest.raises(TimeLimitError, match=r"did not answer within the time limit of 0.5 s") as err:
            store.query("ASK { ?s ?p ?o }")
        assert "\n" not in str(err.value)


def test_retries_stay_within_the_deadline():
    with _scripted(*[503] * 10) as server:
        # Waits of 0.4 s then 0.8 s: the second would end past the deadline, so there is no third attempt.
        store = HttpStore(server.url, timeout=1, retries=5, backoff=0.4)
        with pytest.raises(StoreError, match="HTTP 503 after 2 attempts"):
            store.query("ASK { ?s ?p ?o }")
        assert len(server.seen) == 2


def test_cli_timeout_on_a_remote_store_exits_3():
    with _scripted("silent") as server:
        result = CliRunner().invoke(cli, ["query", "ASK { ?s ?p ?o }", "--timeout", "0.5", "--store", server.url])
        assert result.exit_code == 3, result.output
        assert "time limit of 0.5 s" in result.output
