"""The HTTP store against a real Oxigraph server, compared with the embedded store."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from graph.errors import QueryError, StoreError
from graph.pipeline import ingest, remove
from graph.query import bind_params, catalogue, format_result, run_query
from graph.remote import HttpStore, parse_location
from graph.store import OxigraphStore, open_store


def _binary() -> str | None:
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    exe = _binary()
    if exe is None:
        pytest.skip("the oxigraph server binary (PyPI package 'oxigraph') is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen([exe, "serve", "--location", str(data), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while True:
        try:
            if httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("oxigraph server did not start")
        time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def remote(server):
    store = HttpStore(server)
    for doc in store.documents():
        store.remove_document(doc)
    return store


def canonical(store) -> list[str]:
    return sorted({str(q) for q in ox.parse(store.dump("nquads"), format=ox.RdfFormat.N_QUADS)})


def test_seeds_give_the_same_quads_and_answers(remote, seeds_dir):
    local = OxigraphStore(None)
    ingest([seeds_dir], local)
    ingest([seeds_dir], remote)
    assert canonical(remote) == canonical(local)
    assert len(remote) == len(local)
    assert remote.documents() == local.documents()
    for q in catalogue().values():
        text = bind_params(q.text, {k: "Putin" for k in q.params})
        a, b = run_query(local, text), run_query(remote, text)
        assert sorted(map(str, a.rows)) == sorted(map(str, b.rows)), q.name
    ask = "ASK { ?x a tkg:Treaty }"
    assert format_result(run_query(remote, ask)) == "true"
    construct = run_query(remote, "CONSTRUCT { ?t a tkg:Treaty } WHERE { ?t a tkg:Treaty }")
    assert construct.triples


def test_reingest_and_remove(remote, sample_doc):
    ingest([sample_doc], remote)
    n = len(remote)
    ingest([sample_doc], remote)
    assert len(remote) == n
    remove(remote, "lisbon.txt")
    assert len(remote) == 0
    assert remote.remove_document("https://w3id.org/treatykg/doc/nothing") is False


def test_updates_refused_and_syntax_errors(remote):
    with pytest.raises(QueryError, match="refused"):
        remote.query("DELETE WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError):
        remote.query("SELECT ?x WHERE {")


def test_unreachable_endpoint_hides_credentials(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("TREATYKG_USER", "alice")
    monkeypatch.setenv("TREATYKG_PASSWORD", "s3cret-pw")
    store = open_store(f"http://bob:other-pw@127.0.0.1:{port}")
    with pytest.raises(StoreError) as err:
        store.documents()
    message = str(err.value)
    assert "cannot reach" in message and "\n" not in message
    assert "s3cret-pw" not in message and "other-pw" not in message


def test_presets():
    assert parse_location("virtuoso+http://h:8890") == ("http://h:8890", "virtuoso")
    assert parse_location("http://h:8890/sparql") == ("http://h:8890/sparql", "virtuoso")
    assert parse_location("http://h:7878") == ("http://h:7878", "oxigraph")
    assert HttpStore("graphdb+http://h:7200/repositories/kg").ep.update.endswith("/statements")
